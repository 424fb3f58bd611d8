import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expSafe } from '../sim/consensus/exp.ts';
import { fixedArith } from '../sim/consensus/fixed.ts';
import { runEpoch } from '../sim/consensus/index.ts';
import type { EpochInput, EpochResult, SparseRowU16 } from '../sim/consensus/types.ts';
import { oracleEpoch, oracleEpochStorageOrder, expSafe as oracleExp } from './oracle/chainEpoch.ts';
import { subnetArbitrary } from './support/subnetArbitrary.ts';

// The production kernel against an independent, deliberately plain transliteration of the chain's epoch
// (test/oracle/, written separately from sim/consensus from the Rust source): bit-exact on inputs beyond the vectors,
// including the chain's quirks — owner uid, stake threshold, commit-reveal masks, unsorted weight rows, explicit
// zero weights, steepness values that make the liquid-alpha exponent exactly 1 (substrate_fixed's `E`).

const shuffleRow = (row: SparseRowU16, seed: number): SparseRowU16 => {
  const order = [...row.cols.keys()];
  let s = seed;
  for (let i = order.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return { cols: Uint16Array.from(order, (k) => row.cols[k]!), vals: Uint16Array.from(order, (k) => row.vals[k]!) };
};

const quirky = subnetArbitrary({ maxN: 96 }).chain((input) =>
  fc
    .record({
      steepness: fc.constantFrom(200, -200, 1000, 100, input.params.alphaSigmoidSteepness),
      threshold: fc.oneof(fc.constant(0n), fc.bigInt(0n, 1n << 49n)),
      commitReveal: fc.boolean(),
      commits: fc.array(fc.oneof(fc.constant(Number.POSITIVE_INFINITY), fc.integer({ min: 0, max: 10_000 })), {
        minLength: input.n,
        maxLength: input.n,
      }),
      shuffle: fc.boolean(),
      seed: fc.nat(),
    })
    .map(
      (q): EpochInput => ({
        ...input,
        params: {
          ...input.params,
          alphaSigmoidSteepness: q.steepness,
          stakeThreshold: q.threshold,
          commitRevealEnabled: q.commitReveal,
        },
        commitBlocks: q.commits,
        weights: q.shuffle ? input.weights.map((r, i) => shuffleRow(r, q.seed + i)) : input.weights,
      }),
    ),
);

const plain = (r: EpochResult) => ({
  ...r,
  bonds: r.bonds.map((row) => ({ cols: Array.from(row.cols), vals: Array.from(row.vals) })),
});

describe('the kernel against the independent oracle of the chain', () => {
  it('uses substrate_fixed’s E for exp(1): consts::E >> 103 = floor(e·2^23) = 22 802 600 (not rounded up)', () => {
    expect(expSafe(fixedArith, 1n << 32n)).toBe(22_802_600n << 9n);
    for (const x of [1n << 32n, -(1n << 32n), 5n << 31n, -(7n << 30n), 20n << 32n, 123456789n]) {
      expect(expSafe(fixedArith, x)).toBe(oracleExp(x));
    }
  });

  it('agrees bit for bit with the sparse epoch, bonds in the chain’s storage order', () => {
    fc.assert(
      fc.property(quirky, (input) => {
        expect(plain(runEpoch(input, { mode: 'fixed' }))).toEqual(plain(oracleEpochStorageOrder(input)));
      }),
      { numRuns: 200 },
    );
  });

  it('agrees with the dense epoch (bonds compared as sorted rows without zeros)', () => {
    const sortedNoZero = (r: EpochResult) =>
      r.bonds.map((row) =>
        [...row.cols]
          .map((c, k) => [c, row.vals[k]!] as const)
          .filter(([, v]) => v > 0)
          .sort((a, b) => a[0] - b[0]),
      );
    fc.assert(
      fc.property(quirky, (input) => {
        const ours = runEpoch(input, { mode: 'fixed', dense: true });
        const chain = oracleEpoch(input, true);
        expect({ ...plain(ours), bonds: sortedNoZero(ours) }).toEqual({ ...plain(chain), bonds: sortedNoZero(chain) });
      }),
      { numRuns: 100 },
    );
  });

  it('carries bonds across epochs exactly as the chain would (five epochs, storage order fed back)', () => {
    fc.assert(
      fc.property(quirky, (first) => {
        let ours = first;
        let chain = first;
        for (let k = 0; k < 5; k++) {
          const a = runEpoch(ours, { mode: 'fixed' });
          const b = oracleEpochStorageOrder(chain);
          expect(plain(a)).toEqual(plain(b));
          ours = {
            ...ours,
            currentBlock: ours.currentBlock + 1,
            bonds: a.bonds,
            validatorPermits: a.newValidatorPermits,
          };
          chain = {
            ...chain,
            currentBlock: chain.currentBlock + 1,
            bonds: b.bonds,
            validatorPermits: b.newValidatorPermits,
          };
        }
      }),
      { numRuns: 30 },
    );
  });
});
