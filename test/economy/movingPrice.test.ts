import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  blocksSinceStartCall,
  DEFAULT_MOVING_ALPHA_I96F32,
  defaultMovingAlphaOnDoubles,
  effectiveMovingAlphaU64F64,
  movingPriceFastStats,
  nextMovingPrice,
  updateMovingPrice,
} from '../../sim/economy/movingPrice.ts';
import { type SubnetPool, spotPriceU64F64 } from '../../sim/economy/pool.ts';

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

describe('defaultMovingAlphaOnDoubles', () => {
  it('is effectiveMovingAlphaU64F64 on doubles, or −1 (uncertain) — rarely', () => {
    let refused = 0;
    const check = (b: number): void => {
      const fast = defaultMovingAlphaOnDoubles(b);
      if (fast < 0) refused++;
      else expect(fast, `b = ${b}`).toBe(Number(effectiveMovingAlphaU64F64(BigInt(b))));
    };
    for (let b = 0; b < 20_000; b++) check(b); // the ramp's start, block by block
    for (const b of [201_600, 604_800, 2 ** 39 - 1]) check(b);
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 39 - 1 }), (b) => check(b)));
    expect(refused).toBeLessThan(1_000); // ≈ 4 % of blocks fall back to bigint
    expect(defaultMovingAlphaOnDoubles(2 ** 39)).toBe(-1); // past its exact range
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

describe('nextMovingPrice (the coinbase’s update, on doubles where certain)', () => {
  const bigintPath = (mp: bigint, pool: SubnetPool, block: number, first: number | null): bigint =>
    updateMovingPrice(mp, spotPriceU64F64(pool), blocksSinceStartCall(block, first));

  it('gives the bigint path’s bits, and takes the doubles path for mainnet-like pools', () => {
    const before = { ...movingPriceFastStats };
    const pools = fc.record({
      taoRao: fc.bigInt({ min: 0n, max: 2n ** 54n }),
      alphaInRao: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 54n }), fc.bigInt({ min: 1n, max: 1000n })),
      alphaOutRao: fc.constant(0n),
    });
    fc.assert(
      fc.property(
        fc.oneof(fc.bigInt({ min: 0n, max: TWO32 }), fc.bigInt({ min: -TWO32, max: 4n * TWO32 })),
        pools,
        fc.integer({ min: 0, max: 30_000_000 }),
        fc.option(fc.integer({ min: 0, max: 30_000_000 }), { nil: null }),
        (mp, pool, block, first) => {
          expect(nextMovingPrice(mp, pool, block, first)).toBe(bigintPath(mp, pool, block, first));
        },
      ),
      { numRuns: 20_000 },
    );
    // Pools of 1 000 – 10^6 TAO at prices below and above 1, moving prices in [0, 1]: ≈ 97 % on doubles (the rest are
    // floors within the error margin of an integer).
    const typical = { ...movingPriceFastStats };
    fc.assert(
      fc.property(
        fc.bigInt({ min: 10n ** 12n, max: 10n ** 15n }),
        fc.bigInt({ min: 10n ** 12n, max: 10n ** 15n }),
        fc.bigInt({ min: 0n, max: TWO32 }),
        fc.integer({ min: 1, max: 3_000_000 }),
        (tao, alpha, mp, block) => {
          const pool = { taoRao: tao, alphaInRao: alpha, alphaOutRao: 0n };
          expect(nextMovingPrice(mp, pool, block, 1)).toBe(bigintPath(mp, pool, block, 1));
        },
      ),
      { numRuns: 20_000 },
    );
    expect(movingPriceFastStats.taken - typical.taken).toBeGreaterThan(19_000);
    expect(movingPriceFastStats.taken - before.taken).toBeGreaterThan(20_000);
  });

  it('hands uncertain floors to the bigint path: α·t/a and α·E/2^32 within 2^-5 of an integer', () => {
    // At b = 201 600 (α = 12885·2^31): t/a = 2/12885 makes α·t/a = 2^32 exactly; E = 2^32·k/12885… pick E so α·E/2^32
    // = 12885·E/2 is an integer (E even). Both cases must still give the bigint path's bits.
    const block = 201_600;
    const pool = { taoRao: 2n * 10n ** 9n, alphaInRao: 12_885n * 10n ** 9n, alphaOutRao: 0n };
    const refused = movingPriceFastStats.refused;
    for (const mp of [0n, 2n, 1_000_000n, TWO32 - 2n, TWO32])
      expect(nextMovingPrice(mp, pool, block, null)).toBe(bigintPath(mp, pool, block, null));
    expect(movingPriceFastStats.refused - refused).toBe(5);
  });

  it('gives the bigint path’s bits where the double α·E lost its remainder below 2^32', () => {
    // α·E = k·2^32 + d with 0 < d < 2^20: the double nearest α·E (an ulp of 2^25 there) is k·2^32, whose ceil after
    // the shift is k, while the exact ceil is k + 1 (the margin sends this to the bigint path; the unit lost would
    // show in the result only when it crosses a multiple of 2^32 in the sum, which no search here can arrange).
    // E = 3 249 200 285 was found by searching up from 3·2^30 for such a remainder (about one E in 4 096).
    const block = 1_000_000;
    const alpha = effectiveMovingAlphaU64F64(BigInt(block)); // first emission at block 1: b = block
    const e = 3_249_200_285n;
    expect((alpha * e) % TWO32 > 0n && (alpha * e) % TWO32 < 2n ** 20n).toBe(true);
    expect(Number(alpha) * Number(e)).toBe(Number(((alpha * e) / TWO32) * TWO32)); // the double lost d
    const pool = { taoRao: 3n * 10n ** 14n, alphaInRao: 5n * 10n ** 14n, alphaOutRao: 0n };
    expect(nextMovingPrice(e, pool, block, 1)).toBe(bigintPath(e, pool, block, 1));
  });
});
