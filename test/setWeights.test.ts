import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { epochInput, meetsStakeThreshold } from '../sim/economy/epochInput.ts';
import { DEFAULT_CHAIN_PARAMS } from '../sim/economy/genesis.ts';
import { revealCommits, roundHalfUp, setWeights } from '../sim/economy/ops/setWeights.ts';
import type { ChainParams, ChainState } from '../sim/economy/state.ts';
import { smallNetwork, withPermits } from './support/smallNetwork.ts';
import { txCode } from './support/txCode.ts';

/** The small network without commit-reveal, so a weights set is stored at once; validators hold permits. */
const direct = (): ChainState => {
  const s = withPermits(smallNetwork());
  return { ...s, subnets: s.subnets.map((x) => ({ ...x, params: { ...x.params, commitRevealEnabled: false } })) };
};
const refusal = txCode;
const params = DEFAULT_CHAIN_PARAMS;

describe('setWeights', () => {
  it('stores the row max-upscaled to u16 (round(w·65535/max)), LastUpdate = the block', () => {
    const s0 = direct();
    const s1 = setWeights(s0, params, { hotkey: 'sn1-v0', netuid: 1, uids: [2, 5, 6], weights: [1, 2, 4] });
    const t = s1.subnets[0]!.neurons;
    // 65535/4 = 16383.75 → 16384; 65535/2 = 32767.5 → 32768 (ties away from zero, as Math.round of a positive).
    expect(t.weights[1]).toEqual({ cols: Uint16Array.of(2, 5, 6), vals: Uint16Array.of(16384, 32768, 65535) });
    expect(t.lastUpdate[1]).toBe(s0.block);
    expect(s0.subnets[0]!.neurons.weights[1]).not.toEqual(t.weights[1]); // the input state is untouched
  });

  it("refuses what internal_set_weights refuses, with the chain's error names", () => {
    const s = direct();
    const n = s.subnets[0]!.neurons.hotkeys.length;
    const set =
      (uids: number[], weights: number[], hotkey = 'sn1-v0') =>
      () =>
        setWeights(s, params, { hotkey, netuid: 1, uids, weights });
    expect(refusal(set([2, 2], [1, 1]))).toBe('DuplicateUids');
    expect(refusal(set([2, n], [1, 1]))).toBe('UidVecContainInvalidOne');
    expect(refusal(set([2, 1.5], [1, 1]))).toBe('InvalidWeights'); // not a u16: the SDK cannot send it
    expect(refusal(set([2, 70_000], [1, 1]))).toBe('InvalidWeights');
    // The chain's order: duplicates (check 11) before unregistered uids (12); more uids than neurons first of all (4).
    expect(refusal(set([n, 2, 2], [1, 1, 1]))).toBe('DuplicateUids');
    expect(refusal(set([...Array(n + 1).keys()], new Array(n + 1).fill(1)))).toBe('UidsLengthExceedUidsInSubNet');
    expect(refusal(set([2, 3], [1]))).toBe('WeightVecNotEqualSize');
    expect(refusal(set([2], [1], 'nobody'))).toBe('HotKeyNotRegisteredInSubNet');
    // The SDK's own refusal: the extrinsic carries u16 weights.
    expect(refusal(set([2, 3], [1, -0.5]))).toBe('InvalidWeights');
    expect(refusal(set([2, 3], [1, Number.NaN]))).toBe('InvalidWeights');
    expect(refusal(set([2, 3], [1, Number.POSITIVE_INFINITY]))).toBe('InvalidWeights');
    expect(refusal(set([2, 3], [1, 1]))).toBe('accepted');
  });

  it('takes the u16 values the extrinsic carries (`values`) as the row: the same row as the weights they encode', () => {
    const s0 = direct();
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 2, max: 12 }), { minLength: 1, maxLength: 11 }),
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 11, maxLength: 11 }),
        (uids, ws) => {
          const weights = ws.slice(0, uids.length);
          const max = Math.max(...weights);
          // The SDK's conversion by hand: Math.round(w · 65535 / max), all 0 when max is 0.
          const values = Uint16Array.from(weights, (w) => (max > 0 ? Math.round((w * 65535) / max) : 0));
          const fromWeights = setWeights(s0, params, { hotkey: 'sn1-v0', netuid: 1, uids, weights });
          const fromValues = setWeights(s0, params, { hotkey: 'sn1-v0', netuid: 1, uids, values });
          expect(fromValues.subnets[0]!.neurons.weights[1]).toEqual(fromWeights.subnets[0]!.neurons.weights[1]);
          expect(fromValues.subnets[0]!.neurons.weights[1]!.vals).toBe(values); // taken over, not copied
        },
      ),
      { numRuns: 200 },
    );
    const set = (uids: number[], values: Uint16Array) => () =>
      setWeights(s0, params, { hotkey: 'sn1-v0', netuid: 1, uids, values });
    expect(refusal(set([2, 3], Uint16Array.of(1)))).toBe('WeightVecNotEqualSize');
    expect(refusal(set([2, 2], Uint16Array.of(1, 1)))).toBe('DuplicateUids');
    expect(refusal(set([2, 3], Uint16Array.of(0, 65535)))).toBe('accepted');
  });

  it('needs a validator permit (check_validator_permit), except for a self-weight or the owner’s hotkey', () => {
    const s = direct(); // uid 0 the owner, 1–4 staked validators with permits, 5–12 miners without
    const set = (hotkey: string, uids: number[]) => () =>
      setWeights(s, params, { hotkey, netuid: 1, uids, weights: uids.map(() => 1) });
    expect(refusal(set('sn1-m0', [6]))).toBe('NeuronNoValidatorPermit');
    expect(refusal(set('sn1-m0', [5, 6]))).toBe('NeuronNoValidatorPermit');
    expect(refusal(set('sn1-m0', [5]))).toBe('accepted'); // uid 5's one weight on itself
    expect(refusal(set('sn1-m0', [5, 5]))).toBe('NeuronNoValidatorPermit'); // the permit (check 10) before duplicates
    const ownerless = {
      ...s,
      subnets: s.subnets.map((x) => ({
        ...x,
        neurons: { ...x.neurons, validatorPermits: new Uint8Array(x.neurons.hotkeys.length) },
      })),
    };
    expect(
      refusal(() => setWeights(ownerless, params, { hotkey: 'owner1-hot', netuid: 1, uids: [5, 6], weights: [1, 1] })),
    ).toBe('accepted');
    expect(
      refusal(() => setWeights(ownerless, params, { hotkey: 'sn1-v0', netuid: 1, uids: [5, 6], weights: [1, 1] })),
    ).toBe('NeuronNoValidatorPermit');
  });

  it('needs a stake weight of at least StakeThreshold (check_weights_min_stake), the owner exempt', () => {
    // sn1-v1: 2000 alpha, no root. sn1-v0: 1000 alpha + 50 000 TAO on root × tao_weight (≈ 0.0527) ≈ 3634.
    const s = direct();
    const at = (tao: bigint): ChainParams => ({ ...params, stakeThresholdRao: tao * 1_000_000_000n });
    const set = (p: ChainParams, hotkey: string) => () =>
      setWeights(s, p, { hotkey, netuid: 1, uids: [5, 6], weights: [1, 1] });
    expect(refusal(set(at(2000n), 'sn1-v1'))).toBe('accepted'); // 2000 ≥ 2000
    expect(refusal(set(at(2001n), 'sn1-v1'))).toBe('NotEnoughStakeToSetWeights');
    expect(refusal(set(at(2500n), 'sn1-v0'))).toBe('accepted'); // root stake counts through tao_weight
    expect(refusal(set(at(2500n), 'owner1-hot'))).toBe('accepted'); // no stake, but the owner
    // The epoch reads the same threshold for permits.
    expect(epochInput(s, at(2500n), s.subnets[0]!, 0n).params.stakeThreshold).toBe(2500n * 1_000_000_000n);
    // Under commit-reveal the check waits for the reveal: the commit is accepted, the reveal skips it.
    const cr: ChainState = {
      ...s,
      subnets: s.subnets.map((x) => ({ ...x, params: { ...x.params, commitRevealEnabled: true } })),
    };
    const committed = setWeights(cr, at(2500n), { hotkey: 'sn1-v1', netuid: 1, uids: [5, 6], weights: [1, 1] });
    const sub = committed.subnets[0]!;
    expect(meetsStakeThreshold(committed, at(2500n), sub, 2)).toBe(false);
    const reveal = (p: ChainParams) =>
      revealCommits(sub, { block: 500, lookahead: true, chain: { state: committed, params: p } });
    expect(reveal(at(2500n)).neurons.weights[2]).toEqual(sub.neurons.weights[2]);
    expect(reveal(at(2000n)).neurons.weights[2]!.cols).toEqual(Uint16Array.of(5, 6));
  });

  it('keeps WeightsSetRateLimit (100 blocks) from LastUpdate; under commit-reveal it limits commits', () => {
    const at = (s: ChainState, block: number): ChainState => ({ ...s, block });
    const set = (s: ChainState) =>
      setWeights(s, params, { hotkey: 'sn1-v0', netuid: 1, uids: [5, 6], weights: [1, 1] });
    const first = set(at(direct(), 10)); // LastUpdate 10
    expect(first.subnets[0]!.neurons.lastUpdate[1]).toBe(10);
    expect(refusal(() => set(at(first, 109)))).toBe('SettingWeightsTooFast'); // 99 blocks later
    expect(refusal(() => set(at(first, 110)))).toBe('accepted'); // 100 blocks later
    const reveal = (s: ChainState): ChainState => ({
      ...s,
      subnets: s.subnets.map((x) => ({ ...x, params: { ...x.params, commitRevealEnabled: true } })),
    });
    const committed = set(at(reveal(direct()), 10));
    expect(refusal(() => set(at(committed, 109)))).toBe('CommittingWeightsTooFast');
    expect(refusal(() => set(at(committed, 110)))).toBe('accepted');
    // LastUpdate 0 is the storage default, "never set": no limit (genesis neurons here).
    expect(refusal(() => set(set(at(direct(), 0))))).toBe('accepted');
  });

  it('refuses an eleventh unrevealed commit of a hotkey for one epoch (TooManyUnrevealedCommits)', () => {
    const s0 = withPermits(smallNetwork());
    let s: ChainState = {
      ...s0,
      block: 5,
      subnets: s0.subnets.map((x) => ({
        ...x,
        params: { ...x.params, commitRevealEnabled: true, weightsSetRateLimit: 0 },
      })),
    };
    const commit = (hotkey: string) => () => setWeights(s, params, { hotkey, netuid: 1, uids: [5], weights: [1] });
    for (let k = 0; k < 10; k++) s = commit('sn1-v0')();
    expect(s.subnets[0]!.weightCommits.length).toBe(10);
    expect(refusal(commit('sn1-v0'))).toBe('TooManyUnrevealedCommits');
    expect(refusal(commit('sn1-v1'))).toBe('accepted');
  });

  it('checks one uids array again on a subnet of another size (the check is remembered per array and size)', () => {
    const s = direct();
    const n = s.subnets[0]!.neurons.hotkeys.length;
    const uids = [0, n - 1];
    expect(refusal(() => setWeights(s, params, { hotkey: 'sn1-v0', netuid: 1, uids, weights: [1, 1] }))).toBe(
      'accepted',
    );
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
    expect(refusal(() => setWeights(smaller, params, { hotkey: 'sn1-v0', netuid: 1, uids, weights: [1, 1] }))).toBe(
      'UidVecContainInvalidOne',
    );
  });
});

