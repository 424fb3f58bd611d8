import { blockEmissionForIssuance } from '../economy/blockEmission.ts';
import type { SubnetState } from '../economy/state.ts';
import { findSubnet } from '../economy/state.ts';
import { normal, rngFor } from '../engine/rng.ts';
import type { MinerRegistry } from './minerRegistry.ts';
import { type Action, type Agent, nextPeriodic } from './types.ts';

export interface EntrantSpec {
  readonly netuid: number;
  readonly name: string;
  /** Coldkey of the would-be miners (its balance pays registrations). */
  readonly coldkey: string;
  readonly miners: MinerRegistry;
  readonly every: number;
  /** Operating cost of a miner, TAO per day (rao), and the days over which entry must pay back. */
  readonly costPerDayRao: bigint;
  readonly horizonDays: number;
  /** Checks in a row a miner may earn less than its cost before it stops serving. */
  readonly patience: number;
  readonly qualityMean: number;
  readonly qualitySd: number;
  readonly seed: number;
  /**
   * Off-chain revenue of the subnet's miners, TAO per day (rao): what buyers of its services pay that does not
   * reach the chain (the subnet's `demand` less its on-chain share). Miners share it by incentive (who serves best
   * is paid most); an entrant expects an average share. 0 without demand.
   */
  readonly offChainPerDayRao?: bigint;
}

/** TAO per day a miner earning `share` of the subnet's miner emission would make, at the pool's price. */
function taoPerDay(subnet: SubnetState, share: number): number {
  const alphaPerBlock = Number(blockEmissionForIssuance(subnet.pool.alphaInRao + subnet.pool.alphaOutRao)) * 0.41;
  const price = Number(subnet.pool.taoRao) / Math.max(1, Number(subnet.pool.alphaInRao));
  return alphaPerBlock * 7200 * share * price;
}

/**
 * Miners coming and going on one subnet. Every `every` blocks: a new miner registers when an average miner's
 * earnings over the horizon beat the registration price plus its operating cost (it pays the burn; when the subnet
 * is full, the chain prunes the lowest-emission uid); a miner whose earnings stayed below its cost for `patience`
 * checks stops serving (its quality becomes 0 for validators, so it is pruned in time).
 */
export function minerEntrant(spec: EntrantSpec): Agent {
  let joined = 0;
  const losing = new Map<string, number>();
  return {
    id: spec.coldkey,
    nextAct: (from) => nextPeriodic(from, spec.every),
    act(view): Action[] {
      if ((view.block + 1) % spec.every !== 0) return [];
      const subnet = findSubnet(view.subnets, spec.netuid);
      if (!subnet) return [];
      const t = subnet.neurons;
      const miners = spec.miners.minerUids(t.hotkeys);
      const epochsPerDay = 7200 / Math.max(1, subnet.params.tempo);
      const cost = Number(spec.costPerDayRao);
      // Quitting: earnings from the last epoch's emission, per day, at the pool price.
      const price = Number(subnet.pool.taoRao) / Math.max(1, Number(subnet.pool.alphaInRao));
      const offChain = Number(spec.offChainPerDayRao ?? 0n);
      const incentiveSum = miners.reduce((a, uid) => a + (t.incentive[uid] ?? 0), 0);
      for (const uid of miners) {
        const h = t.hotkeys[uid]!;
        const served = incentiveSum > 0 ? (t.incentive[uid] ?? 0) / incentiveSum : 1 / miners.length;
        const earns = Number(t.emissionRao[uid] ?? 0n) * epochsPerDay * price + offChain * served;
        losing.set(h, earns < cost ? (losing.get(h) ?? 0) + 1 : 0);
        if ((losing.get(h) ?? 0) >= spec.patience) spec.miners.markQuit(h);
      }
      // Entering: an average miner's share of the miner emission, over the horizon, against burn plus cost.
      const expected = (taoPerDay(subnet, 1 / (miners.length + 1)) + offChain / (miners.length + 1)) * spec.horizonDays;
      if (expected <= Number(subnet.burnRao) + cost * spec.horizonDays) return [];
      const hotkey = `${spec.name}-new${++joined}`;
      const q = spec.qualityMean + spec.qualitySd * normal(rngFor(spec.seed, 'entrant', spec.netuid, joined));
      spec.miners.add(hotkey, {
        base: Math.min(1, Math.max(1e-6, q)),
        amplitude: 0,
        period: 1,
        phase: 0,
        cabal: false,
        quit: false,
      });
      return [{ kind: 'registerNeuron', coldkey: spec.coldkey, hotkey, netuid: spec.netuid }];
    },
  };
}
