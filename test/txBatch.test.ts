import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action } from '../sim/agents/types.ts';
import { DEFAULT_CHAIN_PARAMS } from '../sim/economy/genesis.ts';
import type { ChainParams, ChainState } from '../sim/economy/state.ts';
import { applyAction, TxBatch } from '../sim/engine/txBatch.ts';
import { smallNetwork, withPermits } from './support/smallNetwork.ts';
import { txCode } from './support/txCode.ts';

const TAO = 1_000_000_000n;
const params: ChainParams = { ...DEFAULT_CHAIN_PARAMS, consensusMode: 'float' };

/**
 * The small network at block 7 (so a weights set's LastUpdate differs from registration's), commit-reveal on or off
 * per subnet, validators with permits but each subnet's last (so some sets are refused for the permit); fresh each
 * call (genesis is deterministic).
 */
const network = (reveal: readonly boolean[]): ChainState => {
  const s = withPermits(smallNetwork());
  return {
    ...s,
    block: 7,
    subnets: s.subnets.map((x, i) => {
      const validatorPermits = x.neurons.validatorPermits.slice();
      let last = 0;
      x.neurons.hotkeys.forEach((h, uid) => {
        if (h.includes('-v')) last = uid;
      });
      validatorPermits[last] = 0;
      return {
        ...x,
        params: { ...x.params, commitRevealEnabled: reveal[i]! },
        neurons: { ...x.neurons, validatorPermits },
      };
    }),
  };
};

/**
 * Random actions on the small network: weights sets (mostly valid, some refused: an unknown hotkey, a repeated or
 * out-of-range uid, a missing subnet), with stakes and registrations between them — the actions that make the batch
 * hand over to the pure operations and take ownership again.
 */
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({
        netuid: fc.integer({ min: 1, max: 4 }),
        who: fc.integer({ min: 0, max: 5 }),
        uids: fc.uniqueArray(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 6 }),
        repeat: fc.boolean(),
        seed: fc.integer({ min: 1, max: 1000 }),
      })
      .map(({ netuid, who, uids, repeat, seed }): Action => {
        const hotkey = who === 0 ? 'nobody' : who === 5 ? `owner${netuid}-hot` : `sn${netuid}-v${who - 1}`;
        const cols = repeat ? [...uids, uids[0]!] : uids;
        return { kind: 'setWeights', hotkey, netuid, uids: cols, weights: cols.map((u) => ((u * seed) % 7) + 1) };
      }),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ netuid: fc.integer({ min: 1, max: 3 }), tao: fc.integer({ min: 1, max: 50 }) })
      .map(({ netuid, tao }): Action => {
        return { kind: 'addStake', coldkey: 'alice', hotkey: `sn${netuid}-v0`, netuid, taoRao: BigInt(tao) * TAO };
      }),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ netuid: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 0, max: 3 }) })
      .map(({ netuid, k }): Action => ({ kind: 'registerNeuron', coldkey: 'bob', hotkey: `new-${k}`, netuid })),
  },
);

describe('TxBatch: one block of transactions on a working copy', () => {
  it('gives the state, the refusals and the views of applying each action through its pure operation', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        fc.array(action, { maxLength: 30 }),
        (reveal, actions) => {
          let serial = network(reveal);
          const input = network(reveal);
          const batch = new TxBatch(input, params);
          for (const a of actions) {
            let next = serial;
            const code = txCode(() => {
              next = applyAction(serial, params, a);
            });
            serial = next;
            expect(txCode(() => batch.apply(a))).toBe(code);
            // What the next agent would see (read now: the working copy changes in place).
            expect(batch.state).toEqual(serial);
          }
          // The state the batch was given is untouched (compared with a fresh genesis of the same network).
          expect(input).toEqual(network(reveal));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('stores weights sets in place: one copy of the chain state, the subnets list and the subnet a block', () => {
    const input = network([false, true, true]);
    const batch = new TxBatch(input, params);
    const set = (hotkey: string, netuid: number): void =>
      batch.apply({ kind: 'setWeights', hotkey, netuid, uids: [5, 6], weights: [1, 2] });
    set('sn1-v0', 1);
    const first = batch.state;
    const subnet = first.subnets[0]!;
    set('sn1-v1', 1);
    set('sn2-v0', 2);
    set('sn2-v1', 2);
    expect(batch.state).toBe(first);
    expect(batch.state.subnets[0]).toBe(subnet);
    expect(subnet.neurons.weights[2]!.cols).toEqual(Uint16Array.of(5, 6)); // sn1-v0 is uid 1, sn1-v1 uid 2
    expect(subnet.neurons.lastUpdate[2]).toBe(input.block);
    expect(batch.state.subnets[1]!.weightCommits.map((c) => c.hotkey)).toEqual(['sn2-v0', 'sn2-v1']);
    expect(input.subnets[1]!.weightCommits).toEqual([]);
    // Another action hands the state to its pure operation: the next weights set copies again.
    batch.apply({ kind: 'addStake', coldkey: 'alice', hotkey: 'sn3-v0', netuid: 3, taoRao: TAO });
    const afterStake = batch.state;
    set('sn1-v2', 1);
    expect(batch.state).not.toBe(afterStake);
    expect(afterStake.subnets[0]!.neurons.weights[3]!.cols.length).toBe(0);
  });
});
