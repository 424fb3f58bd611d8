import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedArith } from '../sim/consensus/fixed.ts';
import { gdiv, gmul, setExactGrid, u16p } from '../sim/consensus/grid.ts';
import { gridValue, quotientBelowPoint, toRaw } from './support/gridCases.ts';

// Exact grid operations on doubles against substrate_fixed I32F32 on bigint (fixed.ts).
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
    let missed = 0;
    fc.assert(
      fc.property(quotientBelowPoint, ({ A, B, a, b, point: t }) => {
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
