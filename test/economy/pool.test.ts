import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divU64F64 } from '../../sim/economy/fixedPoint.ts';
import { injectLiquidity } from '../../sim/economy/injectLiquidity.ts';
import {
  baseDeltaInToPrice,
  MIN_PRICE_U64F64,
  PoolError,
  type SubnetPool,
  spotPriceU64F64,
  spotPriceU96F32,
  swapAlphaForTao,
  swapFeeRao,
  swapOutputRao,
  swapTaoForAlpha,
} from '../../sim/economy/pool.ts';
import { unstakeAlpha } from '../../sim/economy/unstakeAlpha.ts';

const TAO = 1_000_000_000n;
const TWO64 = 2n ** 64n;
const pool = (taoRao: bigint, alphaInRao: bigint, alphaOutRao = 0n): SubnetPool => ({
  taoRao,
  alphaInRao,
  alphaOutRao,
});
/** Realistic reserves: at least the 1e6-rao minimum, at most the 21M-TAO supply. */
const reserve = fc.bigInt({ min: 1_000_000n, max: 21_000_000n * TAO });
const poolArb = fc.tuple(reserve, reserve, reserve).map(([t, a, o]) => pool(t, a, o));

/** Runs a swap, or returns undefined when the pool refuses it (e.g. a price so extreme that the output is 0). */
function unlessRefused<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof PoolError) return undefined;
    throw e;
  }
}

function expectPoolError(f: () => unknown, code: string): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PoolError);
    expect((e as PoolError).code).toBe(code);
    return;
  }
  throw new Error(`expected PoolError ${code}`);
}

describe('swapFeeRao', () => {
  it('is floor(amount·33/65535), or one less where the U64F64 quotient truncation bites (65535 rao pays 32)', () => {
    expect(swapFeeRao(1_000_000_000n)).toBe(503_547n); // 33e9 / 65535 = 503_547.72
    expect(swapFeeRao(1_000_000_000_000n)).toBe(503_547_722n);
    expect(swapFeeRao(65_535n)).toBe(32n);
    expect(swapFeeRao(1n)).toBe(0n);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.integer({ min: 0, max: 10_000 }), (a, r) => {
        const exact = (a * BigInt(r)) / 65535n;
        expect(exact - swapFeeRao(a, r)).toBeGreaterThanOrEqual(0n);
        expect(exact - swapFeeRao(a, r)).toBeLessThanOrEqual(1n);
      }),
    );
  });
});

describe('spotPriceU64F64', () => {
  it('is floor(tao·2^64 / alphaIn), 0 for an empty alpha reserve and exactly 1 for a stable pool', () => {
    expect(spotPriceU64F64(pool(2n * TAO, TAO))).toBe(2n * TWO64);
    expect(spotPriceU64F64(pool(TAO, 3n * TAO))).toBe(TWO64 / 3n);
    expect(spotPriceU64F64(pool(TAO, 0n))).toBe(0n);
    expect(spotPriceU64F64({ ...pool(5n, 7n), stable: true })).toBe(TWO64);
  });

  it("equals the chain's U64F64 division of the reserves, and its U96F32 form drops 32 bits", () => {
    const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    fc.assert(
      fc.property(u64, u64, (tao, alpha) => {
        const p = pool(tao, alpha);
        expect(spotPriceU64F64(p)).toBe(divU64F64(tao << 64n, alpha << 64n)); // the chain's U64F64 / U64F64
        expect(spotPriceU96F32(p)).toBe(spotPriceU64F64(p) >> 32n);
      }),
    );
    expect(spotPriceU96F32({ ...pool(5n, 7n), stable: true })).toBe(1n << 32n);
  });
});

