import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priceEmissionHalves, priceShareHalves } from '../../sim/economy/sharesFast.ts';
import { subnetShares, taoEmissionPerSubnet } from '../../sim/economy/subnetShares.ts';

const TWO32 = 1n << 32n;

/** The bigint path's shares (U64F64 bits) by the rule. */
const referenceShares = (prices: readonly bigint[], twice: boolean): bigint[] =>
  twice
    ? subnetShares({ kind: 'priceEmaUnburned', movingPriceI96F32: prices, minerBurnedU96F32: prices.map(() => 0n) })
    : subnetShares({ kind: 'priceEma', movingPriceI96F32: prices });

/** The bigint path: shares by the rule, then the U96F32 emission per subnet. */
const reference = (prices: readonly bigint[], emission: bigint, twice: boolean): bigint[] =>
  taoEmissionPerSubnet(emission, referenceShares(prices, twice)).emissionU96F32;

/** Halves (hi, lo) as the bits they stand for, each half checked to be an integer in [0, 2^32). */
function bits(r: { hi: Float64Array; lo: Float64Array } | null, n: number): bigint[] | null {
  if (!r) return null;
  return Array.from({ length: n }, (_, i) => {
    for (const half of [r.hi[i]!, r.lo[i]!]) expect(Number.isInteger(half) && half >= 0 && half < 2 ** 32).toBe(true);
    return (BigInt(r.hi[i]!) << 32n) + BigInt(r.lo[i]!);
  });
}

/** The doubles path's U96F32 emission (null when it declined); its shares are checked against bigint on the way. */
function halves(prices: readonly bigint[], emission: bigint, twice: boolean): bigint[] | null {
  const shares = bits(priceShareHalves(prices, twice), prices.length);
  if (shares) expect(shares).toEqual(referenceShares(prices, twice));
  return bits(priceEmissionHalves(prices, emission, twice), prices.length);
}

const price = fc.oneof(
  fc.bigInt({ min: 0n, max: TWO32 }),
  fc.constantFrom(0n, 1n, TWO32, TWO32 - 1n, TWO32 / 2n),
  fc.bigInt({ min: TWO32 / 4n, max: TWO32 / 2n }),
);
const emission = fc.oneof(
  fc.constantFrom(1_000_000_000n, 500_000_000n, 1n, 0n),
  fc.bigInt({ min: 0n, max: 2n ** 31n - 1n }),
);

describe('priceEmissionHalves (moving-price shares and TAO emission on doubles)', () => {
  it('gives the bigint path’s U96F32 emission for every subnet whenever two or more prices are positive', () => {
    fc.assert(
      fc.property(fc.array(price, { minLength: 1, maxLength: 160 }), emission, fc.boolean(), (prices, e, twice) => {
        const fast = halves(prices, e, twice);
        expect(fast === null).toBe(prices.filter((p) => p > 0n).length < 2);
        if (fast) expect(fast).toEqual(reference(prices, e, twice));
      }),
      { numRuns: 3_000 },
    );
  });

  it('takes the doubles path for a mainnet-like network (128 subnets, prices 0.001–1) nearly always', () => {
    let taken = 0;
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: TWO32 / 1000n, max: TWO32 }), { minLength: 128, maxLength: 128 }),
        (prices) => {
          const fast = halves(prices, 1_000_000_000n, true);
          if (fast) {
            taken++;
            expect(fast).toEqual(reference(prices, 1_000_000_000n, true));
          }
        },
      ),
      { numRuns: 500 },
    );
    expect(taken).toBeGreaterThan(480);
  });

  it('is exact where the second normalisation has nothing to add (S = 2^64) and at the shares’ edges', () => {
    // Four equal prices: each s = 2^62 exactly, S = 2^64, D = 0; two prices of 1 and a 0; 1 : 3 (s = 2^62, 3·2^62);
    // the smallest and the largest price with zeros between.
    for (const prices of [
      [7n, 7n, 7n, 7n],
      [1n, 1n, 0n],
      [1n, 3n],
      [0n, 1n, 0n, TWO32],
      // Where a double quotient's floor is one too high (found by search against bigint): h for subnet 0 of
      // [2^32, 131 074] and of [2^32 − 1, 196 612]; l for subnet 0 of [2^32, 196 611]; the second normalisation's k
      // for a subnet holding nearly everything.
      [TWO32, 131_074n],
      [TWO32 - 1n, 196_612n],
      [TWO32, 196_611n],
      [TWO32, 1n],
      [TWO32, 1n, 1n, 1n],
    ]) {
      for (const twice of [true, false]) {
        const fast = halves(prices, 1_000_000_000n, twice);
        expect(fast).not.toBeNull();
        expect(fast).toEqual(reference(prices, 1_000_000_000n, twice));
      }
    }
  });

  it('declines what it does not cover: one subnet holding every share, prices above 1 or negative, no prices', () => {
    expect(priceEmissionHalves([5n], 1_000_000_000n, true)).toBeNull();
    expect(priceEmissionHalves([0n, 9n, 0n], 1_000_000_000n, true)).toBeNull();
    expect(priceEmissionHalves([TWO32 + 1n, 1n], 1_000_000_000n, true)).toBeNull();
    expect(priceEmissionHalves([-1n, 1n], 1_000_000_000n, true)).toBeNull();
    expect(priceEmissionHalves([0n, 0n], 1_000_000_000n, true)).toBeNull();
    expect(priceEmissionHalves([1n, 1n], 2n ** 31n, true)).toBeNull();
  });
});
