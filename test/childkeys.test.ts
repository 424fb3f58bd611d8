import { describe, expect, it } from 'vitest';
import type { EpochResult } from '../sim/consensus/types.ts';
import { auditBooks } from '../sim/economy/auditBooks.ts';
import { applyPendingChildren, splitDividend } from '../sim/economy/childkeys.ts';
import { distributeEmission } from '../sim/economy/distributeEmission.ts';
import { bootstrapping, epochInput, meetsStakeThreshold } from '../sim/economy/epochInput.ts';
import { DEFAULT_CHAIN_PARAMS, type GenesisSpec, genesisState } from '../sim/economy/genesis.ts';
import { addStake } from '../sim/economy/ops/addStake.ts';
import { removeStake } from '../sim/economy/ops/removeStake.ts';
import { setChildkeyTake, setChildren } from '../sim/economy/ops/setChildren.ts';
import { stakeOf } from '../sim/economy/sharePool.ts';
import { type ChainParams, type ChainState, type ChildLink, EMPTY_CHILDKEYS } from '../sim/economy/state.ts';
import { blockStep } from '../sim/engine/blockStep.ts';
import { buildScenario } from '../sim/engine/buildScenario.ts';
import { runBlocks } from '../sim/engine/runBlocks.ts';
import { runSimulation } from '../sim/engine/runSimulation.ts';
import { loadScenario } from '../sim/io/loadScenario.ts';
import { SUBNET_ONE } from './support/subnetOne.ts';
import { txCode } from './support/txCode.ts';

const TAO = 1_000_000_000n;
const U64_MAX = (1n << 64n) - 1n;
const params: ChainParams = { ...DEFAULT_CHAIN_PARAMS, consensusMode: 'fixed' };

/**
 * One subnet (netuid 1, tempo 100): the owner; validators `child` (1000 alpha) and `other` (2000 alpha); miners m0–m3.
 * Hotkeys `parent` (coldkey pc: 3000 TAO on root) and `parent2` (coldkey pc2: 500 TAO on root) are not registered on
 * the subnet — root validators, as the chain's childkeys are mostly used.
 */
function network(over: Partial<GenesisSpec['subnets'][number]> = {}): ChainState {
  return genesisState({
    balances: new Map([
      ['pc', 10_000n * TAO],
      ['cc', 1_000n * TAO],
    ]),
    rootStakes: [
      { hotkey: 'parent', coldkey: 'pc', taoRao: 3_000n * TAO },
      { hotkey: 'parent2', coldkey: 'pc2', taoRao: 500n * TAO },
    ],
    subnets: [
      {
        ...SUBNET_ONE,
        neurons: [
          { hotkey: 'oh', coldkey: 'oc' },
          { hotkey: 'child', coldkey: 'cc', stakeAlphaRao: 1_000n * TAO },
          { hotkey: 'other', coldkey: 'xc', stakeAlphaRao: 2_000n * TAO },
          ...[0, 1, 2, 3].map((k) => ({ hotkey: `m${k}`, coldkey: `m${k}c` })),
        ],
        params: { tempo: 100, commitRevealEnabled: false },
        ...over,
      },
    ],
  });
}

const at = (state: ChainState, block: number): ChainState => ({ ...state, block });
const full = (hotkey: string): ChildLink[] => [{ proportion: U64_MAX, hotkey }];
const tx = (children: ChildLink[], hotkey = 'parent', coldkey = 'pc', netuid = 1) => ({
  coldkey,
  hotkey,
  netuid,
  children,
});
const ck = (s: ChainState) => s.subnets[0]!.childkeys;

