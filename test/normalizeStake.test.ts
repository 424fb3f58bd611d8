import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizeStake, smallestFirst } from '../sim/consensus/fastFloatStake.ts';
import { fixedArith } from '../sim/consensus/fixed.ts';
import { setExactGrid } from '../sim/consensus/grid.ts';
import type { EpochInput } from '../sim/consensus/types.ts';

// The typed-array kernel's stake normalisation in exact mode (quotients from doubles where they are safely between
// grid points, bigint otherwise) against the chain's I64F64 normalisation on bigint (fixed.ts normalizeStake64).
const ONE = 1n << 64n; // stakes are U64F64: rao · 2^64
const stakeOf = fc.oneof(
  fc.bigInt({ min: 0n, max: 10n ** 16n * ONE }),
  fc.bigInt({ min: 0n, max: 1000n }).map((r) => r * ONE),
  fc.constantFrom(0n, ONE, 2n * ONE, 3n * ONE, 1n, (1n << 96n) - 1n),
);
/** Stakes whose shares land on or next to grid points: equal stakes, powers of two, and one rao off them. */
const gridShares = fc
  .tuple(fc.integer({ min: 1, max: 64 }), fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.constantFrom(-1n, 0n, 1n))
  .map(([k, unit, off]) => Array.from({ length: k }, (_, i) => (unit << BigInt(i % 5)) * ONE + (i === 0 ? off : 0n)));

function normalised(stakes: bigint[]): { fast: bigint[]; chain: bigint[] } {
  const n = stakes.length;
  const input = { n, stake: stakes, params: { stakeThreshold: 0n } } as unknown as EpochInput;
  const out = new Float64Array(n);
  setExactGrid(true);
  normalizeStake(input, -1, out);
  return { fast: Array.from(out, (x) => BigInt(x * 2 ** 32)), chain: fixedArith.normalizeStake64(stakes) };
}

describe('exact stake normalisation', () => {
  afterAll(() => setExactGrid(false));

  it('equals I64F64 (s << 64) / Σs >> 32 bit for bit', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(stakeOf, { minLength: 1, maxLength: 64 }), gridShares), (stakes) => {
        const { fast, chain } = normalised(stakes);
        expect(fast).toEqual(chain);
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the bigint quotient where a share lies on a grid point (equal stakes, one rao less)', () => {
    const { fast, chain } = normalised([4n * ONE - 1n, 4n * ONE, 4n * ONE, 4n * ONE]);
    expect(fast).toEqual(chain);
    expect(chain[1]).toBe(1n << 30n); // 4 of a total just below 16: just above a quarter, floored to it
  });
});

// The permits' top-k puts the r smallest keys first with a quickselect (fastFloatStake.ts `smallestFirst`): the same
// set as the first r of a sort, whatever the order of the keys (ascending, descending, shuffled, clustered).
describe('smallestFirst', () => {
  it('leaves the r smallest of distinct keys in front, as a sort would', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 60 })), {
          maxLength: 300,
        }),
        fc.nat(),
        fc.constantFrom('as given', 'ascending', 'descending'),
        (values, at, order) => {
          const xs =
            order === 'ascending'
              ? [...values].sort((a, b) => a - b)
              : order === 'descending'
                ? [...values].sort((a, b) => b - a)
                : values;
          const r = xs.length === 0 ? 0 : at % (xs.length + 1);
          const keys = Float64Array.from(xs);
          smallestFirst(keys, keys.length, r);
          const sorted = [...xs].sort((a, b) => a - b);
          expect([...keys.subarray(0, r)].sort((a, b) => a - b)).toEqual(sorted.slice(0, r));
          expect([...keys].sort((a, b) => a - b)).toEqual(sorted); // a permutation
        },
      ),
      { numRuns: 500 },
    );
  });
});
