import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditBooks } from '../sim/economy/auditBooks.ts';
import { DEFAULT_CHAIN_PARAMS } from '../sim/economy/genesis.ts';
import { addStake } from '../sim/economy/ops/addStake.ts';
import { moveStake } from '../sim/economy/ops/moveStake.ts';
import { recycleTao } from '../sim/economy/ops/recycleTao.ts';
import { registerNeuron } from '../sim/economy/ops/registerNeuron.ts';
import { registerSubnet, startCall } from '../sim/economy/ops/registerSubnet.ts';
import { removeStake } from '../sim/economy/ops/removeStake.ts';
import { addRootStake, removeRootStake } from '../sim/economy/ops/rootStake.ts';
import { stakeOf } from '../sim/economy/sharePool.ts';
import type { ChainParams, ChainState } from '../sim/economy/state.ts';
import { TxError } from '../sim/economy/txError.ts';
import { runBlocks } from '../sim/engine/runBlocks.ts';
import { smallNetwork } from './support/smallNetwork.ts';

const params: ChainParams = { ...DEFAULT_CHAIN_PARAMS, consensusMode: 'float' };
const TAO = 1_000_000_000n;
const actors = ['alice', 'bob'] as const;
const hotkeys = ['sn1-v0', 'sn1-v1', 'sn2-v0', 'sn3-v1'] as const;

type Step =
  | { kind: 'blocks'; count: number }
  | { kind: 'stake'; actor: number; hotkey: number; tao: bigint }
  | { kind: 'unstake'; actor: number; hotkey: number; permille: number }
  | { kind: 'recycle'; actor: number; tao: bigint }
  | { kind: 'register'; actor: number; netuid: number }
  | { kind: 'move'; actor: number; from: number; to: number; permille: number }
  | { kind: 'root'; actor: number; hotkey: number; tao: bigint; out: boolean }
  | { kind: 'subnet'; actor: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('blocks' as const), count: fc.integer({ min: 1, max: 300 }) }),
  fc.record({
    kind: fc.constant('stake' as const),
    actor: fc.integer({ min: 0, max: 1 }),
    hotkey: fc.integer({ min: 0, max: 3 }),
    tao: fc.bigInt(1n, 80n * TAO),
  }),
  fc.record({
    kind: fc.constant('unstake' as const),
    actor: fc.integer({ min: 0, max: 1 }),
    hotkey: fc.integer({ min: 0, max: 3 }),
    permille: fc.integer({ min: 1, max: 1000 }),
  }),
  fc.record({
    kind: fc.constant('recycle' as const),
    actor: fc.integer({ min: 0, max: 1 }),
    tao: fc.bigInt(1n, 5n * TAO),
  }),
  fc.record({
    kind: fc.constant('register' as const),
    actor: fc.integer({ min: 0, max: 1 }),
    netuid: fc.integer({ min: 1, max: 3 }),
  }),
);
const moves = fc.oneof(
  fc.record({
    kind: fc.constant('move' as const),
    actor: fc.integer({ min: 0, max: 1 }),
    from: fc.integer({ min: 0, max: 3 }),
    to: fc.integer({ min: 0, max: 3 }),
    permille: fc.integer({ min: 1, max: 1000 }),
  }),
  fc.record({
    kind: fc.constant('root' as const),
    actor: fc.integer({ min: 0, max: 1 }),
    hotkey: fc.integer({ min: 0, max: 3 }),
    tao: fc.bigInt(1n, 50n * TAO),
    out: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('subnet' as const), actor: fc.integer({ min: 0, max: 1 }) }),
);
const anyStep: fc.Arbitrary<Step> = fc.oneof(step, moves);
let registered = 0;

const netuidOf = (hotkey: string): number => Number(hotkey.slice(2, 3));

/** Apply a user action; a refused one must leave the state exactly as it was. */
const accepted = new Map<Step['kind'], number>();

function act(state: ChainState, s: Step): ChainState {
  const next = attempt(state, s);
  if (next !== state) accepted.set(s.kind, (accepted.get(s.kind) ?? 0) + 1);
  return next;
}

