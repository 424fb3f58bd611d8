import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedArith } from '../sim/consensus/fixed.ts';
import { gdiv, gmul, setExactGrid, u16p } from '../sim/consensus/grid.ts';

// Exact grid operations on doubles against substrate_fixed I32F32 on bigint (fixed.ts).
const G = 2 ** 32;
const toRaw = (x: number): bigint => BigInt(x * G);
/** Grid values: proportions, small integers and ratios, values near grid points and products landing on them. */
const gridValue = fc.oneof(
  fc.integer({ min: 0, max: 2 ** 32 }).map((r) => r / G),
  fc.integer({ min: -(2 ** 40), max: 2 ** 40 }).map((r) => r / G),
  fc.integer({ min: 0, max: 65535 }).map((v) => v),
  fc.integer({ min: 1, max: 65535 }).map((v) => Math.trunc((v / 65535) * G) / G),
  fc.constantFrom(0, 1, 0.5, 0.25, 2 ** -32, 1 - 2 ** -32, 3, 65535, 1e6),
);

describe('exact grid arithmetic', () => {
  setExactGrid(true);
  afterAll(() => setExactGrid(false));

  it('gmul equals I32F32 saturating_mul (floor) bit for bit', () => {
    fc.assert(
      fc.property(gridValue, gridValue, (a, b) => {
        fc.pre(Math.abs(a * b) < 2 ** 20); // the kernel's domain (beyond it the values are not doubles on the grid)
        setExactGrid(true);
        expect(toRaw(gmul(a, b))).toBe(fixedArith.mul(toRaw(a), toRaw(b)));
      }),
      { numRuns: 5000 },
    );
  });

  it('gdiv equals I32F32 safe_div (truncation) bit for bit', () => {
    fc.assert(
      fc.property(gridValue, gridValue, (a, b) => {
        fc.pre(b !== 0 && Math.abs(a / b) < 2 ** 20);
        setExactGrid(true);
        expect(toRaw(gdiv(a, b))).toBe(fixedArith.div(toRaw(a), toRaw(b)));
      }),
      { numRuns: 5000 },
    );
  });

  it('is exact where the plain double formula is not: a quotient 1/B below a grid point', () => {
    // B odd > 2^21 and t = B^-1 mod 2^32 make A = (t·B − 1)/2^32 an integer, and (A/B)·2^32 = t − 1/B: the chain
    // truncates to t − 1, while the double quotient rounds up to t (1/B is below half an ulp of t).
    const inverse = (b: bigint): bigint => {
      let x = 1n; // Newton: x ← x(2 − b·x) mod 2^32 doubles the correct bits each step
      for (let k = 0; k < 6; k++) x = (x * (2n - b * x)) & 0xffffffffn;
      return x;
    };
    let missed = 0;
    fc.assert(
      fc.property(fc.integer({ min: 2 ** 21, max: 2 ** 30 }), (half) => {
        const B = BigInt(2 * half + 1);
        const t = inverse(B);
        const A = (t * B - 1n) >> 32n;
        const a = Number(A) / G;
        const b = Number(B) / G;
        setExactGrid(false);
        const plain = toRaw(gdiv(a, b));
        setExactGrid(true);
        const exact = toRaw(gdiv(a, b));
        expect(exact).toBe(fixedArith.div(A, B));
        expect(exact).toBe(t - 1n);
        if (plain === t) missed++; // the plain formula is off by one when 1/B < ulp(t)/2
      }),
    );
    expect(missed).toBeGreaterThan(0);
    expect(u16p(65535)).toBe(1);
    expect(toRaw(u16p(1))).toBe(fixedArith.u16Proportion(1));
  });
});
