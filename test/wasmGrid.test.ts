import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixedArith } from '../sim/consensus/fixed.ts';
import { wasmGrid } from '../sim/consensus/wasmKernel.ts';
import { G, gridValue, quotientBelowPoint, toRaw } from './support/gridCases.ts';

// The WebAssembly kernel's grid operations (assembly/grid.ts) against substrate_fixed's I32F32 on bigint (fixed.ts)
// in exact mode, and against the float formula of the generic float path in float mode.
describe('the WebAssembly grid operations', () => {
  it('multiply as I32F32 saturating_mul (exact) and as floor(a·b·2^32)/2^32 (float)', () => {
    fc.assert(
      fc.property(gridValue, gridValue, (a, b) => {
        fc.pre(Math.abs(a * b) < 2 ** 20);
        expect(toRaw(wasmGrid.mul(a, b, true))).toBe(fixedArith.mul(toRaw(a), toRaw(b)));
        expect(wasmGrid.mul(a, b, false)).toBe(Math.floor(a * b * G) / G);
      }),
      { numRuns: 5000 },
    );
  });

  it('multiply two lanes at once (SIMD) as the scalar product, each lane on its own', () => {
    fc.assert(
      fc.property(gridValue, gridValue, gridValue, gridValue, (a0, a1, b0, b1) => {
        fc.pre(Math.abs(a0 * b0) < 2 ** 20 && Math.abs(a1 * b1) < 2 ** 20);
        const [e0, e1] = wasmGrid.mul2(a0, a1, b0, b1, true);
        expect(toRaw(e0)).toBe(fixedArith.mul(toRaw(a0), toRaw(b0)));
        expect(toRaw(e1)).toBe(fixedArith.mul(toRaw(a1), toRaw(b1)));
        expect(wasmGrid.mul2(a0, a1, b0, b1, false)).toEqual([
          Math.floor(a0 * b0 * G) / G,
          Math.floor(a1 * b1 * G) / G,
        ]);
      }),
      { numRuns: 5000 },
    );
  });

  it('divide as I32F32 safe_div (exact) and as trunc(a/b·2^32)/2^32 (float)', () => {
    fc.assert(
      fc.property(gridValue, gridValue, (a, b) => {
        fc.pre(b !== 0 && Math.abs(a / b) < 2 ** 20);
        expect(toRaw(wasmGrid.div(a, b, true))).toBe(fixedArith.div(toRaw(a), toRaw(b)));
        expect(wasmGrid.div(a, b, false)).toBe(Math.trunc((a / b) * G) / G);
      }),
      { numRuns: 5000 },
    );
  });

  it('divide through the reciprocal of the divisor exactly as by the division (gdivBy), in both modes', () => {
    const nonNegative = gridValue.filter((x) => x >= 0);
    fc.assert(
      fc.property(nonNegative, nonNegative, (a, b) => {
        fc.pre(b > 0 && a / b < 2 ** 20);
        expect(wasmGrid.divBy(a, b, true)).toBe(wasmGrid.div(a, b, true));
        expect(wasmGrid.divBy(a, b, false)).toBe(wasmGrid.div(a, b, false));
      }),
      { numRuns: 5000 },
    );
    // Quotients just below a grid point (where the reciprocal's product may round onto it), and on one.
    fc.assert(
      fc.property(quotientBelowPoint, ({ a, b, below }) => {
        expect(toRaw(wasmGrid.divBy(a, b, true))).toBe(below);
        expect(wasmGrid.divBy(a, b, false)).toBe(wasmGrid.div(a, b, false));
      }),
    );
    for (const [a, b] of [
      [1, 3],
      [2, 6],
      [65535, 65535],
      [0.5, 0.25],
      [7, 7],
    ] as const)
      for (const exact of [true, false]) expect(wasmGrid.divBy(a, b, exact)).toBe(wasmGrid.div(a, b, exact));
  });

  it('divide two lanes at once (SIMD) as the scalar quotient, each lane on its own', () => {
    fc.assert(
      fc.property(gridValue, gridValue, gridValue, gridValue, (a0, a1, b0, b1) => {
        fc.pre(b0 !== 0 && b1 !== 0 && Math.abs(a0 / b0) < 2 ** 20 && Math.abs(a1 / b1) < 2 ** 20);
        const [e0, e1] = wasmGrid.div2(a0, a1, b0, b1, true);
        expect(toRaw(e0)).toBe(fixedArith.div(toRaw(a0), toRaw(b0)));
        expect(toRaw(e1)).toBe(fixedArith.div(toRaw(a1), toRaw(b1)));
        expect(wasmGrid.div2(a0, a1, b0, b1, false)).toEqual([
          Math.trunc((a0 / b0) * G) / G,
          Math.trunc((a1 / b1) * G) / G,
        ]);
      }),
      { numRuns: 5000 },
    );
  });

  it('divide two lanes on the grid point edge: u16 proportions and quotients just below a point', () => {
    for (const v of [0, 1, 32767, 65534, 65535])
      expect(toRaw(wasmGrid.div2(v, 65535 - v, 65535, 65535, true)[0])).toBe(fixedArith.u16Proportion(v));
  });

  it('truncate a quotient just below a grid point, where the double quotient rounds onto it', () => {
    let roundedUp = 0;
    fc.assert(
      fc.property(quotientBelowPoint, ({ a, b, point: t }) => {
        expect(toRaw(wasmGrid.div(a, b, true))).toBe(t - 1n);
        const [x0, x1] = wasmGrid.div2(a, 0.5, b, 0.25, true); // the two-lane quotient corrects its lane too
        expect([toRaw(x0), toRaw(x1)]).toEqual([t - 1n, 2n * BigInt(G)]);
        if (toRaw(wasmGrid.div(a, b, false)) === t) roundedUp++;
      }),
    );
    expect(roundedUp).toBeGreaterThan(0);
  });

  it('read a u16 as v/65535, truncated to the grid in exact mode (u16_proportion)', () => {
    for (const v of [0, 1, 2, 255, 32767, 32768, 65534, 65535]) {
      expect(toRaw(wasmGrid.u16(v, true))).toBe(fixedArith.u16Proportion(v));
      expect(wasmGrid.u16(v, false)).toBe(v / 65535);
    }
  });
});
