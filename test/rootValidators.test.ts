import { describe, expect, it } from 'vitest';
import { auditBooks } from '../sim/economy/auditBooks.ts';
import { epochInput } from '../sim/economy/epochInput.ts';
import { DEFAULT_CHAIN_PARAMS, type GenesisSpec, genesisState } from '../sim/economy/genesis.ts';
import { registerSubnet, startCall } from '../sim/economy/ops/registerSubnet.ts';
import { rootRegister, setAutoParentDelegation } from '../sim/economy/ops/rootRegister.ts';
import { setChildren } from '../sim/economy/ops/setChildren.ts';
import { type ChainParams, type ChainState, EMPTY_CHILDKEYS } from '../sim/economy/state.ts';
import { buildScenario } from '../sim/engine/buildScenario.ts';
import { runSimulation } from '../sim/engine/runSimulation.ts';
import { loadScenario } from '../sim/io/loadScenario.ts';
import { txCode } from './support/txCode.ts';

/**
 * Root registrations (coinbase/root.rs:80-191 `do_root_register`), the opt-out (`set_auto_parent_delegation_enabled`,
 * macros/dispatches.rs:2510-2533) and the auto-parenting of a new subnet's owner hotkey by the root validators
 * (`do_set_root_validators_for_subnet`, staking/set_children.rs:817-868, called from subnets/subnet.rs:272-280).
 * Expected values are worked out from the chain's rules, not read off taosim.
 */

const TAO = 1_000_000_000n;
const U64_MAX = (1n << 64n) - 1n;
const params: ChainParams = { ...DEFAULT_CHAIN_PARAMS, consensusMode: 'fixed' };
const at = (state: ChainState, block: number): ChainState => ({ ...state, block });
const full = (hotkey: string) => ({ proportion: U64_MAX, hotkey });

/** `TaoWeight` (a u64 fraction of u64::MAX) as U96F32 (floored division), widened to I64F64. */
const taoWeightI64F64 = (w: bigint): bigint => (((w << 32n) << 32n) / (U64_MAX << 32n)) << 32n;

/**
 * One running subnet (netuid 1) and four hotkeys with root stake: zed (coldkey zc, 3000 TAO), amy (ac, 500 TAO), out
 * (outc, 1000 TAO; opted out), bob (bc, 2000 TAO; not registered on root). Root uids: zed 0, amy 1, out 2 — not the
 * hotkeys' alphabetical order, so that the parents' order shows root's uid order.
 */
function network(over: Partial<GenesisSpec> = {}): ChainState {
  return genesisState({
    balances: new Map([
      ['oc', 5_000n * TAO],
      ['zc', 5_000n * TAO],
    ]),
    rootStakes: [
      { hotkey: 'zed', coldkey: 'zc', taoRao: 3_000n * TAO },
      { hotkey: 'amy', coldkey: 'ac', taoRao: 500n * TAO },
      { hotkey: 'out', coldkey: 'outc', taoRao: 1_000n * TAO },
      { hotkey: 'bob', coldkey: 'bc', taoRao: 2_000n * TAO },
    ],
    rootValidators: ['zed', 'amy', 'out'],
    autoParentDelegationDisabled: ['out'],
    subnets: [
      {
        netuid: 1,
        name: 'one',
        ownerColdkey: 'c1',
        ownerHotkey: 'h1',
        poolTaoRao: 10_000n * TAO,
        poolAlphaRao: 20_000n * TAO,
        neurons: [
          { hotkey: 'h1', coldkey: 'c1' },
          { hotkey: 'v1', coldkey: 'vc', stakeAlphaRao: 1_000n * TAO },
        ],
        params: { tempo: 100, commitRevealEnabled: false },
      },
    ],
    ...over,
  });
}

const register = (state: ChainState, coldkey = 'oc', hotkey = 'new-owner', p: ChainParams = params) =>
  registerSubnet(state, p, { coldkey, hotkey, name: 'two' });
const two = (s: ChainState) => s.subnets.find((x) => x.name === 'two')!;

