import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consensusColumns, consensusColumnsJs, Voters } from '../sim/consensus/fastFloatMedian.ts';
import { floatArith } from '../sim/consensus/float.ts';
import { setExactGrid, u16p } from '../sim/consensus/grid.ts';
import { weightedMedian } from '../sim/consensus/weightedMedian.ts';

// The kernel's consensus narrows each column of 16+ voters to one histogram bucket before selecting (and counts
// small buckets directly). Whatever the shape of the column, the result must be the chain's `weighted_median` on
// the whole column: the generic partition of weightedMedian.ts, run here on the same re-normalised stakes — for the
// WebAssembly build the kernel runs (consensusColumns) and for its JavaScript twin (consensusColumnsJs).

const G = 2 ** 32;

/** Scores as a column might hold them: spread, a few tied levels, one dominant value with outliers, or a cluster. */
const column = (nv: number) =>
  fc.oneof(
    fc.array(fc.integer({ min: 0, max: 2 ** 32 }), { minLength: nv, maxLength: nv }),
    fc.array(fc.constantFrom(0, 1, 2 ** 20, 2 ** 20 + 1, 2 ** 31), { minLength: nv, maxLength: nv }),
    fc
      .tuple(
        fc.integer({ min: 0, max: 2 ** 30 }),
        fc.array(fc.option(fc.integer({ min: 0, max: 2 ** 32 }), { freq: 4 }), { minLength: nv, maxLength: nv }),
      )
      .map(([common, xs]) => xs.map((x) => x ?? common)),
    fc
      .tuple(
        fc.integer({ min: 0, max: 2 ** 30 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: nv, maxLength: nv }),
      )
      .map(([at, xs]) => xs.map((x) => at + x)),
  );

const columns = fc.integer({ min: 1, max: 80 }).chain((nv) =>
  fc.record({
    nv: fc.constant(nv),
    n: fc.integer({ min: 1, max: 6 }),
    // Raw stakes in rao-like units: zeros (voters drop out), ties, or a spread; re-normalised by Voters.build.
    stake: fc.array(fc.oneof(fc.constant(0), fc.constant(1e9), fc.integer({ min: 1, max: 2 ** 40 })), {
      minLength: nv,
      maxLength: nv,
    }),
    kappa: fc.oneof(fc.constantFrom(0, 1, 32767, 32768, 65534, 65535), fc.integer({ min: 0, max: 65535 })),
    scores: fc.array(column(nv), { minLength: 6, maxLength: 6 }),
  }),
);

describe('consensus columns (histogram narrowing + chain selection)', () => {
  it.each([
    ['float', false],
    ['exact', true],
  ])("equal the chain's weighted median of every column, whatever its shape (%s grid)", (_, exact) => {
    setExactGrid(exact);
    fc.assert(
      fc.property(columns, ({ nv, n, stake, kappa, scores }) => {
        const voters = new Voters();
        const active = new Float64Array(nv);
        // Grid-valued active stake, as normalize() leaves it.
        const total = stake.reduce((a, b) => a + b, 0);
        for (let k = 0; k < nv; k++) active[k] = total === 0 ? 0 : Math.trunc((stake[k]! / total) * G) / G;
        voters.build(active, nv);
        const count = voters.count;
        const matrix = new Float64Array(n * count);
        for (let j = 0; j < n; j++)
          for (let k = 0; k < count; k++) matrix[j * count + k] = scores[j]![voters.uid[k]!]! / G;
        const k16 = u16p(kappa);
        const out = new Float64Array(n);
        const outJs = new Float64Array(n);
        consensusColumns(matrix, n, voters, k16, out);
        consensusColumnsJs(matrix, n, voters, k16, outJs);
        const voterStake = Array.from(voters.stake.subarray(0, count));
        const minority = voters.stakeSum - k16;
        const all = Array.from({ length: count }, (_, k) => k);
        for (let j = 0; j < n; j++) {
          const col = Array.from(matrix.subarray(j * count, (j + 1) * count));
          const expected =
            count === 0 ? 0 : weightedMedian(floatArith, voterStake, col, all, minority, 0, voters.stakeSum);
          expect(out[j]).toBe(expected);
          expect(outJs[j]).toBe(expected);
        }
      }),
      { numRuns: 400 },
    );
    setExactGrid(false);
  });

  it('takes a column of equal scores as its own median, and one whose sampled scores alone are equal as any other', () => {
    // 40 voters of equal stake: the sample (every 8th score) sees only the first of each eight.
    const nv = 40;
    const voters = new Voters();
    voters.build(new Float64Array(nv).fill(1 / nv), nv);
    const zeros = new Array<number>(nv).fill(0);
    const level = new Array<number>(nv).fill(0.25);
    // Sampled scores all 0.25, the others spread above: the weighted median is not 0.25.
    const hidden = Array.from({ length: nv }, (_, k) => (k % 8 === 0 ? 0.25 : 0.5 + k / 1000));
    const matrix = Float64Array.from([...zeros, ...level, ...hidden]);
    const kappa = u16p(32767);
    const out = new Float64Array(3);
    const outJs = new Float64Array(3);
    consensusColumns(matrix, 3, voters, kappa, out);
    consensusColumnsJs(matrix, 3, voters, kappa, outJs);
    const stake = Array.from(voters.stake.subarray(0, nv));
    const all = Array.from({ length: nv }, (_, k) => k);
    const median = (col: number[]) =>
      weightedMedian(floatArith, stake, col, all, voters.stakeSum - kappa, 0, voters.stakeSum);
    expect([median(zeros), median(level)]).toEqual([0, 0.25]);
    expect(median(hidden)).toBeGreaterThan(0.5);
    expect(Array.from(out)).toEqual([median(zeros), median(level), median(hidden)]);
    expect(Array.from(outJs)).toEqual(Array.from(out));
  });
});
