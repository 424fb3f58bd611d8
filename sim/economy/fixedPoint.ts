/**
 * substrate_fixed (encointer/substrate-fixed v0.6.0) on raw bigint bits, as the economy code of the chain uses it.
 * A value is `bits / 2^frac`: U64F64 and I64F64 have 64 fractional bits, U96F32 and I96F32 have 32.
 * - mul: full product shifted right by `frac` (src/arith.rs `mul_div_fallback`), i.e. floor; saturates.
 * - div: `(a << frac) / b`, truncating; `safe_div` gives 0 when b = 0 (safe_math).
 * - converting to fewer fractional bits drops bits (floor); `saturating_to_num::<u64>()` floors too.
 * - `from_num(f64)` rounds to nearest, ties to even (src/float_helper.rs) — only used for chain constants.
 */
export const FRAC64 = 64n;
export const FRAC32 = 32n;
/** 1.0 as U64F64 / I64F64 bits. */
export const ONE_U64F64 = 1n << FRAC64;
/** 1.0 as U96F32 / I96F32 bits. */
export const ONE_U96F32 = 1n << FRAC32;

const U128_MAX = (1n << 128n) - 1n;
const I128_MAX = (1n << 127n) - 1n;
const I128_MIN = -(1n << 127n);

const clampU128 = (x: bigint): bigint => (x < 0n ? 0n : x > U128_MAX ? U128_MAX : x);
const clampI128 = (x: bigint): bigint => (x < I128_MIN ? I128_MIN : x > I128_MAX ? I128_MAX : x);

/** U64F64 `saturating_mul`. */
export function mulU64F64(a: bigint, b: bigint): bigint {
  return clampU128((a * b) >> FRAC64);
}

/** U64F64 `safe_div`: 0 on division by zero, saturating on overflow. */
export function divU64F64(a: bigint, b: bigint): bigint {
  return b === 0n ? 0n : clampU128((a << FRAC64) / b);
}

/** U64F64 `saturating_add`. */
export function addU64F64(a: bigint, b: bigint): bigint {
  return clampU128(a + b);
}

/** U64F64 `saturating_sub`. */
export function subU64F64(a: bigint, b: bigint): bigint {
  return clampU128(a - b);
}

/** U96F32 `saturating_mul` (e.g. `run_coinbase.rs::get_subnet_terms`: alpha cap · price). */
export function mulU96F32(a: bigint, b: bigint): bigint {
  const p = (a * b) >> FRAC32;
  return p < 0n ? 0n : p > U128_MAX ? U128_MAX : p;
}

/** U96F32 `safe_div`, 0 on division by zero (`safe_div_or(.., 0)` in `get_subnet_terms`). */
export function divU96F32(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n;
  const q = (a << FRAC32) / b;
  return q > U128_MAX ? U128_MAX : q;
}

/** I64F64 `saturating_mul`: the product is shifted arithmetically (floor, also for negatives). */
export function mulI64F64(a: bigint, b: bigint): bigint {
  return clampI128((a * b) >> FRAC64);
}

/** I64F64 `saturating_add`. */
export function addI64F64(a: bigint, b: bigint): bigint {
  return clampI128(a + b);
}

/** I64F64 `saturating_sub`. */
export function subI64F64(a: bigint, b: bigint): bigint {
  return clampI128(a - b);
}

/** `U64F64::saturating_from_num(x: I96F32 | U96F32)`: 32 more fractional bits, negatives saturate to 0. */
export function u64f64FromX96F32(bits: bigint): bigint {
  return clampU128(bits << (FRAC64 - FRAC32));
}

/** `I96F32::saturating_from_num(x: U64F64)` (also U96F32): drops 32 fractional bits (floor). */
export function x96f32FromU64F64(bits: bigint): bigint {
  return bits >> (FRAC64 - FRAC32);
}

/** `saturating_to_num::<u64>()` of a U64F64 / I64F64 value: floor, clamped to [0, u64::MAX]. */
export function u64FromX64F64(bits: bigint): bigint {
  const v = bits >> FRAC64;
  const U64_MAX = (1n << 64n) - 1n;
  return v < 0n ? 0n : v > U64_MAX ? U64_MAX : v;
}

/** The fixed-point value nearest below `num / den` with `frac` fractional bits (e.g. to build a MinerBurned input). */
export function fixedFromRatio(num: bigint, den: bigint, frac: bigint): bigint {
  if (den <= 0n || num < 0n) throw new RangeError(`fixedFromRatio: expected num >= 0 and den > 0, got ${num}/${den}`);
  return (num << frac) / den;
}

/** For display only (never in the books): a fixed-point value as a JavaScript number. */
export function fixedToNumber(bits: bigint, frac: bigint): number {
  return Number(bits) / 2 ** Number(frac);
}
