import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  blocksSinceStartCall,
  DEFAULT_MOVING_ALPHA_I96F32,
  effectiveMovingAlphaU64F64,
  updateMovingPrice,
} from '../../sim/economy/movingPrice.ts';

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