describe('set_children: refusals in the chain order (do_schedule_children, set_children.rs:480-552)', () => {
  const s = at(network(), 10);
  it('refuses root, an unknown subnet, a hotkey of another coldkey', () => {
    expect(txCode(() => setChildren(s, params, tx(full('child'), 'parent', 'pc', 0)))).toBe(
      'RegistrationNotPermittedOnRootSubnet',
    );
    expect(txCode(() => setChildren(s, params, tx(full('child'), 'parent', 'pc', 9)))).toBe('SubnetNotExists');
    expect(txCode(() => setChildren(s, params, tx(full('child'), 'parent', 'cc')))).toBe('NonAssociatedColdKey');
    expect(txCode(() => setChildren(s, params, tx(full('child'), 'nobody', 'pc')))).toBe('NonAssociatedColdKey');
  });

  it('refuses duplicates, itself, more than 5 children, proportions above u64::MAX, a proportion not a u64', () => {
    const twice = [
      { proportion: 1n, hotkey: 'child' },
      { proportion: 2n, hotkey: 'child' },
    ];
    expect(txCode(() => setChildren(s, params, tx(twice)))).toBe('DuplicateChild');
    expect(txCode(() => setChildren(s, params, tx(full('parent'))))).toBe('InvalidChild');
    const six = [0, 1, 2, 3, 4, 5].map((k) => ({ proportion: 1n, hotkey: `c${k}` }));
    expect(txCode(() => setChildren(s, params, tx(six)))).toBe('TooManyChildren');
    expect(txCode(() => setChildren(s, params, tx(six.slice(0, 5))))).toBe('accepted');
    const over = [
      { proportion: U64_MAX, hotkey: 'child' },
      { proportion: 1n, hotkey: 'other' },
    ];
    expect(txCode(() => setChildren(s, params, tx(over)))).toBe('ProportionOverflow');
    expect(txCode(() => setChildren(s, params, tx([{ proportion: U64_MAX + 1n, hotkey: 'child' }])))).toBe(
      'ValueNotEncodable',
    );
  });

  it('refuses a child that is already a parent of the hotkey (bipartite separation)', () => {
    // Before start_call the children apply at once (schedule_or_apply_ck, :561-564).
    const unstarted = at(network({ firstEmissionBlock: null }), 10);
    const s1 = setChildren(unstarted, params, tx(full('child')));
    expect(ck(s1).children.get('parent')).toEqual(full('child'));
    expect(ck(s1).parents.get('child')).toEqual(full('parent'));
    expect(ck(s1).pending.size).toBe(0);
    // child (owned by cc) may not take its own parent as child.
    expect(txCode(() => setChildren(s1, params, tx(full('parent'), 'child', 'cc')))).toBe('ChildParentInconsistency');
    expect(txCode(() => setChildren(s1, params, tx(full('other'), 'child', 'cc')))).toBe('accepted');
  });

  it('refuses below StakeThreshold unless the list is empty or the hotkey is the subnet owner’s', () => {
    // parent holds 3000 TAO on root (price 1) and nothing else: get_total_stake_for_hotkey = 3000 TAO.
    const strict = { ...params, stakeThresholdRao: 3_000n * TAO + 1n };
    expect(txCode(() => setChildren(s, strict, tx(full('child'))))).toBe('NotEnoughStakeToSetChildkeys');
    expect(txCode(() => setChildren(s, { ...params, stakeThresholdRao: 3_000n * TAO }, tx(full('child'))))).toBe(
      'accepted',
    );
    expect(txCode(() => setChildren(s, strict, tx([])))).toBe('accepted');
    expect(txCode(() => setChildren(s, strict, tx(full('child'), 'oh', 'oc')))).toBe('accepted');
    // child: 1000 alpha at the pool price 10 000 / 20 000 = 0.5 (U64F64 exactly 2^63) = 500 TAO.
    expect(
      txCode(() => setChildren(s, { ...params, stakeThresholdRao: 500n * TAO }, tx(full('m0'), 'child', 'cc'))),
    ).toBe('accepted');
    expect(
      txCode(() => setChildren(s, { ...params, stakeThresholdRao: 500n * TAO + 1n }, tx(full('m0'), 'child', 'cc'))),
    ).toBe('NotEnoughStakeToSetChildkeys');
  });

  it('loses its pending children when an unstake leaves its total stake below StakeThreshold (remove_stake.rs:84-89)', () => {
    // child: 1000 alpha at 0.5 TAO = 500 TAO of total stake, threshold 400 TAO: it may schedule children.
    const p400 = { ...params, stakeThresholdRao: 400n * TAO };
    const scheduled = setChildren(s, p400, tx(full('m0'), 'child', 'cc'));
    expect(ck(scheduled).pending.has('child')).toBe(true);
    const unstake = (alpha: bigint) =>
      removeStake(scheduled, p400, { coldkey: 'cc', hotkey: 'child', netuid: 1, alphaRao: alpha * TAO });
    // 100 alpha sold: 900 left at a price a little under 0.5 ≈ 447 TAO ≥ 400, still pending.
    expect(ck(unstake(100n)).pending.has('child')).toBe(true);
    // 300 sold: 700 left ≈ 343 TAO < 400, dropped. With the default threshold 0 it never happens.
    expect(ck(unstake(300n)).pending.has('child')).toBe(false);
    const p0 = removeStake(setChildren(s, params, tx(full('m0'), 'child', 'cc')), params, {
      coldkey: 'cc',
      hotkey: 'child',
      netuid: 1,
      alphaRao: 999n * TAO,
    });
    expect(ck(p0).pending.has('child')).toBe(true);
  });

  it('is rate limited to once per 150 blocks per hotkey and subnet, checked first', () => {
    const s1 = setChildren(s, params, tx(full('child')));
    expect(ck(s1).lastSetChildrenBlock.get('parent')).toBe(10);
    expect(txCode(() => setChildren(at(s1, 159), params, tx(full('other'))))).toBe('TxRateLimitExceeded');
    // The rate limit comes before every other check (even a coldkey that does not own the hotkey).
    expect(txCode(() => setChildren(at(s1, 159), params, tx(full('other'), 'parent', 'cc')))).toBe(
      'TxRateLimitExceeded',
    );
    expect(txCode(() => setChildren(at(s1, 160), params, tx(full('other'))))).toBe('accepted');
    // Another hotkey is not limited by it.
    expect(txCode(() => setChildren(at(s1, 11), params, tx(full('m0'), 'child', 'cc')))).toBe('accepted');
  });
});

