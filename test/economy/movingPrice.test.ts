import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  blocksSinceStartCall,
  DEFAULT_MOVING_ALPHA_I96F32,
  effectiveMovingAlphaU64F64,
  movingPriceOnDoubles,
  updateMovingPrice,
  updateMovingPriceOnPool,
} from '../../sim/economy/movingPrice.ts';
import { spotPriceU64F64 } from '../../sim/economy/pool.ts';

const TWO32 = 2n ** 32n;
const TWO64 = 2n ** 64n;
/** SubnetMovingAlpha = 12885 / 2^32 as U64F64 bits. */
const MA = 12_885n * TWO32;

describe('effectiveMovingAlphaU64F64', () => {
  it('uses SubnetMovingAlpha = I96F32 0.000003, i.e. 12885 / 2^32 (float rounded to nearest)', () => {
    expect(DEFAULT_MOVING_ALPHA_I96F32).toBe(12_885n);
    expect(Math.abs(12_885 / 2 ** 32 - 0.000003)).toBeLessThan(2 ** -33);
  });

  it('ramps as SubnetMovingAlpha·b/(b + 201_600): 0 at start call, exactly half at b = 201_600', () => {
    expect(effectiveMovingAlphaU64F64(0n)).toBe(0n);
    expect(effectiveMovingAlphaU64F64(201_600n)).toBe(MA / 2n);
    expect(effectiveMovingAlphaU64F64(604_800n)).toBe((MA * ((604_800n * TWO64) / 806_400n)) / TWO64); // 3/4
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.bigInt({ min: 0n, max: 10n ** 12n }), (a, b) => {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        expect(effectiveMovingAlphaU64F64(lo)).toBeLessThanOrEqual(effectiveMovingAlphaU64F64(hi));
        expect(effectiveMovingAlphaU64F64(hi)).toBeLessThan(MA);
      }),
    );
  });
});

describe('blocksSinceStartCall', () => {
  it('counts from the block before FirstEmissionBlockNumber, from 0 without one, and never goes negative', () => {
    expect(blocksSinceStartCall(100, 91)).toBe(10n);
    expect(blocksSinceStartCall(100)).toBe(100n);
    expect(blocksSinceStartCall(5, 10)).toBe(0n);
  });
});

describe('updateMovingPrice', () => {
  it('takes one floored EMA step: from 0 at spot 0.5 and b = 201_600 the new I96F32 bits are floor(12885/4) = 3221', () => {
    // α = 12885·2^31 (U64F64), α·0.5 = 12885·2^30, dropped to 32 fractional bits: 12885·2^30 / 2^32
    expect(updateMovingPrice(0n, TWO64 / 2n, 201_600n)).toBe(3_221n);
    expect(updateMovingPrice(TWO32, TWO64, 201_600n)).toBe(TWO32); // 1.0 at spot 1.0 is a fixed point, no bit lost
  });

  it('caps the spot price at 1.0: a spot of 5 moves the EMA exactly as a spot of 1 does', () => {
    expect(updateMovingPrice(0n, 5n * TWO64, 201_600n)).toBe(updateMovingPrice(0n, TWO64, 201_600n));
    expect(updateMovingPrice(0n, TWO64, 201_600n)).toBe((MA / 2n) >> 32n); // 6442
  });

  it('never leaves [min(EMA, spot), max(EMA, min(spot, 1))], so it never exceeds 1.0', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: TWO32 }),
        fc.bigInt({ min: 0n, max: 1000n * TWO64 }),
        fc.bigInt({ min: 0n, max: 10n ** 9n }),
        (ema, spot, b) => {
          const capped = spot < TWO64 ? spot >> 32n : TWO32;
          const next = updateMovingPrice(ema, spot, b);
          expect(next).toBeLessThanOrEqual(ema > capped ? ema : capped);
          expect(next + 1n).toBeGreaterThanOrEqual(ema < capped ? ema : capped); // one bit may be dropped
          expect(next).toBeLessThanOrEqual(TWO32);
        },
      ),
    );
  });

  it('with a fast alpha, converges to the capped spot price from below', () => {
    // movingAlpha 0.5 and no ramp (halving 0): the gap halves every block
    let ema = 0n;
    for (let i = 0; i < 40; i++)
      ema = updateMovingPrice(ema, 3n * TWO64, 1n, { movingAlphaI96F32: TWO32 / 2n, halvingBlocks: 0n });
    expect(TWO32 - ema).toBeLessThanOrEqual(2n);
  });
});

describe('updateMovingPriceOnPool (doubles where certain, else bigint)', () => {
  it("equals updateMovingPrice with the pool's spot price, and takes the doubles path in its scope but for near-integers", () => {
    let onDoubles = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: TWO32 }),
        fc.oneof(
          { weight: 4, arbitrary: fc.bigInt({ min: 10n ** 9n, max: 10n ** 16n }) },
          { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 60n }) },
        ),
        fc.oneof(
          { weight: 4, arbitrary: fc.bigInt({ min: 10n ** 9n, max: 10n ** 16n }) },
          { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 60n }) },
        ),
        fc.bigInt({ min: 0n, max: 10_000_000n }),
        (mp, tao, alphaIn, b) => {
          const pool = { taoRao: tao, alphaInRao: alphaIn, alphaOutRao: 0n };
          expect(updateMovingPriceOnPool(mp, tao, alphaIn, b)).toBe(updateMovingPrice(mp, spotPriceU64F64(pool), b));
          if (tao < 2n ** 53n && alphaIn > 0n && alphaIn < 2n ** 53n) {
            runs++; // in the doubles path's scope
            if (movingPriceOnDoubles(mp, tao, alphaIn, effectiveMovingAlphaU64F64(b)) !== null) onDoubles++;
          }
        },
      ),
      { numRuns: 2000 },
    );
    expect(runs).toBeGreaterThan(800);
    // fast-check favours edge values (b = 0: α = 0 leaves the EMA an exact integer, refused on doubles)
    expect(onDoubles).toBeGreaterThan(0.8 * runs);
    // A price of exactly 1 with an EMA of 1 keeps the EMA at 1 exactly (2^32): an integer, so not certain on doubles.
    expect(movingPriceOnDoubles(TWO32, 10n ** 12n, 10n ** 12n, effectiveMovingAlphaU64F64(1000n))).toBeNull();
    expect(updateMovingPriceOnPool(TWO32, 10n ** 12n, 10n ** 12n, 1000n)).toBe(TWO32);
  });
});