function attempt(state: ChainState, s: Step): ChainState {
  try {
    if (s.kind === 'stake') {
      const hotkey = hotkeys[s.hotkey]!;
      return addStake(state, params, { coldkey: actors[s.actor]!, hotkey, netuid: netuidOf(hotkey), taoRao: s.tao });
    }
    if (s.kind === 'unstake') {
      const hotkey = hotkeys[s.hotkey]!;
      const subnet = state.subnets.find((x) => x.netuid === netuidOf(hotkey))!;
      const pool = subnet.stakes.get(hotkey);
      const held = pool ? stakeOf(pool, actors[s.actor]!) : 0n;
      const alphaRao = (held * BigInt(s.permille)) / 1000n;
      return removeStake(state, params, { coldkey: actors[s.actor]!, hotkey, netuid: netuidOf(hotkey), alphaRao });
    }
    if (s.kind === 'recycle') return recycleTao(state, actors[s.actor]!, s.tao);
    if (s.kind === 'move') {
      const [from, to] = [hotkeys[s.from]!, hotkeys[s.to]!];
      const pool = state.subnets.find((x) => x.netuid === netuidOf(from))?.stakes.get(from);
      const alphaRao = ((pool ? stakeOf(pool, actors[s.actor]!) : 0n) * BigInt(s.permille)) / 1000n;
      const tx = {
        coldkey: actors[s.actor]!,
        fromHotkey: from,
        toHotkey: to,
        fromNetuid: netuidOf(from),
        toNetuid: netuidOf(to),
        alphaRao,
      };
      return moveStake(state, params, tx);
    }
    if (s.kind === 'root') {
      const tx = { coldkey: actors[s.actor]!, hotkey: hotkeys[s.hotkey]!, taoRao: s.tao };
      return s.out ? removeRootStake(state, tx) : addRootStake(state, tx);
    }
    if (s.kind === 'subnet') {
      registered++;
      const coldkey = actors[s.actor]!;
      const next = registerSubnet(state, params, {
        coldkey,
        hotkey: `${coldkey}-owner${registered}`,
        name: `n${registered}`,
      });
      return startCall(next, { coldkey, netuid: next.subnets.find((x) => x.name === `n${registered}`)!.netuid });
    }
    if (s.kind === 'register') {
      registered++;
      return registerNeuron(state, params, {
        coldkey: actors[s.actor]!,
        hotkey: `${actors[s.actor]}-hk${registered}`,
        netuid: s.netuid,
      });
    }
    return state;
  } catch (e) {
    if (e instanceof TxError) return state;
    throw e;
  }
}

/** The small network with enough free TAO for a subnet lock (1000 TAO), kept in the books. */
const richNetwork = (): ChainState => {
  const s = smallNetwork();
  return { ...s, balances: new Map([...s.balances, ['alice', 3000n * TAO]]), issuanceRao: s.issuanceRao + 2500n * TAO };
};

describe('conservation of rao', () => {
  it('holds across thousands of random blocks with every transaction between them (stake, unstake, move, root, recycle, neuron and subnet registration)', () => {
    let totalBlocks = 0;
    fc.assert(
      fc.property(fc.array(anyStep, { minLength: 5, maxLength: 40 }), (steps) => {
        let state = richNetwork();
        for (const s of steps) {
          if (s.kind === 'blocks') {
            state = runBlocks(state, params, s.count);
            totalBlocks += s.count;
          } else {
            state = act(state, s);
          }
          expect(auditBooks(state)).toEqual([]);
        }
      }),
      { numRuns: 60 },
    );
    // The random sequences really ran many blocks (~20 000 with the default seed; > 5 000 whatever the seed).
    expect(totalBlocks).toBeGreaterThan(5_000);
    // Every kind of transaction was accepted at least once (refused ones are checked to change nothing).
    expect([...accepted.keys()].sort()).toEqual(['move', 'recycle', 'register', 'root', 'stake', 'subnet', 'unstake']);
  });

  it('changes nothing when a transaction is refused', () => {
    const state = smallNetwork();
    const refused = [
      () => addStake(state, params, { coldkey: 'alice', hotkey: 'sn1-v0', netuid: 1, taoRao: 1_999_999n }),
      () => addStake(state, params, { coldkey: 'alice', hotkey: 'sn1-v0', netuid: 1, taoRao: 501n * TAO }),
      () => addStake(state, params, { coldkey: 'alice', hotkey: 'nobody', netuid: 1, taoRao: TAO }),
      () => addStake(state, params, { coldkey: 'alice', hotkey: 'sn1-v0', netuid: 9, taoRao: TAO }),
      () => removeStake(state, params, { coldkey: 'alice', hotkey: 'sn1-v0', netuid: 1, alphaRao: 1n }),
      () => recycleTao(state, 'bob', 201n * TAO),
    ];
    for (const tx of refused) expect(tx).toThrow(TxError);
    expect(auditBooks(state)).toEqual([]);
    expect(state.balances.get('alice')).toBe(500n * TAO);
  });
});
