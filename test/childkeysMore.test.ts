import { describe, expect, it } from 'vitest';
import type { EpochResult } from '../sim/consensus/types.ts';
import { auditBooks } from '../sim/economy/auditBooks.ts';
import { splitDividend } from '../sim/economy/childkeys.ts';
import { distributeEmission } from '../sim/economy/distributeEmission.ts';
import { DEFAULT_CHAIN_PARAMS, genesisState } from '../sim/economy/genesis.ts';
import { setChildren } from '../sim/economy/ops/setChildren.ts';
import { setTake } from '../sim/economy/ops/setTake.ts';
import { stakeOf } from '../sim/economy/sharePool.ts';
import type { ChainParams, ChainState, ChildLink, PendingEmission, SubnetState } from '../sim/economy/state.ts';
import { blockStep } from '../sim/engine/blockStep.ts';
import { runBlocks } from '../sim/engine/runBlocks.ts';
import { SUBNET_ONE } from './support/subnetOne.ts';

/*
 * Test gaps of review 3, finding 3 (scratch/review3/report.md): several parents through distributeEmission, a parent
 * that is also a registered uid, pending children on a subnet whose epoch is deferred by maxEpochsPerBlock, and two
 * conflicting pending sets applied in one epoch block. Expected values come from the chain's code at 14bc6f9f (by
 * hand, or from the small U96F32 reference below), never from taosim.
 */

const TAO = 1_000_000_000n;
const U64_MAX = (1n << 64n) - 1n;
const ONE = 1n << 32n;
const params: ChainParams = { ...DEFAULT_CHAIN_PARAMS, consensusMode: 'fixed' };

// ---- An independent reference, written from the chain's code (substrate_fixed U96F32: floor on mul and div).
const mul = (a: bigint, b: bigint): bigint => (a * b) >> 32n;
const div = (a: bigint, b: bigint): bigint => (b === 0n ? 0n : (a << 32n) / b);
const satSub = (a: bigint, b: bigint): bigint => (a > b ? a - b : 0n);
/** U96F32 proportion / u64::MAX. */
const norm = (p: bigint): bigint => div(p << 32n, U64_MAX << 32n);
/** `get_tao_weight`: TaoWeight / u64::MAX as U96F32. */
const taoWeightU96F32 = (w: bigint): bigint => div(w << 32n, U64_MAX << 32n);
/** `get_hotkey_take_float` / `get_childkey_take` as U96F32: u16 / 65535. */
const u16Frac = (t: number): bigint => div(BigInt(t) << 32n, 65_535n << 32n);

interface RefStake {
  readonly alpha: bigint;
  readonly root: bigint;
}
interface RefParent extends RefStake {
  readonly hotkey: string;
  readonly proportion: bigint;
  /** Same owning coldkey as the child: no child take (run_coinbase.rs:1032). */
  readonly sameOwner: boolean;
}

/**
 * `get_parent_child_dividends_distribution` (run_coinbase.rs:944-1076) with `get_self_contribution` (:900-929),
 * CKBurn 0. Returns [hotkey, u64] for each parent in ParentKeys order, then the child.
 */
function refSplit(
  child: string,
  dividend: bigint,
  self: RefStake & { readonly childProportions: readonly bigint[] },
  childTakeU16: number,
  parents: readonly RefParent[],
  tw: bigint,
): [string, bigint][] {
  const validating = dividend << 32n;
  let remaining = validating;
  const takeProp = u16Frac(childTakeU16);
  let remainingProp = ONE;
  for (const p of self.childProportions) remainingProp = satSub(remainingProp, norm(p));
  const selfC = (mul(self.alpha << 32n, remainingProp) + mul(mul(self.root << 32n, remainingProp), tw)) >> 32n;
  let total = selfC << 32n;
  const contributions = parents.map((p) => {
    const prop = norm(p.proportion);
    const c = mul(p.alpha << 32n, prop) + mul(mul(p.root << 32n, prop), tw);
    total += c;
    return c;
  });
  const out: [string, bigint][] = [];
  let totalChildTake = 0n;
  parents.forEach((p, k) => {
    let emission = mul(validating, div(contributions[k]!, total));
    remaining = satSub(remaining, emission);
    if (!p.sameOwner) {
      const take = mul(takeProp, emission);
      emission -= take;
      totalChildTake += take;
    }
    out.push([p.hotkey, emission >> 32n]);
  });
  out.push([child, (remaining + totalChildTake) >> 32n]);
  return out;
}

interface RefPay {
  readonly alphaTake: bigint;
  readonly alphaRest: bigint;
  readonly rootTake: bigint;
  readonly rootRest: bigint;
}