describe('set_children: scheduled, applied at the end of the first epoch block after the cooldown', () => {
  it('stores pending children with cooldown block + 7200, nothing linked yet', () => {
    const s1 = setChildren(at(network(), 10), params, tx(full('child')));
    expect(ck(s1).pending.get('parent')).toEqual({ children: full('child'), cooldownBlock: 7210 });
    expect(ck(s1).children.size).toBe(0);
    expect(ck(s1).parents.size).toBe(0);
  });

  it('applies when cooldown < epoch block (strict), at the end of that block: tx at 99 → 7300, at 100 → 7400', () => {
    // Genesis at block 0, netuid 1, tempo 100: LastEpochBlock = 0 − (1 mod 100) → 0, epochs at 100, 200, ….
    let s = runBlocks(network(), params, 99);
    s = setChildren(s, params, tx(full('child'))); // block 99: cooldown 7299 < 7300
    s = runBlocks(s, params, 1);
    s = setChildren(s, params, tx(full('m0'), 'parent2', 'pc2')); // block 100: cooldown 7300, not < 7300
    s = runBlocks(s, params, 7299 - 100);
    expect(s.block).toBe(7299);
    expect(ck(s).pending.size).toBe(2);
    // The epoch of block 7300 still runs on the old relations: applied after the coinbase (block_step.rs:26-27).
    const step = blockStep(s, params);
    expect(step.record.epochs.length).toBe(1);
    s = step.state;
    expect(s.block).toBe(7300);
    expect(ck(s).children.get('parent')).toEqual(full('child'));
    // From now on the child's weight carries the parent's 3000 root TAO × tao_weight (child has no root stake).
    const tw = taoWeightU96F32(params.taoWeightU64) << 32n;
    const childAlpha = s.subnets[0]!.stakes.get('child')!.valueRao;
    expect(epochInput(s, params, s.subnets[0]!, 0n).stake[1]).toBe(
      (childAlpha << 64n) + ((((3_000n * TAO) << 64n) * tw) >> 64n),
    );
    expect(ck(s).pending.has('parent')).toBe(false);
    expect(ck(s).pending.get('parent2')?.cooldownBlock).toBe(7300);
    expect(ck(s).children.has('parent2')).toBe(false);
    s = runBlocks(s, params, 99);
    expect(ck(s).pending.size).toBe(1);
    s = runBlocks(s, params, 1);
    expect(s.block).toBe(7400);
    expect(ck(s).pending.size).toBe(0);
    expect(ck(s).parents.get('m0')).toEqual(full('parent2'));
    expect(auditBooks(s)).toEqual([]);
  });

  it('a later schedule replaces the pending one; an empty list removes the children when applied', () => {
    const unstarted = at(network({ firstEmissionBlock: null }), 10);
    let s = setChildren(
      unstarted,
      params,
      tx([
        { proportion: 5n, hotkey: 'child' },
        { proportion: 7n, hotkey: 'other' },
      ]),
    );
    // Written in hotkey order, each child's ParentKeys gets (proportion, parent).
    expect(ck(s).children.get('parent')).toEqual([
      { proportion: 5n, hotkey: 'child' },
      { proportion: 7n, hotkey: 'other' },
    ]);
    s = setChildren(at(s, 200), params, tx([{ proportion: 9n, hotkey: 'other' }]));
    expect(ck(s).children.get('parent')).toEqual([{ proportion: 9n, hotkey: 'other' }]);
    expect(ck(s).parents.has('child')).toBe(false);
    expect(ck(s).parents.get('other')).toEqual([{ proportion: 9n, hotkey: 'parent' }]);
    s = setChildren(at(s, 400), params, tx([]));
    expect(ck(s).children.size).toBe(0);
    expect(ck(s).parents.size).toBe(0);
  });

  it('a pending set that would break the relations by then is dropped silently (persist_pending_chidren_ok)', () => {
    // parent schedules child; meanwhile (subnet not started: at once) child takes parent as its child.
    const started = at(network(), 10);
    const s1 = setChildren(started, params, tx(full('child')));
    const linked = {
      ...s1,
      subnets: [
        {
          ...s1.subnets[0]!,
          childkeys: {
            ...ck(s1),
            parents: new Map([['parent', full('child')]]),
            children: new Map([['child', full('parent')]]),
          },
        },
      ],
    };
    const applied = applyPendingChildren(linked.subnets[0]!, 8000);
    expect(applied.childkeys.pending.size).toBe(0);
    expect(applied.childkeys.children.get('parent')).toBeUndefined();
    expect(applied.childkeys.children.get('child')).toEqual(full('parent'));
  });
});