describe('swapTaoForAlpha', () => {
  it('pays the chain output on golden pools (computed by hand from balancer.rs / swap_step.rs)', () => {
    const r = swapTaoForAlpha(pool(1000n * TAO, 1000n * TAO), TAO, { dropFees: true });
    expect(r.alphaOutRao).toBe(999_000_999n); // 1e21 / 1.001e12 = 999_000_999.000999
    expect(r.pool).toEqual(pool(1001n * TAO, 1000n * TAO - 999_000_999n, 999_000_999n));
  });

  it('follows the chain, which may pay 1 rao more than the exact floor(x·Δy/(y + Δy))', () => {
    const [y, x, dy] = [14_029_920_765_806_679n, 14_686_989_194_970_287n, 838_610_055_782_558n];
    expect(swapOutputRao(y, x, dy)).toBe(828_370_803_804_500n);
    expect(swapOutputRao(y, x, dy, 'exactFloor')).toBe(828_370_803_804_499n);
    fc.assert(
      fc.property(reserve, reserve, reserve, (rin, rout, d) => {
        const extra = swapOutputRao(rin, rout, d) - swapOutputRao(rin, rout, d, 'exactFloor');
        expect(extra === 0n || extra === 1n).toBe(true);
      }),
    );
  });

  it('keeps the fee out of the reserves: TAO reserve grows by the input less the fee, the author gets the fee', () => {
    // Arrange: 10 TAO into a pool at price 0.5
    const before = pool(1000n * TAO, 2000n * TAO, 500n * TAO);
    // Act
    const r = swapTaoForAlpha(before, 10n * TAO);
    // Assert (hand-computed: fee 5_035_477, net 9_994_964_523, out 19_792_107_632)
    expect(r.feeTaoRao).toBe(5_035_477n);
    expect(r.taoToReserveRao).toBe(9_994_964_523n);
    expect(r.alphaOutRao).toBe(19_792_107_632n);
    expect(r.pool.taoRao).toBe(before.taoRao + 10n * TAO - r.feeTaoRao);
    expect(r.pool.alphaInRao).toBe(before.alphaInRao - r.alphaOutRao);
    expect(r.pool.alphaOutRao).toBe(before.alphaOutRao + r.alphaOutRao);
  });

  it('raises the price, conserves TAO (reserve + fee = input) and alpha issuance (in + out)', () => {
    fc.assert(
      fc.property(poolArb, reserve, fc.boolean(), (p, t, dropFees) => {
        const r = unlessRefused(() => swapTaoForAlpha(p, t, { dropFees }));
        fc.pre(r !== undefined);
        expect(r.taoToReserveRao + r.feeTaoRao).toBe(t);
        expect(r.pool.taoRao - p.taoRao).toBe(r.taoToReserveRao);
        expect(r.pool.alphaInRao + r.pool.alphaOutRao).toBe(p.alphaInRao + p.alphaOutRao);
        expect(spotPriceU64F64(r.pool)).toBeGreaterThanOrEqual(spotPriceU64F64(p));
      }),
    );
  });

  it('refuses, with the pool unchanged, net input above 1000× the TAO reserve, zero output or a small alpha reserve', () => {
    const p = pool(TAO, TAO);
    const copy = { ...p };
    expectPoolError(() => swapTaoForAlpha(p, 1000n * TAO + 1n, { dropFees: true }), 'SwapInputTooLarge');
    expect(swapTaoForAlpha(p, 1000n * TAO, { dropFees: true }).alphaOutRao).toBeGreaterThan(0n);
    expectPoolError(() => swapTaoForAlpha(pool(10n ** 15n, 1_000_000n), 1n, { dropFees: true }), 'ReservesTooLow');
    expectPoolError(() => swapTaoForAlpha(pool(TAO, 999_999n), TAO), 'ReservesTooLow');
    expect(p).toEqual(copy);
  });

  it('is 1:1 without fee on a stable (root) pool', () => {
    const r = swapTaoForAlpha({ ...pool(5n * TAO, 0n), stable: true }, 3n * TAO);
    expect(r.alphaOutRao).toBe(3n * TAO);
    expect(r.feeTaoRao).toBe(0n);
    expect(r.pool).toEqual({ taoRao: 8n * TAO, alphaInRao: 0n, alphaOutRao: 3n * TAO, stable: true });
  });
});

describe('swapAlphaForTao and unstakeAlpha', () => {
  it('lowers the price and moves (input − fee) alpha from AlphaOut to AlphaIn', () => {
    fc.assert(
      fc.property(poolArb, reserve, fc.boolean(), (p, a, dropFees) => {
        fc.pre(a <= p.alphaOutRao);
        const r = unlessRefused(() => swapAlphaForTao(p, a, { dropFees }));
        fc.pre(r !== undefined);
        expect(r.alphaToReserveRao + r.feeAlphaRao).toBe(a);
        expect(r.pool.alphaInRao - p.alphaInRao).toBe(r.alphaToReserveRao);
        expect(p.alphaOutRao - r.pool.alphaOutRao).toBe(r.alphaToReserveRao);
        expect(p.taoRao - r.pool.taoRao).toBe(r.taoOutRao);
        expect(spotPriceU64F64(r.pool)).toBeLessThanOrEqual(spotPriceU64F64(p));
      }),
    );
  });

  it('swaps the alpha fee fee-free to TAO for the author, or burns it (kept in AlphaOut) without an author', () => {
    // Arrange: the alpha bought in the fee test above, sold back (hand-computed)
    const p = pool(1000n * TAO + 9_994_964_523n, 2000n * TAO - 19_792_107_632n, 19_792_107_632n);
    // Act
    const withAuthor = unstakeAlpha(p, 19_792_107_632n);
    const noAuthor = unstakeAlpha(p, 19_792_107_632n, { hasAuthor: false });
    // Assert
    expect(withAuthor.feeAlphaRao).toBe(9_966_270n);
    expect(withAuthor.taoOutRao).toBe(9_989_981_362n);
    expect(withAuthor.authorTaoRao).toBe(4_983_159n);
    expect(withAuthor.pool).toEqual(pool(1000n * TAO + 2n, 2000n * TAO, 0n));
    expect(noAuthor.taoOutRao).toBe(9_989_981_362n);
    expect(noAuthor.authorTaoRao).toBe(0n);
    expect(noAuthor.burnedAlphaRao).toBe(9_966_270n);
    expect(noAuthor.pool.alphaOutRao).toBe(9_966_270n);
  });
});