/**
 * `calculate_dividend_distribution` (run_coinbase.rs:501-590) and the dividend half of
 * `distribute_dividends_and_incentives` (:713-775): per hotkey, root_prop = root·tw / (alpha + root·tw) of the
 * stakes read before any payout (`get_stake_map`); shares of the pending validator alpha and of the pending root
 * alpha; the delegate take of each staked to the owner, the rest (floored apart) to the pool or root-claimable.
 */
function refDistribute(
  dividends: ReadonlyMap<string, bigint>,
  stake: (h: string) => RefStake,
  delegateTakeU16: (h: string) => number,
  pendingAlpha: bigint,
  pendingRoot: bigint,
  tw: bigint,
): Map<string, RefPay> {
  const alphaDivs = new Map<string, bigint>();
  const rootDivs = new Map<string, bigint>();
  let alphaTotal = 0n;
  let rootTotal = 0n;
  for (const [h, d] of dividends) {
    const { alpha, root } = stake(h);
    const rootAlpha = mul(root << 32n, tw);
    const rootProp = div(rootAlpha, (alpha << 32n) + rootAlpha);
    const r = mul(d << 32n, rootProp);
    rootDivs.set(h, r);
    alphaDivs.set(h, (d << 32n) - r);
    rootTotal += r;
    alphaTotal += (d << 32n) - r;
  }
  const out = new Map<string, RefPay>();
  for (const h of dividends.keys()) {
    const take = u16Frac(delegateTakeU16(h));
    const a = mul(pendingAlpha << 32n, div(alphaDivs.get(h)!, alphaTotal));
    const r = mul(pendingRoot << 32n, div(rootDivs.get(h)!, rootTotal));
    const aTake = mul(take, a);
    const rTake = mul(take, r);
    out.set(h, {
      alphaTake: aTake >> 32n,
      alphaRest: (a - aTake) >> 32n,
      rootTake: rTake >> 32n,
      rootRest: (r - rTake) >> 32n,
    });
  }
  return out;
}

// ---- Calling distributeEmission with a hand-made epoch result (as in test/childkeys.test.ts).

/** Pending buckets with no miner incentive: validators get server + validator alpha. */
const PENDING: PendingEmission = {
  serverRao: 300_000_000n,
  validatorRao: 700_000_000n,
  rootAlphaRao: 400_000_000n,
  ownerCutRao: 0n,
};
const PENDING_ALPHA = PENDING.serverRao + PENDING.validatorRao; // incentive_sum 0 (run_coinbase.rs:810-815)

function distribute(s: ChainState, dividends: Record<string, bigint>, taoWeightU64: bigint) {
  const subnet0 = s.subnets[0]!;
  const n = subnet0.neurons.hotkeys.length;
  const validatorEmission = new BigUint64Array(n);
  for (const [h, d] of Object.entries(dividends)) validatorEmission[subnet0.neurons.hotkeys.indexOf(h)] = d;
  const epoch = {
    serverEmission: new BigUint64Array(n),
    validatorEmission,
    emission: validatorEmission,
    newValidatorPermits: new Uint8Array(n),
    bonds: subnet0.neurons.bonds,
    incentive: new Uint16Array(n),
    dividends: new Uint16Array(n),
    consensus: new Uint16Array(n),
  } as unknown as EpochResult;
  const drained = PENDING.serverRao + PENDING.validatorRao + PENDING.rootAlphaRao + PENDING.ownerCutRao;
  // The books before: pending emission is part of AlphaOut.
  const subnet: SubnetState = {
    ...subnet0,
    pending: PENDING,
    pool: { ...subnet0.pool, alphaOutRao: subnet0.pool.alphaOutRao + drained },
  };
  const out = distributeEmission({
    subnet,
    pending: PENDING,
    epoch,
    hotkeys: s.hotkeys,
    rootStakes: s.rootStakes,
    taoWeightU64,
  });
  // drain_pending emptied the buckets before the distribution (here: by hand).
  const emptied = { serverRao: 0n, validatorRao: 0n, rootAlphaRao: 0n, ownerCutRao: 0n };
  const after: ChainState = { ...s, subnets: [{ ...out.subnet, pending: emptied }] };
  return { out, after, sub: out.subnet };
}

const pool = (sub: SubnetState, h: string): bigint => sub.stakes.get(h)?.valueRao ?? 0n;

