import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { subnetShares, taoEmissionPerSubnet, updateTaoFlowEma } from '../../sim/economy/subnetShares.ts';

const TWO32 = 2n ** 32n;
const TWO64 = 2n ** 64n;
const sum = (xs: readonly bigint[]): bigint => xs.reduce((a, x) => a + x, 0n);

describe('subnetShares', () => {
  it("[legacy] 'priceEma' gives p_i / Σp in U64F64", () => {
    expect(subnetShares({ kind: 'priceEma', movingPriceI96F32: [TWO32, TWO32, 2n * TWO32] })).toEqual([
      TWO64 / 4n,
      TWO64 / 4n,
      TWO64 / 2n,
    ]);
    expect(subnetShares({ kind: 'priceEma', movingPriceI96F32: [0n, -5n] })).toEqual([0n, 0n]);
  });

  it("HEAD 'priceEmaUnburned' weights the price share by (1 − min(MinerBurned, 1)) and renormalises", () => {
    // s = [1/2, 1/2], burned = [0, 1/2]: w = [1/2, 1/4] → [2/3, 1/3], each floored to 64 bits
    const shares = subnetShares({
      kind: 'priceEmaUnburned',
      movingPriceI96F32: [TWO32, TWO32],
      minerBurnedU96F32: [0n, TWO32 / 2n],
    });
    expect(shares).toEqual([12_297_829_382_473_034_410n, 6_148_914_691_236_517_205n]);
    // burned above 1 counts as 1
    expect(
      subnetShares({
        kind: 'priceEmaUnburned',
        movingPriceI96F32: [TWO32, TWO32],
        minerBurnedU96F32: [0n, 3n * TWO32],
      }),
    ).toEqual([TWO64, 0n]);
  });

  it("HEAD 'priceEmaUnburned' falls back to the price shares when every subnet burns everything", () => {
    const movingPriceI96F32 = [TWO32, 3n * TWO32];
    expect(subnetShares({ kind: 'priceEmaUnburned', movingPriceI96F32, minerBurnedU96F32: [TWO32, TWO32] })).toEqual([
      TWO64 / 4n,
      (3n * TWO64) / 4n,
    ]);
  });

  it("[legacy] 'taoFlow' clips at L = max(cutoff, min(S_i, 0)) and shares max(S_i − L, 0) (p = 1)", () => {
    const f = (x: bigint): bigint => x * TWO64;
    expect(subnetShares({ kind: 'taoFlow', emaFlowI64F64: [f(3n), f(-1n), f(1n)] })).toEqual([
      (3n * TWO64) / 4n,
      0n,
      TWO64 / 4n,
    ]);
    expect(subnetShares({ kind: 'taoFlow', emaFlowI64F64: [f(-2n), f(-1n)] })).toEqual([0n, 0n]);
    expect(subnetShares({ kind: 'taoFlow', emaFlowI64F64: [f(-2n), f(-1n)], cutoffI64F64: f(-5n) })).toEqual([
      0n,
      TWO64,
    ]);
  });

  it('equal get_shares written out in U64F64 bits (s = p/Σp, w = s·(1 − min(b, 1)), w/Σw), burned or not', () => {
    // The chain's formula step by step on raw bits (an oracle independent of subnetShares' shortcuts).
    const reference = (prices: bigint[], burned: bigint[]): bigint[] => {
      const p = prices.map((x) => x << 32n); // I96F32 → U64F64
      const total = p.reduce((a, x) => a + x, 0n);
      const s = p.map((x) => (total === 0n ? 0n : (x << 64n) / total));
      const w = s.map((x, i) => {
        const b = burned[i]! << 32n;
        return (x * (TWO64 - (b < TWO64 ? b : TWO64))) >> 64n;
      });
      const wTotal = w.reduce((a, x) => a + x, 0n);
      return wTotal > 0n ? w.map((x) => (x << 64n) / wTotal) : s;
    };
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.bigInt({ min: 0n, max: 1000n * TWO32 }), fc.bigInt({ min: 0n, max: 2n * TWO32 })), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.boolean(),
        (rows, noneBurned) => {
          const prices = rows.map(([p]) => p);
          const burned = rows.map(([, b]) => (noneBurned ? 0n : b));
          expect(
            subnetShares({ kind: 'priceEmaUnburned', movingPriceI96F32: prices, minerBurnedU96F32: burned }),
          ).toEqual(reference(prices, burned));
        },
      ),
    );
  });

  it('sum to at most 1 and lose at most one U64F64 ulp per subnet', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.bigInt({ min: 0n, max: 1000n * TWO32 }), fc.bigInt({ min: 0n, max: TWO32 })), {
          minLength: 1,
          maxLength: 64,
        }),
        (rows) => {
          fc.pre(rows.some(([p]) => p > 0n));
          const shares = subnetShares({
            kind: 'priceEmaUnburned',
            movingPriceI96F32: rows.map(([p]) => p),
            minerBurnedU96F32: rows.map(([, b]) => b),
          });
          expect(sum(shares)).toBeLessThanOrEqual(TWO64);
          expect(TWO64 - sum(shares)).toBeLessThanOrEqual(BigInt(rows.length));
        },
      ),
    );
  });
});

