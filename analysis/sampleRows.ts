import type { ChainState } from '../sim/economy/state.ts';
import type { BlockRecord } from '../sim/engine/blockStep.ts';
import { formatTao } from './formatTao.ts';
import { gini } from './gini.ts';
import { hhi } from './hhi.ts';
import { nakamoto } from './nakamoto.ts';

/** Fixed leading columns of the time series (more may follow them). */
export const NETWORK_COLUMNS = [
  'block',
  'date',
  'issuance',
  'block_emission',
  'recycled',
  'total_stake',
  'staking_ratio',
  'subnets',
] as const;
export const SUBNET_COLUMNS = [
  'block',
  'date',
  'netuid',
  'name',
  'price',
  'tao_in',
  'alpha_in',
  'alpha_out',
  'emission_share',
  'miners',
  'validators',
  'gini_stake',
  'gini_incentive',
  'nakamoto_stake',
  'nakamoto_incentive',
  'adversarial_share',
  'hhi_stake',
  'validator_stake',
] as const;

const BLOCK_MS = 12_000;
const ratio = (a: bigint, b: bigint): string => (b === 0n ? '0' : (Number((a * 10n ** 12n) / b) / 1e12).toFixed(9));

/** Share of an epoch's emission (incentive + dividends, per uid) that went to adversarial hotkeys. */
export function adversarialShare(
  hotkeys: readonly string[],
  emission: ArrayLike<bigint>,
  adversarial: ReadonlySet<string>,
): number {
  let all = 0n;
  let bad = 0n;
  hotkeys.forEach((h, uid) => {
    const e = emission[uid] ?? 0n;
    all += e;
    if (adversarial.has(h)) bad += e;
  });
  return all === 0n ? 0 : Number((bad * 1_000_000n) / all) / 1e6;
}

/** ISO 8601 UTC date of a block, from the scenario's start date and 12-second blocks. */
export const blockDate = (startMs: number, block: number): string => new Date(startMs + block * BLOCK_MS).toISOString();

/**
 * One network row and one row per subnet, from the state after a block. Staked TAO = root TAO plus every subnet
 * pool's TAO (the TAO that staking has put into pools); TAO amounts with 9 decimals, ratios with 9 decimals.
 */
export function sampleRows(
  state: ChainState,
  record: BlockRecord,
  startMs: number,
  adversarial: ReadonlySet<string> = new Set(),
): { network: string[]; subnets: string[][] } {
  const date = blockDate(startMs, state.block);
  const staked = state.rootTaoRao + state.subnets.reduce((a, s) => a + s.pool.taoRao, 0n);
  const network = [
    String(state.block),
    date,
    formatTao(state.issuanceRao),
    formatTao(record.emissionRao),
    formatTao(state.recycledRao),
    formatTao(staked),
    ratio(staked, state.issuanceRao),
    String(state.subnets.length),
  ];
  const subnets = state.subnets.map((s) => {
    const injection = record.injections.find((i) => i.netuid === s.netuid);
    const stakeValues = [...s.stakes.values()].map((h) => Number(h.valueRao));
    const incentive = Array.from(s.neurons.incentive);
    const minerCount = incentive.filter((x) => x > 0).length;
    return [
      String(state.block),
      date,
      String(s.netuid),
      s.name,
      s.pool.stable ? '1.000000000' : ratio(s.pool.taoRao, s.pool.alphaInRao), // a stable subnet's price is 1
      formatTao(s.pool.taoRao),
      formatTao(s.pool.alphaInRao),
      formatTao(s.pool.alphaOutRao),
      ratio(injection?.taoEmissionRao ?? 0n, record.emissionRao),
      String(minerCount),
      String(Array.from(s.neurons.validatorPermits).filter(Boolean).length),
      gini(stakeValues).toFixed(6),
      gini(incentive).toFixed(6),
      String(nakamoto(stakeValues)),
      String(nakamoto(incentive)),
      adversarialShare(s.neurons.hotkeys, s.neurons.emissionRao, adversarial).toFixed(6),
      hhi(stakeValues).toFixed(6),
      formatTao(
        s.neurons.hotkeys.reduce(
          (a, h, uid) => (s.neurons.validatorPermits[uid] ? a + (s.stakes.get(h)?.valueRao ?? 0n) : a),
          0n,
        ),
      ),
    ];
  });
  return { network, subnets };
}