describe('the opt-in bootstrap with child hotkeys', () => {
  it('does not hold while a uid inherits stake, though nobody on the subnet holds any of its own', () => {
    const bare = network({
      firstEmissionBlock: null, // before start_call: children apply at once
      neurons: [
        { hotkey: 'oh', coldkey: 'oc' },
        { hotkey: 'child', coldkey: 'cc' },
        { hotkey: 'm0', coldkey: 'm0c' },
      ],
    });
    const eq: ChainParams = { ...params, bootstrap: 'equalStake' };
    expect(bootstrapping(bare, eq, bare.subnets[0]!)).toBe(true); // parent's root stake is not on this subnet
    const linked = setChildren(at(bare, 10), params, tx(full('child')));
    expect(epochInput(linked, eq, linked.subnets[0]!, 0n).stake[1]).toBeGreaterThan(0n); // child inherits root stake
    expect(bootstrapping(linked, eq, linked.subnets[0]!)).toBe(false);
  });
});

describe('set_childkey_take (do_set_childkey_take, set_children.rs:724-778)', () => {
  const s = at(network(), 10);
  const take = (takeU16: number, block: number, state = s, coldkey = 'cc') =>
    setChildkeyTake(at(state, block), { coldkey, hotkey: 'child', netuid: 1, takeU16 });
  it('refuses another coldkey, a take above 11 796 (18 %), an unknown subnet', () => {
    expect(txCode(() => take(100, 10, s, 'pc'))).toBe('NonAssociatedColdKey');
    expect(txCode(() => take(11_797, 10))).toBe('InvalidChildkeyTake');
    expect(txCode(() => take(11_796, 10))).toBe('accepted');
    expect(txCode(() => setChildkeyTake(s, { coldkey: 'cc', hotkey: 'child', netuid: 7, takeU16: 1 }))).toBe(
      'SubnetNotExists',
    );
  });

  it('keeps to the subnet owner’s minimum (MinChildkeyTakePerSubnet), which also lifts a lower stored take', () => {
    const strict = {
      ...s,
      subnets: [{ ...s.subnets[0]!, params: { ...s.subnets[0]!.params, minChildkeyTakeU16: 5000 } }],
    };
    expect(txCode(() => take(4999, 10, strict))).toBe('InvalidChildkeyTake');
    expect(txCode(() => take(5000, 10, strict))).toBe('accepted');
    // A child that never set a take (0) is paid as if its take were the minimum: the splits match a take of 5000.
    let linked = setChildren(at(network({ firstEmissionBlock: null }), 10), params, tx(full('child')));
    const withMin = { ...linked.subnets[0]!, params: { ...linked.subnets[0]!.params, minChildkeyTakeU16: 5000 } };
    linked = setChildkeyTake(linked, { coldkey: 'cc', hotkey: 'child', netuid: 1, takeU16: 5000 });
    const ctx = (subnet: typeof withMin) => ({
      subnet,
      hotkeys: linked.hotkeys,
      rootStakes: linked.rootStakes,
      taoWeightU64: params.taoWeightU64,
    });
    expect(splitDividend(ctx(withMin), 'child', 1_000_000_007n)).toEqual(
      splitDividend(ctx(linked.subnets[0]!), 'child', 1_000_000_007n),
    );
    expect(
      splitDividend(ctx({ ...withMin, params: { ...withMin.params, minChildkeyTakeU16: 0 } }), 'child', 1_000_000_007n),
    ).not.toEqual(splitDividend(ctx(withMin), 'child', 1_000_000_007n));
  });

  it('a raise waits 216 000 blocks from the last set; lowering is free but counts as a set', () => {
    const s1 = take(1000, 10); // first set: last block 0 = never
    expect(s1.subnets[0]!.childkeys.takeU16.get('child')).toBe(1000);
    expect(txCode(() => take(2000, 11, s1))).toBe('TxChildkeyTakeRateLimitExceeded');
    const s2 = take(500, 11, s1);
    expect(txCode(() => take(600, 11 + 215_999, s2))).toBe('TxChildkeyTakeRateLimitExceeded');
    expect(txCode(() => take(600, 11 + 216_000, s2))).toBe('accepted');
    expect(txCode(() => take(500, 12, s2))).toBe('accepted'); // not a raise
  });
});