describe('several parents through distribute_emission (get_parent_child_dividends_distribution, run_coinbase.rs:944-1076)', () => {
  /*
   * Subnet 1: child c (coldkey cc, 500 alpha), validator v (vc, 2000 alpha, no parents), miner m0.
   * Parents of c, in ParentKeys order (upsert_edge appends):
   *   p2 (pc2): 4000 TAO on root, no alpha,   proportion 2^62 (¼)
   *   p1 (pc1): 3000 TAO on root, 1000 alpha, proportion 2^63 (½), delegate take 3277
   *   p3 (cc, c's own coldkey): 500 alpha,    proportion u64::MAX (all), delegate take 0
   * c's childkey take: 6553. TaoWeight = u64::MAX, so tw = 1 exactly and the contributions are round numbers.
   */
  const genesis = (): ChainState => {
    let s = genesisState({
      rootStakes: [
        { hotkey: 'p1', coldkey: 'pc1', taoRao: 3_000n * TAO },
        { hotkey: 'p2', coldkey: 'pc2', taoRao: 4_000n * TAO },
      ],
      subnets: [
        {
          ...SUBNET_ONE,
          neurons: [
            { hotkey: 'oh', coldkey: 'oc' },
            { hotkey: 'c', coldkey: 'cc', stakeAlphaRao: 500n * TAO },
            { hotkey: 'v', coldkey: 'vc', stakeAlphaRao: 2_000n * TAO },
            { hotkey: 'm0', coldkey: 'm0c' },
          ],
          params: { tempo: 100, commitRevealEnabled: false },
          childkeys: [
            { parent: 'p2', parentColdkey: 'pc2', child: 'c', proportion: 1n << 62n },
            {
              parent: 'p1',
              parentColdkey: 'pc1',
              parentStakeAlphaRao: 1_000n * TAO,
              child: 'c',
              proportion: 1n << 63n,
            },
            {
              parent: 'p3',
              parentColdkey: 'cc',
              parentStakeAlphaRao: 500n * TAO,
              child: 'c',
              proportion: U64_MAX,
              childTakeU16: 6553,
            },
          ],
        },
      ],
    });
    s = { ...s, block: 10 };
    s = setTake(s, { coldkey: 'pc1', hotkey: 'p1', takeU16: 3277 });
    s = setTake(s, { coldkey: 'cc', hotkey: 'p3', takeU16: 0 });
    return s;
  };
  const TW_ONE = U64_MAX; // TaoWeight = u64::MAX

  it('splits the child’s dividend by contribution, with the child take from the other owners only (by hand)', () => {
    const s = genesis();
    const sub = s.subnets[0]!;
    expect(sub.childkeys.parents.get('c')!.map((l) => l.hotkey)).toEqual(['p2', 'p1', 'p3']);
    // tw = u64::MAX / u64::MAX = 1 exactly; norm(2^62) = ¼, norm(2^63) = ½, norm(u64::MAX) = 1 exactly.
    expect(taoWeightU96F32(TW_ONE)).toBe(ONE);
    expect([norm(1n << 62n), norm(1n << 63n), norm(U64_MAX)]).toEqual([ONE / 4n, ONE / 2n, ONE]);
    // Contributions (TAO): c self 500 (no children); p2 4000·¼ = 1000; p1 1000·½ + 3000·½ = 2000; p3 500·1 = 500.
    // Total 4000: factors ¼, ½, ⅛ — exact in U96F32. Dividend 1e9 → 250 000 000, 500 000 000, 125 000 000; the
    // child keeps 125 000 000 of its own.
    const d = 1_000_000_000n;
    // child_take_proportion = 6553 / 65535 (U96F32, floored); child_take = take · parent_emission (exact here).
    const takeBits = u16Frac(6553);
    expect(takeBits).toBe((6553n << 32n) / 65_535n);
    const take2 = takeBits * 250_000_000n; // U96F32 bits of the take on p2's 250 000 000
    const take1 = takeBits * 500_000_000n;
    const toP2 = ((250_000_000n << 32n) - take2) >> 32n;
    const toP1 = ((500_000_000n << 32n) - take1) >> 32n;
    const toP3 = 125_000_000n; // same owner as c: no child take
    const toC = ((125_000_000n << 32n) + take1 + take2) >> 32n;
    // ≈ 6553/65535 = 0.0999924…: p2 ≈ 225 001 907, p1 ≈ 450 003 815, c ≈ 125 000 000 + 74 994 277.
    expect([toP2, toP1, toC]).toEqual([225_001_907n, 450_003_814n, 199_994_277n]);
    // Three floored parts (p2, p1, c; p3's is exact): 2 rao of the dividend are lost.
    expect(toP2 + toP1 + toP3 + toC).toBe(d - 2n);
    const ctx = { subnet: sub, hotkeys: s.hotkeys, rootStakes: s.rootStakes, taoWeightU64: TW_ONE };
    expect(splitDividend(ctx, 'c', d)).toEqual({
      hotkeys: ['p2', 'p1', 'p3', 'c'],
      amounts: [toP2, toP1, toP3, toC],
    });
    // The reference below (used by the next tests) agrees with this hand computation.
    const ref = refSplit(
      'c',
      d,
      { alpha: 500n * TAO, root: 0n, childProportions: [] },
      6553,
      [
        { hotkey: 'p2', alpha: 0n, root: 4_000n * TAO, proportion: 1n << 62n, sameOwner: false },
        { hotkey: 'p1', alpha: 1_000n * TAO, root: 3_000n * TAO, proportion: 1n << 63n, sameOwner: false },
        { hotkey: 'p3', alpha: 500n * TAO, root: 0n, proportion: U64_MAX, sameOwner: true },
      ],
      ONE,
    );
    expect(ref).toEqual([
      ['p2', toP2],
      ['p1', toP1],
      ['p3', toP3],
      ['c', toC],
    ]);
  });

  it('pays each parent and the child through the root/alpha split and their delegate takes (by hand)', () => {
    const s = genesis();
    const d = 1_000_000_000n;
    const dv = 500_000_000n;
    const takeBits = u16Frac(6553);
    const toP2 = ((250_000_000n << 32n) - takeBits * 250_000_000n) >> 32n;
    const toP1 = ((500_000_000n << 32n) - takeBits * 500_000_000n) >> 32n;
    const toP3 = 125_000_000n;
    const toC = ((125_000_000n << 32n) + takeBits * 750_000_000n) >> 32n;
    const { out, after, sub } = distribute(s, { c: d, v: dv }, TW_ONE);

    // root_prop (tw = 1): p1 3000 / (1000 + 3000) = ¾ exactly; p2 (root only) 1 exactly; c, v, p3 (no root) 0.
    // U96F32 bits of the alpha and root dividends:
    const rootDivP1 = toP1 * 3n * (ONE / 4n); // mul(toP1 << 32, ¾) exact
    const alphaDivP1 = (toP1 << 32n) - rootDivP1; // = toP1 · 2^30
    expect(alphaDivP1).toBe(toP1 << 30n);
    const rootDivP2 = toP2 << 32n;
    const alphaTotal = alphaDivP1 + ((toC + toP3 + dv) << 32n);
    const rootTotal = rootDivP1 + rootDivP2;
    // Shares of pending validator alpha (1e9: no incentive, server alpha goes to validators too) and root alpha (4e8).
    const alphaPay = (x: bigint) => mul(PENDING_ALPHA << 32n, div(x, alphaTotal));
    const rootPay = (x: bigint) => mul(PENDING.rootAlphaRao << 32n, div(x, rootTotal));
    const takeOf = (t: number, payout: bigint) => mul(u16Frac(t), payout);
    // Delegate takes: c, v, p2 11 796; p1 3277; p3 0.
    const paid = (t: number, payout: bigint) => {
      const take = takeOf(t, payout);
      return { take: take >> 32n, rest: (payout - take) >> 32n };
    };
    const aC = paid(11_796, alphaPay(toC << 32n));
    const aV = paid(11_796, alphaPay(dv << 32n));
    const aP1 = paid(3277, alphaPay(alphaDivP1));
    const rP1 = paid(3277, rootPay(rootDivP1));
    const aP3 = paid(0, alphaPay(toP3 << 32n));
    const rP2 = paid(11_796, rootPay(rootDivP2));
    expect(aP3.take).toBe(0n);

    // p1: its pool of 1000 alpha grows by both takes and its alpha rest; the root rest is root-claimable.
    expect(pool(sub, 'p1')).toBe(1_000n * TAO + aP1.take + aP1.rest + rP1.take);
    expect(sub.rootClaimableRao.get('p1')).toBe(rP1.rest);
    // p2 (root only, no alpha pool before): no alpha part; its take is its owner's first stake here.
    expect(pool(sub, 'p2')).toBe(rP2.take);
    expect(stakeOf(sub.stakes.get('p2')!, 'pc2')).toBe(rP2.take);
    expect(sub.rootClaimableRao.get('p2')).toBe(rP2.rest);
    // p3 (same owner as c, take 0): all of its alpha payout raises its pool.
    expect(pool(sub, 'p3')).toBe(500n * TAO + aP3.rest);
    // c keeps its own share and the child takes, paid as a validator.
    expect(pool(sub, 'c')).toBe(500n * TAO + aC.take + aC.rest);
    expect(stakeOf(sub.stakes.get('c')!, 'cc')).toBe(500n * TAO + aC.take + aC.rest);
    expect(pool(sub, 'v')).toBe(2_000n * TAO + aV.take + aV.rest);
    expect(sub.rootClaimableRao.has('c') || sub.rootClaimableRao.has('v') || sub.rootClaimableRao.has('p3')).toBe(
      false,
    );
    // Nothing for the miner or the owner (no incentive, no owner cut).
    expect(sub.stakes.has('m0')).toBe(false);
    expect(sub.stakes.has('oh')).toBe(false);
    // Every rao drained is paid, save the floors: 6 payouts (4 alpha, 2 root), each paid as a take and a rest floored
    // apart (under 2 rao lost per payout).
    const paidSum =
      aC.take +
      aC.rest +
      aV.take +
      aV.rest +
      aP1.take +
      aP1.rest +
      rP1.take +
      rP1.rest +
      aP3.rest +
      rP2.take +
      rP2.rest;
    expect(out.paidRao).toBe(paidSum);
    expect(out.dustRao).toBe(PENDING_ALPHA + PENDING.rootAlphaRao - paidSum);
    expect(out.dustRao).toBeGreaterThanOrEqual(0n);
    expect(out.dustRao).toBeLessThanOrEqual(12n);
    expect(auditBooks(after)).toEqual([]);
    // Cross-check with the generic reference (used by the next test).
    const ref = refDistribute(
      new Map([
        ['c', toC],
        ['p1', toP1],
        ['p2', toP2],
        ['p3', toP3],
        ['v', dv],
      ]),
      (h) => ({ alpha: pool(s.subnets[0]!, h), root: s.rootStakes.get(h)?.valueRao ?? 0n }),
      (h) => s.hotkeys.get(h)!.takeU16,
      PENDING_ALPHA,
      PENDING.rootAlphaRao,
      ONE,
    );
    expect(ref.get('p1')).toEqual({ alphaTake: aP1.take, alphaRest: aP1.rest, rootTake: rP1.take, rootRest: rP1.rest });
    expect(ref.get('p2')).toEqual({ alphaTake: 0n, alphaRest: 0n, rootTake: rP2.take, rootRest: rP2.rest });
  });
});

