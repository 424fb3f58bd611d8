import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinerRegistry } from '../sim/agents/minerRegistry.ts';
import { validatorAgent } from '../sim/agents/validator.ts';
import { normalsAt, streamKey } from '../sim/engine/rng.ts';
import { smallNetwork } from './support/smallNetwork.ts';

/** A registry of subnet 1's miners (sn1-m<k>, uids 5–12 of the small network) with the given qualities. */
function registry(quality: readonly number[]): MinerRegistry {
  const r = new MinerRegistry();
  quality.forEach((base, k) => {
    r.add(`sn1-m${k}`, { base, amplitude: 0, period: 1, phase: 0, cabal: false, quit: false });
  });
  return r;
}

describe('honest validator', () => {
  it('sends max(0, quality + noise·z) max-upscaled to u16 (the SDK’s conversion), z from its stream of the block', () => {
    const state = smallNetwork();
    const hotkeys = state.subnets[0]!.neurons.hotkeys;
    const minerUids = hotkeys.flatMap((h, uid) => (h.startsWith('sn1-m') ? [uid] : []));
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-6, max: 1, noNaN: true }), {
          minLength: minerUids.length,
          maxLength: minerUids.length,
        }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 0, max: 50 }),
        (quality, noise, seed, tempos) => {
          const every = 20;
          const agent = validatorAgent({
            hotkey: 'sn1-v0',
            netuid: 1,
            kind: 'honest',
            every,
            offset: 3,
            miners: registry(quality),
            noise,
            seed,
            offline: [],
          });
          const block = 3 + every * tempos; // a block the validator acts at (view.block + 1)
          const view = { ...state, block: block - 1 };
          const actions = agent.act(view);
          // By hand: the stream's normals, the scores, then round(w · 65535 / max).
          const z = normalsAt(streamKey(seed, 'observe', 'sn1-v0'), view.block, minerUids.length);
          const scores = minerUids.map((uid, k) =>
            Math.max(0, quality[Number(hotkeys[uid]!.slice('sn1-m'.length))]! + noise * z[k]!),
          );
          const max = Math.max(...scores);
          const expected = scores.map((w) => (max > 0 ? Math.round((w * 65535) / max) : 0));
          expect(actions).toHaveLength(1);
          const a = actions[0]!;
          expect(a.kind).toBe('setWeights');
          if (a.kind !== 'setWeights') return;
          expect(a.uids).toEqual(minerUids);
          expect(Array.from(a.values ?? [])).toEqual(expected);
          expect(agent.act({ ...state, block })).toEqual([]); // not its block
        },
      ),
      { numRuns: 100 },
    );
  });
});