describe('roundHalfUp (the weights upscale rounding)', () => {
  const same = (x: number): void => {
    expect(Object.is(roundHalfUp(x), Math.round(x)), `x = ${x}`).toBe(true);
  };

  it('is Math.round at the edges: just below ½, powers of two ± ½ and an ulp, 2^52, negatives, NaN, infinities', () => {
    const below = (x: number): number => x - 2 ** (Math.floor(Math.log2(x)) - 53); // the double below x (x > 0)
    const edges = [0, -0, 0.5, below(0.5), below(1), 1, 1.5, below(1.5), 65534.5, below(65534.5), 65535, 2 ** 52];
    for (let k = 1; k <= 53; k++) {
      const p = 2 ** k;
      edges.push(p - 0.5, below(p - 0.5), p - 0.5 + 2 ** (k - 53), below(p), p + 0.5, below(p + 0.5));
    }
    edges.push(below(2 ** 52), 2 ** 52 + 1, 2 ** 53, -0.5, -1.5, -2.5, below(-0.5), Number.NaN, Infinity, -Infinity);
    for (const x of edges) same(x);
    // ½ − 2^-54 is where floor(x + ½) would round up to 1: Math.round gives 0.
    expect(roundHalfUp(below(0.5))).toBe(0);
  });

  it('is Math.round on any double', () => {
    fc.assert(fc.property(fc.double(), same), { numRuns: 20_000 });
    fc.assert(fc.property(fc.double({ min: 0, max: 65535 }), same), { numRuns: 20_000 });
  });
});
