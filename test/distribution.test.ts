import { describe, expect, it } from 'vitest';
import type { EpochResult } from '../sim/consensus/types.ts';
import { distributeEmission } from '../sim/economy/distributeEmission.ts';
import { genesisState } from '../sim/economy/genesis.ts';
import { addStakeWithShares, stakeOf } from '../sim/economy/sharePool.ts';
import type { PendingEmission, SubnetState } from '../sim/economy/state.ts';

const TAO = 1_000_000_000n;
// uid 0 owner, 1 and 2 validators (1 with a nominator), 3 and 4 miners.
const state = genesisState({
  subnets: [
    {
      netuid: 1,
      name: 'text',
      ownerColdkey: 'own-c',
      ownerHotkey: 'own-h',
      poolTaoRao: 1000n * TAO,
      poolAlphaRao: 2000n * TAO,
      neurons: [
        { hotkey: 'own-h', coldkey: 'own-c' },
        { hotkey: 'v1', coldkey: 'v1-c', stakeAlphaRao: 300n * TAO, takeU16: 65535 / 5 },
        { hotkey: 'v2', coldkey: 'v2-c', stakeAlphaRao: 100n * TAO, takeU16: 0 },
        { hotkey: 'm3', coldkey: 'm3-c' },
        { hotkey: 'm4', coldkey: 'own-c' }, // a miner hotkey owned by the subnet owner's coldkey
      ],
    },
  ],
});
const base = state.subnets[0]!;
// A nominator holds a quarter of v1's pool: v1-c 300 alpha, nom 100 alpha.
const subnet: SubnetState = {
  ...base,
  stakes: new Map([...base.stakes, ['v1', addStakeWithShares(base.stakes.get('v1')!, 'nom', 100n * TAO)]]),
  pool: { ...base.pool, alphaOutRao: base.pool.alphaOutRao + 100n * TAO },
};

const epoch = (server: bigint[], validator: bigint[]): EpochResult => {
  const n = 5;
  return {
    active: new Uint8Array(n).fill(1),
    stakeWeight: new Uint16Array(n),
    consensus: new Uint16Array(n),
    incentive: new Uint16Array(n),
    dividends: new Uint16Array(n),
    validatorTrust: new Uint16Array(n),
    serverEmission: BigUint64Array.from(server),
    validatorEmission: BigUint64Array.from(validator),
    emission: BigUint64Array.from(server.map((s, i) => s + validator[i]!)),
    newValidatorPermits: Uint8Array.from([0, 1, 1, 0, 0]),
    bonds: Array.from({ length: n }, () => ({ cols: new Uint16Array(0), vals: new Uint16Array(0) })),
  };
};
const pending: PendingEmission = {
  serverRao: 41n * TAO,
  validatorRao: 41n * TAO,
  rootAlphaRao: 0n,
  ownerCutRao: 18n * TAO,
};
const run = (e: EpochResult, p = pending) =>
  distributeEmission({ subnet, pending: p, epoch: e, hotkeys: state.hotkeys, rootStakes: new Map(), taoWeightU64: 0n });
const poolValue = (s: SubnetState, h: string) => s.stakes.get(h)?.valueRao ?? 0n;