// ---- An independent reference, written from the chain's code (substrate_fixed U96F32: floor on mul and div).
const mul = (a: bigint, b: bigint): bigint => (a * b) >> 32n;
const div = (a: bigint, b: bigint): bigint => (b === 0n ? 0n : (a << 32n) / b);
/** U96F32 proportion / u64::MAX. */
const norm = (p: bigint): bigint => div(p << 32n, U64_MAX << 32n);
const taoWeightU96F32 = (w: bigint): bigint => div(w << 32n, U64_MAX << 32n);

describe('stake weights with inherited stake (get_stake_weights_for_network, stake_utils.rs:233-452)', () => {
  it('full proportion: the child weighs its own stake plus all of the parent’s, alpha and root', () => {
    let s = setChildren(at(network({ firstEmissionBlock: null }), 10), params, tx(full('child')));
    s = { ...s, subnets: [{ ...s.subnets[0]!, firstEmissionBlock: 0 }] };
    const tw = taoWeightU96F32(params.taoWeightU64) << 32n; // I64F64
    const stake = epochInput(s, params, s.subnets[0]!, 0n).stake;
    // norm(u64::MAX) = 2^32 exactly: 1000 alpha own, no alpha on the parent; 3000 TAO of root all passed on.
    expect(norm(U64_MAX)).toBe(1n << 32n);
    expect(stake[1]).toBe(((1_000n * TAO) << 64n) + ((((3_000n * TAO) << 64n) * tw) >> 64n));
    expect(stake[2]).toBe((2_000n * TAO) << 64n); // other: untouched
  });

  it('half of an odd stake: each side floors, a rao of weight is lost', () => {
    // other (2000 TAO + 1 rao alpha) gives half to m0. norm(2^63) = floor(2^95 / (2^64 − 1)) = 2^31 exactly.
    let s = at(network({ firstEmissionBlock: null }), 10);
    s = addStake({ ...s, subnets: [{ ...s.subnets[0]!, firstEmissionBlock: 0 }] }, params, {
      coldkey: 'pc',
      hotkey: 'parent',
      netuid: 1,
      taoRao: 1_000n * TAO,
    });
    const alphaP = s.subnets[0]!.stakes.get('parent')!.valueRao;
    expect(alphaP % 2n).toBe(1n); // the test needs an odd stake
    s = { ...s, subnets: [{ ...s.subnets[0]!, firstEmissionBlock: null }] };
    s = setChildren(s, params, tx([{ proportion: 1n << 63n, hotkey: 'child' }]));
    expect(norm(1n << 63n)).toBe(1n << 31n);
    const tw = taoWeightU96F32(params.taoWeightU64) << 32n;
    const stake = epochInput(s, params, s.subnets[0]!, 0n).stake;
    // child: 1000 TAO + floor(alphaP / 2) alpha; root: floor(3000 TAO / 2) exactly.
    const childAlpha = 1_000n * TAO + alphaP / 2n;
    const childRoot = (3_000n * TAO) / 2n;
    expect(stake[1]).toBe((childAlpha << 64n) + (((childRoot << 64n) * tw) >> 64n));
    // The parent is not registered: its own weight (floor(alphaP / 2)) appears nowhere; meetsStakeThreshold of the
    // child reads the inherited weight.
    const thresholdOk = { ...params, stakeThresholdRao: childAlpha };
    expect(meetsStakeThreshold(s, thresholdOk, s.subnets[0]!, 1)).toBe(true);
    expect(
      meetsStakeThreshold(s, { ...params, stakeThresholdRao: childAlpha + 1n + childRoot }, s.subnets[0]!, 1),
    ).toBe(false);
  });

  it('a registered parent with a third to each of two children; the children’s floors (reference from the code)', () => {
    // other (uid 2, 2000 alpha) gives p = floor(u64::MAX / 3) to child and to m0.
    const p = U64_MAX / 3n;
    let s = at(network({ firstEmissionBlock: null }), 10);
    s = setChildren(
      s,
      params,
      tx(
        [
          { proportion: p, hotkey: 'child' },
          { proportion: p, hotkey: 'm0' },
        ],
        'other',
        'xc',
      ),
    );
    const own = (2_000n * TAO) << 32n;
    const part = mul(own, norm(p));
    // norm(p) = floor(2^32 / 3) = 1431655765 (p / (2^64 − 1) = 1/3 exactly).
    expect(norm(p)).toBe(1_431_655_765n);
    const stake = epochInput(s, params, s.subnets[0]!, 0n).stake;
    expect(stake[2]).toBe(((own - part - part) >> 32n) << 64n);
    expect(stake[1]).toBe(((((1_000n * TAO) << 32n) + part) >> 32n) << 64n);
    expect(stake[3]).toBe((part >> 32n) << 64n); // m0 (uid 3) has nothing of its own
    // 2000 TAO × 1431655765 / 2^32 = 666 666 666 511.8…: each child gets 666 666 666 511 rao.
    expect(part >> 32n).toBe(666_666_666_511n);
  });
});