describe('updateTaoFlowEma', () => {
  it('[legacy] moves the I64F64 EMA by α = 29_597_889_189_277 / i64::MAX ≈ 3.209e-6 of the block flow', () => {
    const alphaBits = (29_597_889_189_277n * TWO64) / (2n ** 63n - 1n);
    expect(updateTaoFlowEma(0n, 1_000_000_000n)).toBe(alphaBits * 1_000_000_000n);
    expect(Number(updateTaoFlowEma(0n, 1_000_000_000n)) / 2 ** 64).toBeCloseTo(3209.0096, 3);
    expect(updateTaoFlowEma(0n, -1_000_000_000n)).toBe(-alphaBits * 1_000_000_000n);
    expect(updateTaoFlowEma(7n * TWO64, 7n)).toBe(7n * TWO64);
  });
});

describe('taoEmissionPerSubnet', () => {
  it('splits E by U64F64 shares, floors to rao and reports the remainder the chain recycles', () => {
    expect(taoEmissionPerSubnet(1_000_000_000n, [TWO64 / 2n, TWO64 / 4n, TWO64 / 4n])).toEqual({
      emissionU96F32: [500_000_000n * TWO32, 250_000_000n * TWO32, 250_000_000n * TWO32],
      emissionRao: [500_000_000n, 250_000_000n, 250_000_000n],
      remainderRao: 0n,
    });
    const third = TWO64 / 3n;
    expect(taoEmissionPerSubnet(1_000_000_000n, [third, third, third]).emissionRao).toEqual([
      333_333_333n,
      333_333_333n,
      333_333_333n,
    ]);
    expect(taoEmissionPerSubnet(1_000_000_000n, [third, third, third]).remainderRao).toBe(1n);
  });

  it('gives disabled subnets nothing and renormalises the enabled shares', () => {
    const r = taoEmissionPerSubnet(1_000_000_000n, [TWO64 / 2n, TWO64 / 4n, TWO64 / 4n], [true, false, true]);
    expect(r.emissionRao).toEqual([666_666_666n, 0n, 333_333_333n]);
    expect(r.remainderRao).toBe(1n);
  });

  it('never pays more than E and strands less than one rao per subnet plus the share rounding', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 1_000_000_000n }),
        fc.array(fc.bigInt({ min: 0n, max: 1000n * TWO32 }), { minLength: 1, maxLength: 64 }),
        (e, prices) => {
          fc.pre(prices.some((p) => p > 0n));
          const r = taoEmissionPerSubnet(e, subnetShares({ kind: 'priceEma', movingPriceI96F32: prices }));
          expect(sum(r.emissionRao) + r.remainderRao).toBe(e);
          expect(r.remainderRao).toBeGreaterThanOrEqual(0n);
          expect(r.remainderRao).toBeLessThanOrEqual(BigInt(prices.length));
        },
      ),
    );
  });
});