describe('the sell-side price floor (min_price 1e-6 TAO/alpha)', () => {
  const floor = { minPriceU64F64: MIN_PRICE_U64F64 };

  it('is U64F64(1000)/U64F64(1e9) = floor(2^64/1e6) = floor(18 446 744 073 709.55)', () => {
    expect(MIN_PRICE_U64F64).toBe(18_446_744_073_709n);
  });

  it('computes the alpha to reach a price as x·((P/P′)^½ − 1), the root saturating at u64::MAX', () => {
    // balancer.rs test_calculate_base_delta_in at weight ½: U64F64::from_num(0.2) / from_num(0.1) bits (nearest),
    // x = 1e9: floor(√(bits ratio)·1e18) = 1 414 213 562 373 095 048 → 1e9·0.414213562373095048 = 414 213 562.37.
    expect(baseDeltaInToPrice(3_689_348_814_741_910_323n, 1_844_674_407_370_955_162n, 1_000_000_000n)).toBe(
      414_213_562n,
    );
    // A ratio of exactly 100: √ = 10 exactly, Δ = 9·x.
    expect(baseDeltaInToPrice(100n * MIN_PRICE_U64F64, MIN_PRICE_U64F64, 1_000_000_000_000n)).toBe(9_000_000_000_000n);
    // A ratio of 10^4: √·1e18 = 1e20 > u64::MAX, so the factor is 18.446744073709551615:
    // Δ = floor(1e12·17.446744073709551615) = 17 446 744 073 709.
    expect(baseDeltaInToPrice(10_000n * MIN_PRICE_U64F64, MIN_PRICE_U64F64, 1_000_000_000_000n)).toBe(
      17_446_744_073_709n,
    );
    // Not below the current price: nothing to sell.
    expect(baseDeltaInToPrice(MIN_PRICE_U64F64, MIN_PRICE_U64F64, 1_000_000_000_000n)).toBe(0n);
  });

  it('changes nothing for a sale that stays at or above the floor', () => {
    fc.assert(
      fc.property(poolArb, reserve, (p, a) => {
        const free = unlessRefused(() => swapAlphaForTao(p, a));
        fc.pre(free !== undefined && spotPriceU64F64(free.pool) >= MIN_PRICE_U64F64);
        expect(swapAlphaForTao(p, a, floor)).toEqual({ ...free, alphaUnfilledRao: 0n });
      }),
    );
  });

  it('fills a sale that would cross it only up to the limit, with the fee recomputed on the part sold', () => {
    // Pool 10 TAO / 1000 alpha (price 0.01) selling 1 000 000 alpha: in full it would end near 1e-8, so
    // Δ = 17 446 744 073 709 (saturated, above); fee = floor(Δ·U64F64(33/65502)) = floor(8 789 694 275.3);
    // TAO = 1e10·(1 − 1e12/(1e12 + Δ)) = 9 457 898 913.6 → 9 457 898 913.
    const p = pool(10n * TAO, 1_000n * TAO, 1_000_000n * TAO);
    const r = swapAlphaForTao(p, 1_000_000n * TAO, floor);
    expect(r.alphaToReserveRao).toBe(17_446_744_073_709n);
    expect(r.feeAlphaRao).toBe(8_789_694_275n);
    expect(r.taoOutRao).toBe(9_457_898_913n);
    expect(r.alphaUnfilledRao).toBe(1_000_000n * TAO - 17_446_744_073_709n - 8_789_694_275n);
    expect(r.pool).toEqual(
      pool(10n * TAO - 9_457_898_913n, 1_000n * TAO + 17_446_744_073_709n, 1_000_000n * TAO - 17_446_744_073_709n),
    );
  });

  it('refuses a pool already at the floor, and ignores the floor on a stable pool', () => {
    // 1 TAO / 1 000 000 alpha: price bits floor(2^64/1e6), not above the limit.
    const p = pool(TAO, 1_000_000n * TAO, 10n * TAO);
    expectPoolError(() => swapAlphaForTao(p, 10n * TAO, floor), 'PriceLimitExceeded');
    expectPoolError(() => unstakeAlpha(p, 10n * TAO, floor), 'PriceLimitExceeded');
    const stable: SubnetPool = { ...p, stable: true };
    expect(swapAlphaForTao(stable, 10n * TAO, floor).taoOutRao).toBe(10n * TAO);
  });

  it('in unstakeAlpha, refuses the whole unstake when the partial sale leaves the price at the floor', () => {
    // 1 TAO / 10 000 alpha (price 1e-4): selling 200 000 alpha crosses the floor; Δ = 1e13·(√(P/L) − 1) = 9e13 + 1
    // leaves 1e8 TAO / (1e14 + 1) alpha, price bits = the limit, and the author's fee swap is refused.
    const p = pool(TAO, 10_000n * TAO, 200_000n * TAO);
    expect(swapAlphaForTao(p, 200_000n * TAO, floor).alphaToReserveRao).toBe(90_000_000_000_001n);
    expectPoolError(() => unstakeAlpha(p, 200_000n * TAO, floor), 'PriceLimitExceeded');
    // 50 000 alpha ends above the floor (≈ 2.8e-6): sold in full, the fee too.
    const ok = unstakeAlpha(p, 50_000n * TAO, floor);
    expect(ok.refundAlphaRao).toBe(0n);
    expect(ok.burnedAlphaRao).toBe(0n);
    expect(ok.taoOutRao).toBe(833_263_366n);
  });
});