describe('root_register (do_root_register, coinbase/root.rs:80-191)', () => {
  const empty = () => network({ rootValidators: [], autoParentDelegationDisabled: [] });

  it('appends free of charge in uid order; a new hotkey becomes the caller’s (18 % take), a known one keeps its owner', () => {
    const s0 = at(empty(), 150);
    const s1 = rootRegister(s0, { coldkey: 'x', hotkey: 'new1' });
    expect(s1.root.hotkeys).toEqual(['new1']);
    expect(s1.root.registeredAt).toEqual([150]);
    expect(s1.hotkeys.get('new1')).toEqual({ owner: 'x', takeU16: 11_796 });
    expect(s1.balances).toBe(s0.balances); // nothing paid
    // create_account_if_non_existent does not check the owner: anyone may put an existing hotkey on root.
    const s2 = rootRegister(at(s1, 151), { coldkey: 'someone', hotkey: 'zed' });
    expect(s2.root.hotkeys).toEqual(['new1', 'zed']);
    expect(s2.hotkeys.get('zed')?.owner).toBe('zc');
  });

  it('refuses a second in the block (checked before the hotkey), a hotkey already on root', () => {
    const s1 = rootRegister(at(empty(), 150), { coldkey: 'x', hotkey: 'new1' });
    // MaxRegistrationsPerBlock[ROOT] = 1 (the runtime default): even the same hotkey is refused for the count first.
    expect(txCode(() => rootRegister(s1, { coldkey: 'x', hotkey: 'new2' }))).toBe('TooManyRegistrationsThisBlock');
    expect(txCode(() => rootRegister(s1, { coldkey: 'x', hotkey: 'new1' }))).toBe('TooManyRegistrationsThisBlock');
    expect(txCode(() => rootRegister(at(s1, 151), { coldkey: 'x', hotkey: 'new1' }))).toBe(
      'HotKeyAlreadyRegisteredInSubNet',
    );
    expect(txCode(() => rootRegister(at(s1, 151), { coldkey: 'x', hotkey: 'new2' }))).toBe('accepted');
  });

  it('3 per interval (TargetRegistrationsPerInterval 1 × 3) until block 100; from then the counter resets every block', () => {
    // Root never runs an epoch, so should_run_epoch(ROOT) = block − LastEpochBlock[ROOT] (0) ≥ Tempo[ROOT] (100) holds
    // at every block from 100 on and the interval counter is zeroed at each (subnets/registration.rs:510-513).
    let s = empty();
    for (const [block, hotkey] of [
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ] as const)
      s = rootRegister(at(s, block), { coldkey: 'x', hotkey });
    expect(txCode(() => rootRegister(at(s, 4), { coldkey: 'x', hotkey: 'd' }))).toBe(
      'TooManyRegistrationsThisInterval',
    );
    expect(txCode(() => rootRegister(at(s, 99), { coldkey: 'x', hotkey: 'd' }))).toBe(
      'TooManyRegistrationsThisInterval',
    );
    s = rootRegister(at(s, 100), { coldkey: 'x', hotkey: 'd' });
    for (const [block, hotkey] of [
      [101, 'e'],
      [102, 'f'],
      [103, 'g'],
      [104, 'h'],
    ] as const)
      s = rootRegister(at(s, block), { coldkey: 'x', hotkey });
    expect(s.root.hotkeys).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
  });

  it('when root is full (64), replaces the least root stake (lowest uid on ties), only with strictly more', () => {
    const hk = Array.from({ length: 64 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    const stake = (h: string) => (h === 'r10' || h === 'r20' ? 5n * TAO : 1_000n * TAO);
    const s0 = at(
      genesisState({
        rootStakes: [
          ...hk.map((h) => ({ hotkey: h, coldkey: `${h}c`, taoRao: stake(h) })),
          { hotkey: 'c', coldkey: 'cc', taoRao: 5n * TAO },
          { hotkey: 'd', coldkey: 'dc', taoRao: 6n * TAO },
        ],
        rootValidators: hk,
        subnets: [],
      }),
      500,
    );
    // Equal to the lowest is not enough (lowest_stake < own stake, root.rs:149-152).
    expect(txCode(() => rootRegister(s0, { coldkey: 'cc', hotkey: 'c' }))).toBe('StakeTooLowForRoot');
    const withRao = {
      ...s0,
      rootStakes: new Map(s0.rootStakes).set('c', { ...s0.rootStakes.get('c')!, valueRao: 5n * TAO + 1n }),
    };
    const s1 = rootRegister(withRao, { coldkey: 'cc', hotkey: 'c' });
    expect(s1.root.hotkeys).toHaveLength(64);
    expect(s1.root.hotkeys[10]).toBe('c'); // r10 and r20 tie at 5 TAO: the first in uid order goes
    expect(s1.root.hotkeys.includes('r10')).toBe(false);
    expect(s1.root.registeredAt[10]).toBe(500);
    expect(s1.root.registeredAt[11]).toBe(0);
    const s2 = rootRegister(at(s1, 501), { coldkey: 'dc', hotkey: 'd' });
    expect(s2.root.hotkeys[20]).toBe('d');
    // Now c (5 TAO + 1 rao) is the least: r10 (5 TAO) cannot come back, nor a hotkey without root stake.
    expect(txCode(() => rootRegister(at(s2, 502), { coldkey: 'r10c', hotkey: 'r10' }))).toBe('StakeTooLowForRoot');
    expect(txCode(() => rootRegister(at(s2, 502), { coldkey: 'x', hotkey: 'nobody' }))).toBe('StakeTooLowForRoot');
    expect(s2.hotkeys.has('nobody')).toBe(false);
  });
});

describe('set_auto_parent_delegation_enabled (macros/dispatches.rs:2510-2533)', () => {
  it('refuses another coldkey’s hotkey first, then a hotkey not on root; stores the flag', () => {
    const s = network();
    expect(txCode(() => setAutoParentDelegation(s, { coldkey: 'zc', hotkey: 'amy', enabled: false }))).toBe(
      'NonAssociatedColdKey',
    );
    expect(txCode(() => setAutoParentDelegation(s, { coldkey: 'x', hotkey: 'ghost', enabled: false }))).toBe(
      'NonAssociatedColdKey',
    );
    expect(txCode(() => setAutoParentDelegation(s, { coldkey: 'bc', hotkey: 'bob', enabled: false }))).toBe(
      'HotKeyNotRegisteredInSubNet',
    );
    const s1 = setAutoParentDelegation(s, { coldkey: 'ac', hotkey: 'amy', enabled: false });
    expect(s1.root.autoParentDelegation.get('amy')).toBe(false);
    expect(s.root.autoParentDelegation.get('amy')).toBeUndefined(); // the input state is untouched
  });
});

describe('genesis: who is on root', () => {
  it('by default every root staker, in list order (a hotkey listed twice once)', () => {
    const s = genesisState({
      rootStakes: [
        { hotkey: 'q', coldkey: 'qc', taoRao: 1n * TAO },
        { hotkey: 'p', coldkey: 'pc', taoRao: 9n * TAO },
        { hotkey: 'q', coldkey: 'qc2', taoRao: 1n * TAO },
      ],
      subnets: [],
    });
    expect(s.root.hotkeys).toEqual(['q', 'p']);
    expect(s.root.registeredAt).toEqual([0, 0]);
    expect(s.root.autoParentDelegation.size).toBe(0);
  });

  it('beyond 64 stakers, the 64 with the most root stake (the earlier listed on ties), kept in list order', () => {
    // 66 stakers at 100 TAO but s03, s07 and s50 at 1 TAO: two must go, the later listed of the three lowest.
    const names = Array.from({ length: 66 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    const low = new Set(['s03', 's07', 's50']);
    const s = genesisState({
      rootStakes: names.map((h) => ({ hotkey: h, coldkey: `${h}c`, taoRao: (low.has(h) ? 1n : 100n) * TAO })),
      subnets: [],
    });
    expect(s.root.hotkeys).toEqual(names.filter((h) => h !== 's07' && h !== 's50'));
  });

  it('an explicit list and opt-outs; refuses more than 64, an unknown hotkey, an opt-out not on root', () => {
    const s = network();
    expect(s.root.hotkeys).toEqual(['zed', 'amy', 'out']);
    expect([...s.root.autoParentDelegation]).toEqual([['out', false]]);
    const many = Array.from({ length: 65 }, (_, i) => `m${i}`);
    expect(() =>
      genesisState({
        rootStakes: many.map((h) => ({ hotkey: h, coldkey: 'c', taoRao: TAO })),
        rootValidators: many,
        subnets: [],
      }),
    ).toThrow(RangeError);
    expect(() => network({ rootValidators: ['zed', 'ghost'] })).toThrow(RangeError);
    expect(() => network({ autoParentDelegationDisabled: ['bob'] })).toThrow(RangeError);
  });
});

describe('a new subnet gets the root validators as parents of its owner hotkey (do_set_root_validators_for_subnet)', () => {
  it('each root validator not opted out, in root uid order, at u64::MAX — linked at once (SubtokenEnabled is false)', () => {
    const s = register(at(network(), 1_000));
    const ck = two(s).childkeys;
    // zed (uid 0) then amy (uid 1): upsert_edge appends each parent in turn. out opted out; bob is not on root.
    expect(ck.parents.get('new-owner')).toEqual([full('zed'), full('amy')]);
    expect(ck.children.get('zed')).toEqual([full('new-owner')]);
    expect(ck.children.get('amy')).toEqual([full('new-owner')]);
    expect(ck.children.has('out')).toBe(false);
    expect(ck.children.has('bob')).toBe(false);
    // schedule_or_apply_ck: the new subnet has no start_call yet, so no pending entry and no cooldown.
    expect(ck.pending.size).toBe(0);
    expect(two(s).firstEmissionBlock).toBeNull();
    // do_schedule_children recorded the block for the validators' SetChildren rate limit on the new subnet.
    expect([...ck.lastSetChildrenBlock]).toEqual([
      ['zed', 1_000],
      ['amy', 1_000],
    ]);
    expect(s.subnets[0]!.childkeys).toBe(EMPTY_CHILDKEYS); // subnet 1 untouched
    expect(auditBooks(s)).toEqual([]);
  });

  it('the epoch weighs the owner hotkey with all of its parents’ root stake × tao_weight', () => {
    const s = register(at(network(), 1_000));
    // norm(u64::MAX) = 1 exactly, so the inherited root TAO is 3000 + 500 TAO; the owner holds no alpha.
    const tw = taoWeightI64F64(params.taoWeightU64);
    const stake = epochInput(s, params, two(s), 0n).stake;
    expect(stake).toEqual([(((3_500n * TAO) << 64n) * tw) >> 64n]);
    // Started, the relations stay; without them the owner would weigh nothing.
    const started = startCall(at(s, 1_001), { coldkey: 'oc', netuid: 2 });
    expect(two(started).childkeys.parents.get('new-owner')).toHaveLength(2);
    const none = register(at(network({ rootValidators: [], autoParentDelegationDisabled: [] }), 1_000));
    expect(two(none).childkeys).toBe(EMPTY_CHILDKEYS);
    expect(epochInput(none, params, two(none), 0n).stake).toEqual([0n]);
  });

  it('the validators’ SetChildren rate limit now runs on the new subnet: their own call waits 150 blocks', () => {
    const s = register(at(network(), 1_000));
    const clear = { coldkey: 'zc', hotkey: 'zed', netuid: 2, children: [] };
    expect(txCode(() => setChildren(at(s, 1_149), params, clear))).toBe('TxRateLimitExceeded');
    expect(txCode(() => setChildren(at(s, 1_150), params, clear))).toBe('accepted');
  });

  it('skips those the StakeThreshold refuses (NotEnoughStakeToSetChildkeys): total stake ≥ threshold passes', () => {
    // get_total_stake_for_hotkey: zed 3000 TAO, amy 500 TAO (root only, no alpha anywhere).
    const s = register(at(network(), 1_000), 'oc', 'new-owner', { ...params, stakeThresholdRao: 3_000n * TAO });
    expect(two(s).childkeys.parents.get('new-owner')).toEqual([full('zed')]);
    expect(two(s).childkeys.lastSetChildrenBlock.has('amy')).toBe(false); // refused: nothing recorded
    const none = register(at(network(), 1_000), 'oc', 'new-owner', { ...params, stakeThresholdRao: 3_000n * TAO + 1n });
    expect(two(none).childkeys).toBe(EMPTY_CHILDKEYS);
  });

  it('skips the owner hotkey itself when it is a root validator', () => {
    const s = register(at(network(), 1_000), 'zc', 'zed');
    expect(two(s).childkeys.parents.get('zed')).toEqual([full('amy')]);
    expect(two(s).childkeys.children.has('zed')).toBe(false);
  });

  it('follows the opt-out at registration time: off, then on again', () => {
    const off = setAutoParentDelegation(at(network(), 1_000), { coldkey: 'ac', hotkey: 'amy', enabled: false });
    expect(two(register(off)).childkeys.parents.get('new-owner')).toEqual([full('zed')]);
    const on = setAutoParentDelegation(off, { coldkey: 'outc', hotkey: 'out', enabled: true });
    expect(two(register(on)).childkeys.parents.get('new-owner')).toEqual([full('zed'), full('out')]);
  });
});

describe('scenario: a subnet owner registers; the root validators become its hotkey’s parents', () => {
  const text = `
name: rootparents
seed: 3
duration: 800
chain: { issuance: 11000000, tao_weight: 0.18 }
subnets:
  - name: text
    pool: { tao: 20000, alpha: 40000 }
    validators:
      - { count: 2, stake: 5000, root_stake: 20000 }
      - { count: 1, stake: 3000 }
    miners: { count: 6 }
subnet_owners:
  - { name: first, budget: 3000, max_lock: 1000, from: 10 }
`;

  it('at the registration block, then the new subnet’s epoch weighs the owner’s uid with the inherited root stake', () => {
    const sim = buildScenario(loadScenario(text, 'rootparents.yaml'));
    // Genesis: the validators with root stake are on root, in the order they are listed; the other is not.
    expect(sim.genesis.root.hotkeys).toEqual(['text-v0.0', 'text-v0.1']);
    let registeredAt = -1;
    let parentsThen: unknown;
    let before: ChainState | null = null;
    let epoch: { block: number; stakeWeight: number[]; permits: number[] } | null = null;
    let expected = 0n;
    const tw = taoWeightI64F64(sim.params.taoWeightU64);
    runSimulation(
      sim.genesis,
      sim.params,
      sim.agents,
      sim.blocks,
      (s, record) => {
        const first = s.subnets.find((x) => x.name === 'first');
        if (first && registeredAt < 0) {
          registeredAt = first.registeredAt;
          parentsThen = first.childkeys.parents.get('first-owner');
        }
        const rec = first && record.epochs.find((e) => e.netuid === first.netuid);
        if (rec && epoch === null && before !== null) {
          epoch = {
            block: s.block,
            stakeWeight: [...rec.result.stakeWeight],
            permits: [...rec.result.newValidatorPermits],
          };
          // The epoch's input stake of uid 0 (the owner's hotkey, no alpha of its own): both parents' root TAO,
          // as it stood before the block, × tao_weight (I64F64, floored).
          const root = ['text-v0.0', 'text-v0.1'].reduce((a, h) => a + before!.rootStakes.get(h)!.valueRao, 0n);
          expected = ((root << 64n) * tw) >> 64n;
          const sub = before.subnets.find((x) => x.name === 'first')!;
          expect(epochInput(before, sim.params, sub, 0n).stake[0]).toBe(expected);
        }
        before = s;
      },
      sim.events,
    );
    // Registered at block 9 (acting from block 10): the parents are linked in that very block — no cooldown, since
    // the new subnet's token is not enabled yet (schedule_or_apply_ck, set_children.rs:556-563).
    expect(registeredAt).toBe(9);
    expect(parentsThen).toEqual([full('text-v0.0'), full('text-v0.1')]);
    expect(epoch).not.toBeNull();
    const e = epoch!;
    expect(expected).toBeGreaterThanOrEqual((((40_000n * TAO) << 64n) * tw) >> 64n);
    // The owner is the subnet's only uid: all of the (non-zero) stake weight, so a validator permit (is_topk_nonzero).
    expect(e.stakeWeight).toEqual([65_535]);
    expect(e.permits).toEqual([1]);
  });
});
