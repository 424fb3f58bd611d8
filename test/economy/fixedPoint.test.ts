import { describe, expect, it } from 'vitest';
import {
  divU64F64,
  divU96F32,
  fixedFromRatio,
  mulI64F64,
  mulU64F64,
  mulU96F32,
  u64FromX64F64,
  u64f64FromX96F32,
  x96f32FromU64F64,
} from '../../sim/economy/fixedPoint.ts';

const TWO32 = 2n ** 32n;
const TWO64 = 2n ** 64n;

describe('fixedPoint (substrate_fixed on raw bits)', () => {
  it('multiplies and divides with floor, and safe_div gives 0 on division by zero', () => {
    expect(mulU64F64(TWO64 / 3n, 3n * TWO64)).toBe(TWO64 - 1n); // (1/3 rounded down) · 3
    expect(divU64F64(TWO64, 3n * TWO64)).toBe(TWO64 / 3n);
    expect(divU64F64(TWO64, 0n)).toBe(0n);
    expect(mulU96F32(3n * TWO32, TWO32 / 2n)).toBe(3n * (TWO32 / 2n));
    expect(divU96F32(TWO32, 0n)).toBe(0n);
    expect(divU96F32(TWO32, 4n * TWO32)).toBe(TWO32 / 4n);
  });

  it('floors signed I64F64 products towards −∞', () => {
    expect(mulI64F64(-1n, TWO64 / 2n)).toBe(-1n); // −2^-64 · 0.5 floors to −2^-64
    expect(mulI64F64(-3n * TWO64, TWO64 / 2n)).toBe(-(3n * TWO64) / 2n);
  });

  it('widens 32 → 64 fractional bits exactly (negatives saturate to 0) and narrows by dropping bits', () => {
    expect(u64f64FromX96F32(5n)).toBe(5n * TWO32);
    expect(u64f64FromX96F32(-5n)).toBe(0n);
    expect(x96f32FromU64F64(5n * TWO32 + TWO32 - 1n)).toBe(5n);
    expect(u64FromX64F64(7n * TWO64 + TWO64 - 1n)).toBe(7n);
    expect(fixedFromRatio(1n, 3n, 32n)).toBe(TWO32 / 3n);
  });
});