describe('constant product and round trips', () => {
  it('never lowers x·y with exact floor arithmetic; the chain arithmetic loses at most one output rao', () => {
    fc.assert(
      fc.property(poolArb, reserve, fc.boolean(), (p, d, buy) => {
        const k = p.taoRao * p.alphaInRao;
        for (const math of ['exactFloor', 'chain'] as const) {
          const q = unlessRefused(() =>
            buy
              ? swapTaoForAlpha(p, d, { dropFees: true, math }).pool
              : swapAlphaForTao(p, d, { dropFees: true, math }).pool,
          );
          if (q === undefined) continue;
          const slack = math === 'chain' ? (buy ? q.taoRao : q.alphaInRao) : 0n;
          expect(q.taoRao * q.alphaInRao).toBeGreaterThanOrEqual(k - slack);
        }
      }),
    );
  });

  it('never returns more TAO than was staked, with or without fees, for the user or for user plus author', () => {
    fc.assert(
      fc.property(poolArb, reserve, fc.boolean(), fc.boolean(), (p, t, dropFees, hasAuthor) => {
        const bought = unlessRefused(() => swapTaoForAlpha(p, t, { dropFees }));
        fc.pre(bought !== undefined);
        const sold = unlessRefused(() => unstakeAlpha(bought.pool, bought.alphaOutRao, { dropFees, hasAuthor }));
        fc.pre(sold !== undefined);
        expect(sold.taoOutRao).toBeLessThanOrEqual(t);
        expect(sold.taoOutRao + sold.authorTaoRao).toBeLessThanOrEqual(t - bought.feeTaoRao);
      }),
    );
  });

  it('never returns more alpha than was sold', () => {
    fc.assert(
      fc.property(poolArb, reserve, fc.boolean(), (p, a, dropFees) => {
        fc.pre(a <= p.alphaOutRao);
        const sold = unlessRefused(() => swapAlphaForTao(p, a, { dropFees }));
        fc.pre(sold !== undefined);
        const back = unlessRefused(() => swapTaoForAlpha(sold.pool, sold.taoOutRao, { dropFees }));
        fc.pre(back !== undefined);
        expect(back.alphaOutRao).toBeLessThanOrEqual(a);
      }),
    );
  });
});

describe('injectLiquidity', () => {
  it('adds to both reserves; injected in proportion to the price, it never lowers the price and moves it < 1/(x + Δx)', () => {
    expect(injectLiquidity(pool(10n, 20n, 5n), 3n, 4n)).toEqual(pool(13n, 24n, 5n));
    fc.assert(
      fc.property(poolArb, fc.bigInt({ min: 0n, max: 10n * TAO }), (p, dy) => {
        const dx = (dy * p.alphaInRao) / p.taoRao;
        const q = injectLiquidity(p, dy, dx);
        // p' − p = (x·Δy − y·Δx) / (x·(x + Δx)), and 0 ≤ x·Δy − y·Δx < y
        const gap = q.taoRao * p.alphaInRao - p.taoRao * q.alphaInRao;
        expect(gap).toBeGreaterThanOrEqual(0n);
        expect(gap).toBeLessThan(p.taoRao);
      }),
    );
  });
});