describe('a parent that is also a registered uid (per-hotkey sums, calculate_dividends_and_incentives :468-499)', () => {
  /*
   * Subnet 1: c (uid 1, cc, 1000 alpha) and v (uid 2, vc, 2000 alpha and 600 TAO on root) both validate.
   *   v → c with proportion ⌊u64::MAX / 3⌋ (v is a registered parent, and its own dividend is split too);
   *   p1 (pc1, 3000 TAO root, not registered) → c with all of its stake;
   *   p2 (pc2, 800 TAO root, not registered) → v with 2^63 (a chain p2 → v → c).
   * Childkey takes: c 11 796 (the maximum), v 5000. Default TaoWeight.
   * Per hotkey: v earns its own dividend's remainder plus its share of c's; p1 a share of c's; p2 a share of v's.
   */
  const third = U64_MAX / 3n;
  const genesis = (): ChainState =>
    genesisState({
      rootStakes: [
        { hotkey: 'p1', coldkey: 'pc1', taoRao: 3_000n * TAO },
        { hotkey: 'p2', coldkey: 'pc2', taoRao: 800n * TAO },
        { hotkey: 'v', coldkey: 'vc', taoRao: 600n * TAO },
      ],
      subnets: [
        {
          ...SUBNET_ONE,
          neurons: [
            { hotkey: 'oh', coldkey: 'oc' },
            { hotkey: 'c', coldkey: 'cc', stakeAlphaRao: 1_000n * TAO },
            { hotkey: 'v', coldkey: 'vc', stakeAlphaRao: 2_000n * TAO },
            { hotkey: 'm0', coldkey: 'm0c' },
          ],
          params: { tempo: 100, commitRevealEnabled: false },
          childkeys: [
            { parent: 'v', parentColdkey: 'vc', child: 'c', proportion: third, childTakeU16: 11_796 },
            { parent: 'p1', parentColdkey: 'pc1', child: 'c', proportion: U64_MAX },
            { parent: 'p2', parentColdkey: 'pc2', child: 'v', proportion: 1n << 63n, childTakeU16: 5000 },
          ],
        },
      ],
    });

  it('sums v’s own share and its share of c’s dividend, and pays the sums', () => {
    const s = genesis();
    const sub0 = s.subnets[0]!;
    expect(sub0.childkeys.parents.get('c')).toEqual([
      { proportion: third, hotkey: 'v' },
      { proportion: U64_MAX, hotkey: 'p1' },
    ]);
    expect(sub0.childkeys.parents.get('v')).toEqual([{ proportion: 1n << 63n, hotkey: 'p2' }]);
    const tw = taoWeightU96F32(params.taoWeightU64);
    const dc = 777_777_777n;
    const dv = 333_333_333n;
    const splitC = refSplit(
      'c',
      dc,
      { alpha: 1_000n * TAO, root: 0n, childProportions: [] },
      11_796,
      [
        // A parent contributes its own full stake · p (not what is left after its children).
        { hotkey: 'v', alpha: 2_000n * TAO, root: 600n * TAO, proportion: third, sameOwner: false },
        { hotkey: 'p1', alpha: 0n, root: 3_000n * TAO, proportion: U64_MAX, sameOwner: false },
      ],
      tw,
    );
    const splitV = refSplit(
      'v',
      dv,
      // v's self contribution: its stake × (1 − ⅓), as it lends a third to c.
      { alpha: 2_000n * TAO, root: 600n * TAO, childProportions: [third] },
      5000,
      [{ hotkey: 'p2', alpha: 0n, root: 800n * TAO, proportion: 1n << 63n, sameOwner: false }],
      tw,
    );
    const get = (split: [string, bigint][], h: string) => split.find(([k]) => k === h)![1];
    const sums = new Map<string, bigint>([
      ['c', get(splitC, 'c')],
      ['p1', get(splitC, 'p1')],
      ['p2', get(splitV, 'p2')],
      ['v', get(splitV, 'v') + get(splitC, 'v')],
    ]);
    // Sanity of the reference: each split hands out its dividend, less at most a rao per part.
    const total = (split: [string, bigint][]) => split.reduce((a, [, x]) => a + x, 0n);
    expect(dc - total(splitC)).toBeGreaterThanOrEqual(0n);
    expect(dc - total(splitC)).toBeLessThanOrEqual(2n);
    expect(dv - total(splitV)).toBeGreaterThanOrEqual(0n);
    expect(dv - total(splitV)).toBeLessThanOrEqual(1n);
    expect(get(splitC, 'v')).toBeGreaterThan(0n);
    expect(get(splitV, 'v')).toBeGreaterThan(0n);

    const ctx = { subnet: sub0, hotkeys: s.hotkeys, rootStakes: s.rootStakes, taoWeightU64: params.taoWeightU64 };
    expect(splitDividend(ctx, 'c', dc)).toEqual({ hotkeys: splitC.map(([h]) => h), amounts: splitC.map(([, x]) => x) });
    expect(splitDividend(ctx, 'v', dv)).toEqual({ hotkeys: splitV.map(([h]) => h), amounts: splitV.map(([, x]) => x) });

    const { out, after, sub } = distribute(s, { c: dc, v: dv }, params.taoWeightU64);
    const ref = refDistribute(
      sums,
      (h) => ({ alpha: pool(sub0, h), root: s.rootStakes.get(h)?.valueRao ?? 0n }),
      (h) => s.hotkeys.get(h)!.takeU16,
      PENDING_ALPHA,
      PENDING.rootAlphaRao,
      tw,
    );
    const r = (h: string) => ref.get(h)!;
    // v: one payment on the summed dividend, both parts (it has alpha and root), its delegate take (11 796) staked.
    expect(r('v').alphaRest).toBeGreaterThan(0n);
    expect(r('v').rootRest).toBeGreaterThan(0n);
    expect(pool(sub, 'v')).toBe(2_000n * TAO + r('v').alphaTake + r('v').alphaRest + r('v').rootTake);
    expect(sub.rootClaimableRao.get('v')).toBe(r('v').rootRest);
    // c: alpha only.
    expect(r('c').rootTake + r('c').rootRest).toBe(0n);
    expect(pool(sub, 'c')).toBe(1_000n * TAO + r('c').alphaTake + r('c').alphaRest);
    expect(sub.rootClaimableRao.has('c')).toBe(false);
    // p1, p2: root only, no alpha pool before.
    for (const [h, ckey] of [
      ['p1', 'pc1'],
      ['p2', 'pc2'],
    ] as const) {
      expect(r(h).alphaTake + r(h).alphaRest).toBe(0n);
      expect(pool(sub, h)).toBe(r(h).rootTake);
      expect(stakeOf(sub.stakes.get(h)!, ckey)).toBe(r(h).rootTake);
      expect(sub.rootClaimableRao.get(h)).toBe(r(h).rootRest);
    }
    let paid = 0n;
    for (const p of ref.values()) paid += p.alphaTake + p.alphaRest + p.rootTake + p.rootRest;
    expect(out.paidRao).toBe(paid);
    expect(auditBooks(after)).toEqual([]);
  });
});