describe('dividends shared with parents (get_parent_child_dividends_distribution, run_coinbase.rs:944-1076)', () => {
  it('a parent gets dividend × contribution / total less the child take; the child keeps the rest and the take', () => {
    // parent: 3000 TAO root, full proportion to child (1000 alpha, no root); child take 6553 (≈ 10 %).
    let s = setChildren(at(network({ firstEmissionBlock: null }), 10), params, tx(full('child')));
    s = setChildkeyTake(s, { coldkey: 'cc', hotkey: 'child', netuid: 1, takeU16: 6553 });
    const subnet = s.subnets[0]!;
    const ctx = { subnet, hotkeys: s.hotkeys, rootStakes: s.rootStakes, taoWeightU64: params.taoWeightU64 };
    const d = 1_000_000_007n;
    const tw = taoWeightU96F32(params.taoWeightU64);
    const selfC = ((1_000n * TAO) << 32n) >> 32n; // no children: remaining proportion 1, no root
    const parentC = mul(mul((3_000n * TAO) << 32n, norm(U64_MAX)), tw); // alpha 0 · p + root · p · tw
    const total = (selfC << 32n) + parentC;
    const emission = mul(d << 32n, div(parentC, total));
    const childTake = mul(div(6553n << 32n, 65535n << 32n), emission);
    const toParent = (emission - childTake) >> 32n;
    const toChild = ((d << 32n) - emission + childTake) >> 32n;
    expect(splitDividend(ctx, 'child', d)).toEqual({ hotkeys: ['parent', 'child'], amounts: [toParent, toChild] });
    expect(toParent + toChild).toBeLessThanOrEqual(d);
    expect(toParent + toChild).toBeGreaterThanOrEqual(d - 1n);
    // No parents: the whole dividend stays.
    expect(splitDividend(ctx, 'other', d)).toEqual({ hotkeys: ['other'], amounts: [d] });
  });

  it('no child take when parent and child have the same owner', () => {
    const same = genesisState({
      rootStakes: [{ hotkey: 'parent', coldkey: 'cc', taoRao: 3_000n * TAO }],
      subnets: [
        {
          ...SUBNET_ONE,
          neurons: [{ hotkey: 'child', coldkey: 'cc', stakeAlphaRao: 1_000n * TAO }],
          firstEmissionBlock: null,
        },
      ],
    });
    let s = setChildren(at(same, 10), params, tx(full('child'), 'parent', 'cc'));
    s = setChildkeyTake(s, { coldkey: 'cc', hotkey: 'child', netuid: 1, takeU16: 11_796 });
    const ctx = {
      subnet: s.subnets[0]!,
      hotkeys: s.hotkeys,
      rootStakes: s.rootStakes,
      taoWeightU64: params.taoWeightU64,
    };
    const d = 999_999_999n;
    const tw = taoWeightU96F32(params.taoWeightU64);
    const parentC = mul((3_000n * TAO) << 32n, tw);
    const emission = mul(d << 32n, div(parentC, ((1_000n * TAO) << 32n) + parentC));
    expect(splitDividend(ctx, 'child', d).amounts).toEqual([emission >> 32n, ((d << 32n) - emission) >> 32n]);
  });

  it('an unregistered root-only parent earns root dividends on the subnet; the books balance', () => {
    // A root validator (parent, 3000 TAO) lends all to child; child and other validate. Run past several epochs.
    // A moving price of 1.5 (> 1 summed over subnets) makes the coinbase sell root's alpha share: pending root alpha.
    const net = (over: Parameters<typeof network>[0] = {}) => network({ movingPrice: 1.5, ...over });
    let s = setChildren(at(net({ firstEmissionBlock: null }), 0), params, tx(full('child')));
    s = { ...s, subnets: [{ ...s.subnets[0]!, firstEmissionBlock: 0 }] };
    // Validators weight the miners (no commit-reveal on this subnet).
    const weights = (state: ChainState): ChainState => {
      const sub = state.subnets[0]!;
      const row = { cols: Uint16Array.from([3, 4, 5, 6]), vals: Uint16Array.from([65535, 40000, 20000, 10000]) };
      const w = sub.neurons.weights.map((r, uid) => (uid === 1 || uid === 2 ? row : r));
      return { ...state, subnets: [{ ...sub, neurons: { ...sub.neurons, weights: w } }] };
    };
    s = weights(s);
    s = runBlocks(s, params, 450);
    expect(auditBooks(s)).toEqual([]);
    const sub = s.subnets[0]!;
    // root_prop of parent = 1 (no alpha): its whole share is root dividends, kept as root-claimable alpha or,
    // above its root TAO, staked; its take is staked to its owner.
    const claimable = sub.rootClaimableRao.get('parent') ?? 0n;
    const staked = sub.stakes.get('parent')?.valueRao ?? 0n;
    expect(claimable + staked).toBeGreaterThan(0n);
    expect(stakeOf(sub.stakes.get('parent')!, 'pc')).toBeGreaterThan(0n); // the parent's delegate take
    // Without the link, parent earns nothing here.
    let plain = at(net(), 0);
    plain = weights(plain);
    plain = runBlocks(plain, params, 450);
    expect(auditBooks(plain)).toEqual([]);
    expect(plain.subnets[0]!.rootClaimableRao.get('parent') ?? 0n).toBe(0n);
    expect(plain.subnets[0]!.stakes.get('parent')).toBeUndefined();
    expect(plain.subnets[0]!.childkeys).toBe(EMPTY_CHILDKEYS);
  });

  it('distribute_emission pays the parent’s share through the root/alpha split and its delegate take (by hand)', () => {
    let s = setChildren(at(network({ firstEmissionBlock: null }), 10), params, tx(full('child')));
    const subnet = s.subnets[0]!;
    const n = subnet.neurons.hotkeys.length;
    const d1 = 600_000_000n; // child (uid 1)
    const d2 = 400_000_000n; // other (uid 2)
    const validatorEmission = new BigUint64Array(n);
    validatorEmission[1] = d1;
    validatorEmission[2] = d2;
    const epoch = {
      serverEmission: new BigUint64Array(n),
      validatorEmission,
      emission: validatorEmission,
      newValidatorPermits: new Uint8Array(n),
      bonds: subnet.neurons.bonds,
      incentive: new Uint16Array(n),
      dividends: new Uint16Array(n),
      consensus: new Uint16Array(n),
    } as unknown as EpochResult;
    const pending = {
      serverRao: 300_000_000n,
      validatorRao: 700_000_000n,
      rootAlphaRao: 1_000_000_000n,
      ownerCutRao: 0n,
    };
    // The subnet's books before: pending emission is part of AlphaOut.
    s = {
      ...s,
      subnets: [
        { ...subnet, pending, pool: { ...subnet.pool, alphaOutRao: subnet.pool.alphaOutRao + 2_000_000_000n } },
      ],
    };
    const out = distributeEmission({
      subnet: s.subnets[0]!,
      pending,
      epoch,
      hotkeys: s.hotkeys,
      rootStakes: s.rootStakes,
      taoWeightU64: params.taoWeightU64,
    });
    // Split of the child's dividend: parent 3000 TAO root · 1 · tw against child's own 1000 alpha; take 0.
    const tw = taoWeightU96F32(params.taoWeightU64);
    const parentC = mul((3_000n * TAO) << 32n, tw);
    const emissionP = mul(d1 << 32n, div(parentC, ((1_000n * TAO) << 32n) + parentC));
    const toParent = emissionP >> 32n;
    const toChild = ((d1 << 32n) - emissionP) >> 32n;
    // parent has no alpha: root_prop 1, all of its dividend is root dividend, the only one → all pending root alpha.
    const delegateTake = div(11_796n << 32n, 65_535n << 32n);
    const rootPayout = (1_000_000_000n << 32n) * 1n; // pending_root · (toParent / toParent) = exactly 1
    expect(toParent).toBeGreaterThan(0n);
    const parentTake = mul(delegateTake, rootPayout);
    const sub = out.subnet;
    expect(stakeOf(sub.stakes.get('parent')!, 'pc')).toBe(parentTake >> 32n);
    expect(sub.rootClaimableRao.get('parent')).toBe((rootPayout - parentTake) >> 32n);
    // child and other share validator + server alpha (no incentive) by their alpha dividends.
    const alphaTotal = (toChild + d2) << 32n;
    const childPayout = mul(1_000_000_000n << 32n, div(toChild << 32n, alphaTotal));
    const childTake = mul(delegateTake, childPayout);
    expect(stakeOf(sub.stakes.get('child')!, 'cc')).toBe(
      1_000n * TAO + (childTake >> 32n) + ((childPayout - childTake) >> 32n),
    );
    const otherPayout = mul(1_000_000_000n << 32n, div(d2 << 32n, alphaTotal));
    const otherTake = mul(delegateTake, otherPayout); // take and the rest floored apart
    expect(sub.stakes.get('other')!.valueRao).toBe(
      2_000n * TAO + (otherTake >> 32n) + ((otherPayout - otherTake) >> 32n),
    );
    // drain_pending emptied the buckets before the distribution (here: by hand), the rest is rounding dust.
    const drained = { serverRao: 0n, validatorRao: 0n, rootAlphaRao: 0n, ownerCutRao: 0n };
    expect(auditBooks({ ...s, subnets: [{ ...sub, pending: drained }] })).toEqual([]);
    expect(sub.dustAlphaRao).toBeLessThan(5n);
  });
});

