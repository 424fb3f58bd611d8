import { describe, expect, it } from 'vitest';
import { setWeights } from '../sim/economy/ops/setWeights.ts';
import type { ChainState } from '../sim/economy/state.ts';
import { smallNetwork } from './support/smallNetwork.ts';
import { txCode } from './support/txCode.ts';

/** The small network without commit-reveal, so a weights set is stored at once. */
const direct = (): ChainState => {
  const s = smallNetwork();
  return { ...s, subnets: s.subnets.map((x) => ({ ...x, params: { ...x.params, commitRevealEnabled: false } })) };
};
const refusal = txCode;

describe('setWeights', () => {
  it('stores the row max-upscaled to u16 (round(w·65535/max)), LastUpdate = the block', () => {
    const s0 = direct();
    const s1 = setWeights(s0, { hotkey: 'sn1-v0', netuid: 1, uids: [2, 5, 6], weights: [1, 2, 4] });
    const t = s1.subnets[0]!.neurons;
    // 65535/4 = 16383.75 → 16384; 65535/2 = 32767.5 → 32768 (ties away from zero, as Math.round of a positive).
    expect(t.weights[1]).toEqual({ cols: Uint16Array.of(2, 5, 6), vals: Uint16Array.of(16384, 32768, 65535) });
    expect(t.lastUpdate[1]).toBe(s0.block);
    expect(s0.subnets[0]!.neurons.weights[1]).not.toEqual(t.weights[1]); // the input state is untouched
  });

  it('refuses repeated, out-of-range and fractional uids, a length mismatch and an unregistered hotkey', () => {
    const s = direct();
    const n = s.subnets[0]!.neurons.hotkeys.length;
    const set =
      (uids: number[], weights: number[], hotkey = 'sn1-v0') =>
      () =>
        setWeights(s, { hotkey, netuid: 1, uids, weights });
    expect(refusal(set([2, 2], [1, 1]))).toBe('AmountTooLow');
    expect(refusal(set([2, n], [1, 1]))).toBe('AmountTooLow');
    expect(refusal(set([2, 1.5], [1, 1]))).toBe('AmountTooLow');
    expect(refusal(set([2, 3], [1]))).toBe('AmountTooLow');
    expect(refusal(set([2], [1], 'nobody'))).toBe('HotKeyAccountNotExists');
    expect(refusal(set([2, 3], [1, 1]))).toBe('accepted');
  });

  it('checks one uids array again on a subnet of another size (the check is remembered per array and size)', () => {
    const s = direct();
    const n = s.subnets[0]!.neurons.hotkeys.length;
    const uids = [0, n - 1];
    expect(refusal(() => setWeights(s, { hotkey: 'sn1-v0', netuid: 1, uids, weights: [1, 1] }))).toBe('accepted');
    // The same array on a subnet one uid smaller: uid n − 1 no longer exists.
    const smaller: ChainState = {
      ...s,
      subnets: s.subnets.map((x, k) =>
        k === 0
          ? {
              ...x,
              neurons: {
                ...x.neurons,
                hotkeys: x.neurons.hotkeys.slice(0, n - 1),
              },
            }
          : x,
      ),
    };
    expect(refusal(() => setWeights(smaller, { hotkey: 'sn1-v0', netuid: 1, uids, weights: [1, 1] }))).toBe(
      'AmountTooLow',
    );
  });
});