// ---- Pending children applied by the engine.

const full = (hotkey: string): ChildLink[] => [{ proportion: U64_MAX, hotkey }];
const tx = (hotkey: string, coldkey: string, netuid: number, children: ChildLink[]) => ({
  hotkey,
  coldkey,
  netuid,
  children,
});

describe('pending children on a subnet whose epoch is deferred by maxEpochsPerBlock (block_step.rs:38-47)', () => {
  /*
   * Subnet 1 (tempo 100) fires at 100k, subnet 2 (tempo 73) at 73k (genesis at 0: LastEpochBlock 0 for both). They
   * first meet at 7300 = lcm(100, 73). With MaxEpochsPerBlock = 1, drain_pending (run_coinbase.rs:361-378) visits
   * netuid 1 first: it runs at 7300, subnet 2 is deferred (PendingEpochAt = 7301) and runs at 7301, where
   * LastEpochBlock[2] = 7301; try_set_pending_children then applies subnet 2's entries with cooldown < 7301.
   * Pending on subnet 2: pa → x scheduled at 50 (cooldown 7250), pb → y at 100 (7300), pc → z at 101 (7301).
   */
  const genesis = (): ChainState =>
    genesisState({
      rootStakes: ['pa', 'pb', 'pc'].map((h) => ({ hotkey: h, coldkey: `${h}c`, taoRao: 10n * TAO })),
      subnets: [
        {
          netuid: 1,
          name: 'one',
          ownerColdkey: 'oc1',
          ownerHotkey: 'oh1',
          poolTaoRao: 10_000n * TAO,
          poolAlphaRao: 20_000n * TAO,
          neurons: [
            { hotkey: 'oh1', coldkey: 'oc1' },
            { hotkey: 'v1', coldkey: 'vc1', stakeAlphaRao: 1_000n * TAO },
          ],
          params: { tempo: 100, commitRevealEnabled: false },
        },
        {
          netuid: 2,
          name: 'two',
          ownerColdkey: 'oc2',
          ownerHotkey: 'oh2',
          poolTaoRao: 10_000n * TAO,
          poolAlphaRao: 20_000n * TAO,
          neurons: [
            { hotkey: 'oh2', coldkey: 'oc2' },
            { hotkey: 'x', coldkey: 'xc', stakeAlphaRao: 1_000n * TAO },
            { hotkey: 'y', coldkey: 'yc', stakeAlphaRao: 1_000n * TAO },
            { hotkey: 'z', coldkey: 'zc', stakeAlphaRao: 1_000n * TAO },
          ],
          params: { tempo: 73, commitRevealEnabled: false },
        },
      ],
    });
  const cap1: ChainParams = { ...params, maxEpochsPerBlock: 1 };
  const ck2 = (s: ChainState) => s.subnets[1]!.childkeys;

  it('applies on the block the deferred epoch actually runs, with cooldown < that block', () => {
    let s = runBlocks(genesis(), cap1, 50);
    s = setChildren(s, cap1, tx('pa', 'pac', 2, full('x'))); // block 50 → cooldown 7250
    s = runBlocks(s, cap1, 50);
    s = setChildren(s, cap1, tx('pb', 'pbc', 2, full('y'))); // block 100 → 7300
    s = runBlocks(s, cap1, 1);
    s = setChildren(s, cap1, tx('pc', 'pcc', 2, full('z'))); // block 101 → 7301
    expect([...ck2(s).pending.values()].map((p) => p.cooldownBlock)).toEqual([7250, 7300, 7301]);
    s = runBlocks(s, cap1, 7299 - 101);
    expect(s.block).toBe(7299);
    // No deferral before 7300: subnet 2 last ran at 73 · 99 = 7227, where nothing had cooled down (7250 ≥ 7227).
    expect(s.subnets[0]!.lastEpochBlock).toBe(7200);
    expect(s.subnets[1]!.lastEpochBlock).toBe(7227);
    expect(ck2(s).pending.size).toBe(3);
    const at7299 = s;

    // Block 7300: both due; netuid 1 runs, netuid 2 is deferred. Its epoch did not run: nothing applied, though pa's
    // cooldown (7250) is past.
    let step = blockStep(s, cap1);
    s = step.state;
    expect(step.record.epochs.map((e) => e.netuid)).toEqual([1]);
    expect(s.subnets[1]!.pendingEpochAt).toBe(7301);
    expect(s.subnets[1]!.lastEpochBlock).toBe(7227);
    expect(ck2(s).pending.size).toBe(3);
    expect(ck2(s).children.size).toBe(0);

    // Block 7301: subnet 2's epoch runs (LastEpochBlock = 7301); pa (7250 < 7301) and pb (7300 < 7301) apply after
    // the coinbase, pc (7301, not < 7301) waits.
    step = blockStep(s, cap1);
    s = step.state;
    expect(step.record.epochs.map((e) => e.netuid)).toEqual([2]);
    expect(s.subnets[1]!.lastEpochBlock).toBe(7301);
    expect(s.subnets[1]!.pendingEpochAt).toBe(0);
    expect(ck2(s).children.get('pa')).toEqual(full('x'));
    expect(ck2(s).children.get('pb')).toEqual(full('y'));
    expect(ck2(s).parents.get('y')).toEqual(full('pb'));
    expect([...ck2(s).pending.keys()]).toEqual(['pc']);

    // Subnet 2 now fires every 73 blocks from 7301: pc applies at 7374.
    s = runBlocks(s, cap1, 7373 - 7301);
    expect(ck2(s).pending.has('pc')).toBe(true);
    step = blockStep(s, cap1);
    s = step.state;
    expect(step.record.epochs.map((e) => e.netuid)).toEqual([2]);
    expect(ck2(s).children.get('pc')).toEqual(full('z'));
    expect(ck2(s).pending.size).toBe(0);
    expect(auditBooks(s)).toEqual([]);

    // Contrast: with the default cap (2) both epochs run at 7300; pa applies there, pb (7300, not < 7300) and pc wait.
    const step2 = blockStep(at7299, params);
    expect(step2.record.epochs.map((e) => e.netuid)).toEqual([1, 2]);
    expect(ck2(step2.state).children.get('pa')).toEqual(full('x'));
    expect([...ck2(step2.state).pending.keys()]).toEqual(['pb', 'pc']);
  });
});