describe('distribution of an epoch', () => {
  // Miners 3 and 4 earn 30 and 11 alpha; validators 1 and 2 earn dividends in the proportion 3 : 1 of 41 alpha.
  const e = epoch([0n, 0n, 0n, 30n * TAO, 11n * TAO], [0n, 30n * TAO, 10n * TAO, 0n, 0n]);
  const d = run(e);

  it('stakes the owner cut to the owner and each miner’s incentive to its owner, withholding the owner’s miners', () => {
    expect(poolValue(d.subnet, 'own-h')).toBe(18n * TAO);
    expect(stakeOf(d.subnet.stakes.get('m3')!, 'm3-c')).toBe(30n * TAO);
    expect(d.subnet.stakes.get('m4')).toBeUndefined();
    expect(d.withheldRao).toBe(11n * TAO);
    // MinerBurned = 11 / 41 as U96F32 bits.
    expect(d.subnet.minerBurnedU96F32).toBe((11n << 64n) / (41n << 32n));
    expect(d.subnet.burnedAlphaRao).toBe(11n * TAO); // default: burned, AlphaOut unchanged
  });

  it('pays the pending validator alpha in proportion to dividends, the take to the validator, the rest pro rata', () => {
    // v1: 3/4 of 41 = 30.75 alpha; take 13107/65535 (= 1/5) = 6.15 alpha staked first to v1-c with new shares
    // (v1-c: 306.15 of a 406.15 pool), then 24.6 added to the pool's value for all holders pro rata:
    // v1-c 306.15 + 24.6·306.15/406.15 = 324.693124…, the nominator 100 + 24.6·100/406.15 = 106.056875….
    const v1 = d.subnet.stakes.get('v1')!;
    expect(Number(stakeOf(v1, 'v1-c')) / 1e9).toBeCloseTo(306.15 + (24.6 * 306.15) / 406.15, 6);
    expect(Number(stakeOf(v1, 'nom')) / 1e9).toBeCloseTo(100 + (24.6 * 100) / 406.15, 6);
    // v2: 1/4 of 41 = 10.25 alpha, no take.
    expect(Number(stakeOf(d.subnet.stakes.get('v2')!, 'v2-c')) / 1e9).toBeCloseTo(110.25, 6);
  });

  it('accounts for every drained rao: paid + withheld + dust, dust a few rao at most', () => {
    expect(d.paidRao + d.withheldRao + d.dustRao).toBe(100n * TAO);
    expect(d.dustRao >= 0n && d.dustRao < 10n).toBe(true);
  });

  it('gives validators the miners’ half too when no miner earned', () => {
    const none = run(epoch([0n, 0n, 0n, 0n, 0n], [0n, 30n * TAO, 10n * TAO, 0n, 0n]));
    // 82 alpha split 3 : 1 → v2 gets 20.5 on top of its 100.
    expect(Number(poolValue(none.subnet, 'v2')) / 1e9).toBeCloseTo(120.5, 6);
    expect(none.subnet.minerBurnedU96F32).toBe(0n);
  });

  it('sends a validator’s root share of dividends to root-claimable alpha, by root stake × tao weight', () => {
    const rootStakes = new Map([
      ['v2', addStakeWithShares({ valueRao: 0n, shares: new Map(), totalShares: 0n }, 'whale', 900n * TAO)],
    ]);
    // tao_weight 0.5: v2's root alpha = 450 vs 100 alpha staked → root proportion 450/550 of its dividend.
    const r = distributeEmission({
      subnet,
      pending: { ...pending, rootAlphaRao: 9n * TAO },
      epoch: e,
      hotkeys: state.hotkeys,
      rootStakes,
      taoWeightU64: 1n << 63n,
    });
    // v2 is the only hotkey with root dividends: it gets all 9 root alpha, minus a take of 0.
    expect(Number(r.subnet.rootClaimableRao.get('v2')) / 1e9).toBeCloseTo(9, 6);
    expect(r.paidRao + r.withheldRao + r.dustRao).toBe(109n * TAO);
  });

  it('stakes a root payout larger than the hotkey’s root stake to its owner instead (claim_root.rs)', () => {
    // v2, the only hotkey with root dividends, gets all 9 root alpha (take 0): 9e9 rao. The chain compares that
    // amount with v2's TAO on root: claimable when it is not larger, else staked as alpha to (v2, its owner v2-c).
    const withRoot = (rootTao: bigint) =>
      distributeEmission({
        subnet,
        pending: { ...pending, rootAlphaRao: 9n * TAO },
        epoch: e,
        hotkeys: state.hotkeys,
        rootStakes: new Map([
          ['v2', addStakeWithShares({ valueRao: 0n, shares: new Map(), totalShares: 0n }, 'w', rootTao)],
        ]),
        taoWeightU64: 1n << 63n,
      });
    const equal = withRoot(9n * TAO);
    expect(equal.subnet.rootClaimableRao.get('v2')).toBe(9n * TAO);
    const small = withRoot(9n * TAO - 1n);
    expect(small.subnet.rootClaimableRao.has('v2')).toBe(false);
    // Everything paid went to stake: the pools together grew by exactly what was paid.
    const total = (s: SubnetState) => [...s.stakes.values()].reduce((a, p) => a + p.valueRao, 0n);
    expect(total(small.subnet) - total(subnet)).toBe(small.paidRao);
    expect(small.paidRao + small.withheldRao + small.dustRao).toBe(109n * TAO);
    expect(stakeOf(small.subnet.stakes.get('v2')!, 'v2-c')).toBeGreaterThanOrEqual(100n * TAO + 9n * TAO);
  });

  it('reads each hotkey’s take and owner from the hotkeys map it is given (a changed take applies at once)', () => {
    // The same subnet and epoch after v2 raised its take to 1/5 and m3 changed owner: v2's take goes to v2-c as new
    // shares (its pool has one holder, so the stake is the same), m3's incentive to the new owner.
    const changed = new Map(state.hotkeys);
    changed.set('v2', { ...changed.get('v2')!, takeU16: 65535 / 5 });
    changed.set('m3', { ...changed.get('m3')!, owner: 'm3-new' });
    const before = run(e);
    const after = distributeEmission({
      subnet,
      pending,
      epoch: e,
      hotkeys: changed,
      rootStakes: new Map(),
      taoWeightU64: 0n,
    });
    expect(stakeOf(before.subnet.stakes.get('m3')!, 'm3-c')).toBe(30n * TAO);
    expect(stakeOf(after.subnet.stakes.get('m3')!, 'm3-new')).toBe(30n * TAO);
    expect(stakeOf(after.subnet.stakes.get('m3')!, 'm3-c')).toBe(0n);
    // Take 1/5 of v2's 10.25 alpha, as the chain's fixed point floors it: the take is floor(0.2·2^32) = 858993459
    // (U96F32 bits), 10.25e9 · 858993459 / 2^32 = 2 049 999 999.52 → 2 049 999 999 rao of new shares at a share price
    // of 1.
    expect(after.subnet.stakes.get('v2')!.totalShares).toBe(100n * TAO + 2_049_999_999n);
  });
});