describe('scenario: validators with a parent at genesis (validators[].parent)', () => {
  const text = `
name: ck
duration: 2000
chain: { tao_weight: 0.18 }
subnets:
  - name: a
    pool: { tao: 10000, alpha: 5000, moving_price: 1 }
    hyperparameters: { tempo: 100 }
    validators:
      - { count: 2, stake: 1000, parent: { root_stake: 20000, stake: 500, proportion: 0.5, take: 0.1 } }
      - { count: 1, stake: 3000 }
    miners: { count: 6 }
  - name: b
    pool: { tao: 10000, alpha: 5000, moving_price: 1 }
    validators: [{ count: 1, stake: 1000 }]
    miners: { count: 3 }
`;
  it('links each validator to its own parent, with the take, and keeps the books through the run', () => {
    const sim = buildScenario(loadScenario(text, 'ck.yaml'));
    const a = sim.genesis.subnets[0]!;
    const half = 1n << 63n; // round(0.5 · 2^32) << 32
    expect(a.childkeys.children.get('a-v0.0-parent')).toEqual([{ proportion: half, hotkey: 'a-v0.0' }]);
    expect(a.childkeys.parents.get('a-v0.1')).toEqual([{ proportion: half, hotkey: 'a-v0.1-parent' }]);
    expect(a.childkeys.takeU16.get('a-v0.0')).toBe(6554); // round(0.1 · 65535)
    expect(a.stakes.get('a-v0.0-parent')!.valueRao).toBe(500n * TAO);
    expect(sim.genesis.hotkeys.get('a-v0.0-parent')?.owner).toBe('a-v0.0-parent-cold');
    expect(sim.genesis.rootStakes.get('a-v0.0-parent')!.valueRao).toBe(20_000n * TAO);
    expect(sim.genesis.subnets[1]!.childkeys).toBe(EMPTY_CHILDKEYS);
    expect(auditBooks(sim.genesis)).toEqual([]);
    // The epoch weighs a-v0.0 (uid 1) with half of its parent's 500 alpha and 20 000 root TAO.
    const tw = taoWeightU96F32(sim.params.taoWeightU64) << 32n;
    const stake = epochInput(sim.genesis, sim.params, a, 0n).stake;
    expect(stake[1]).toBe(((1_250n * TAO) << 64n) + ((((10_000n * TAO) << 64n) * tw) >> 64n));
    let seen = 0n;
    const end = runSimulation(
      sim.genesis,
      sim.params,
      sim.agents,
      sim.blocks,
      (state) => {
        if (state.block % 500 === 0) expect(auditBooks(state)).toEqual([]);
      },
      sim.events,
    );
    expect(auditBooks(end)).toEqual([]);
    const parentPool = end.subnets[0]!.stakes.get('a-v0.0-parent')!;
    seen = parentPool.valueRao + (end.subnets[0]!.rootClaimableRao.get('a-v0.0-parent') ?? 0n);
    expect(seen).toBeGreaterThan(500n * TAO); // it earned dividends through its child
  });
});