describe('two conflicting pending sets applied in one epoch block (do_set_pending_children, set_children.rs:615-661)', () => {
  /*
   * b schedules a as its child (block 10), then a schedules b (block 20): both pass do_schedule_children, which
   * checks only the current ParentKeys (none yet). At the epoch block 7300 both have cooled down (7210, 7220 <
   * 7300). The first applied links a→b (or b→a); for the second, load_relations_from_pending builds children {the
   * other} and keeps the pivot's current ParentKeys {the other}: link_parents' ensure_bipartite_separation fails
   * (ChildParentInconsistency) and persist_pending_chidren_ok drops it silently. Both entries leave the queue.
   * Which one survives depends on the visiting order: the chain iterates PendingChildKeys(netuid, ·) in the order of
   * its storage keys (Blake2_128Concat of the account id: a hash order); taosim visits pending entries in hotkey
   * order (childkeys.ts applyPendingChildren) — so here 'a' (scheduled second) wins. On chain either could.
   * A non-conflicting chain (c → d scheduled after d → e) applies both.
   */
  const genesis = (): ChainState =>
    genesisState({
      rootStakes: ['a', 'b', 'c', 'd'].map((h) => ({ hotkey: h, coldkey: `${h}c`, taoRao: 100n * TAO })),
      subnets: [
        {
          ...SUBNET_ONE,
          neurons: [
            { hotkey: 'oh', coldkey: 'oc' },
            { hotkey: 'a', coldkey: 'ac', stakeAlphaRao: 100n * TAO },
            { hotkey: 'b', coldkey: 'bc', stakeAlphaRao: 100n * TAO },
            { hotkey: 'e', coldkey: 'ec' },
          ],
          params: { tempo: 100, commitRevealEnabled: false },
        },
      ],
    });
  const ck = (s: ChainState) => s.subnets[0]!.childkeys;

  it('keeps the set applied first (taosim: hotkey order) and drops the other; both leave the queue', () => {
    let s = runBlocks(genesis(), params, 10);
    s = setChildren(s, params, tx('b', 'bc', 1, full('a'))); // cooldown 7210
    s = runBlocks(s, params, 10);
    s = setChildren(s, params, tx('a', 'ac', 1, full('b'))); // 7220: accepted, b is no parent of a yet
    s = runBlocks(s, params, 10);
    s = setChildren(s, params, tx('d', 'dc', 1, full('e'))); // 7230
    s = runBlocks(s, params, 10);
    s = setChildren(s, params, tx('c', 'cc', 1, full('d'))); // 7240
    s = runBlocks(s, params, 7299 - 40);
    expect(ck(s).pending.size).toBe(4);
    expect(ck(s).children.size).toBe(0);
    const step = blockStep(s, params);
    s = step.state;
    expect(step.record.epochs.map((e) => e.netuid)).toEqual([1]);
    const after = ck(s);
    expect(after.pending.size).toBe(0);
    // Whatever the order, exactly one of a→b, b→a survives and the two maps mirror each other.
    const ab = after.children.has('a');
    const ba = after.children.has('b');
    expect(ab !== ba).toBe(true);
    // taosim's promise: hotkey order, so a (visited first) → b.
    expect(after.children.get('a')).toEqual(full('b'));
    expect(after.parents.get('b')).toEqual(full('a'));
    expect(after.children.has('b')).toBe(false);
    expect(after.parents.has('a')).toBe(false);
    // The chain c → d → e is no conflict: d's parents {c} and children {e} do not overlap.
    expect(after.children.get('c')).toEqual(full('d'));
    expect(after.children.get('d')).toEqual(full('e'));
    expect(after.parents.get('d')).toEqual(full('c'));
    expect(after.parents.get('e')).toEqual(full('d'));
    expect(auditBooks(s)).toEqual([]);
  });
});
