import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditBooks } from '../sim/economy/auditBooks.ts';
import { DEFAULT_CHAIN_PARAMS } from '../sim/economy/genesis.ts';
import { addStake } from '../sim/economy/ops/addStake.ts';
import { recycleTao } from '../sim/economy/ops/recycleTao.ts';
import { registerNeuron } from '../sim/economy/ops/registerNeuron.ts';
import { removeStake } from '../sim/economy/ops/removeStake.ts';
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
  | { kind: 'unstake'; actor: number; hotkey: number; fraction: number }
  | { kind: 'recycle'; actor: number; tao: bigint }
  | { kind: 'register'; actor: number; netuid: number };

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
    fraction: fc.double({ min: 0, max: 1, noNaN: true }),
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
let registered = 0;

const netuidOf = (hotkey: string): number => Number(hotkey.slice(2, 3));

/** Apply a user action; a refused one must leave the state exactly as it was. */
function act(state: ChainState, s: Step): ChainState {
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
      const alphaRao = (held * BigInt(Math.round(s.fraction * 1000))) / 1000n;
      return removeStake(state, params, { coldkey: actors[s.actor]!, hotkey, netuid: netuidOf(hotkey), alphaRao });
    }
    if (s.kind === 'recycle') return recycleTao(state, actors[s.actor]!, s.tao);
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

describe('conservation of rao', () => {
  it('holds across thousands of random blocks with random stakes, unstakes, recycles and registrations between them', () => {
    let totalBlocks = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 5, maxLength: 40 }), (steps) => {
        let state = smallNetwork();
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
    expect(totalBlocks).toBeGreaterThan(10_000);
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
