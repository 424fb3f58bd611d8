/**
 * The arithmetic an epoch runs on. The epoch's control flow is written once (epoch.ts) over this
 * interface; `fixedArith` emulates the chain's substrate_fixed I32F32 bit-exactly on bigint raw values,
 * `floatArith` is the Float64 fast path on the same Q32.32 grid. Comparisons use the native operators.
 */
export interface Arith<T extends number | bigint> {
  readonly zero: T;
  readonly one: T;
  /** I32F32::from_num of a non-negative integer (u16 weights, small counts). */
  fromInt(v: number): T;
  /** v / 65535 as the chain computes it (`I32F32(v).safe_div(I32F32(65535))`). */
  u16Proportion(v: number): T;
  /** saturating_add / saturating_sub. */
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  /** saturating_mul (floor toward -inf in fixed mode). */
  mul(a: T, b: T): T;
  /** checked_mul, 0 on overflow (`vec_mul`). */
  checkedMul(a: T, b: T): T;
  /** safe_div: truncating division, 0 when b == 0 or on overflow. */
  div(a: T, b: T): T;
  /** saturating_div: saturates on overflow (b is never 0 where the chain uses it). */
  satDiv(a: T, b: T): T;
  /** e as substrate_fixed's I9F23 constant (floor(e·2^23)/2^23), returned by its `exp(1)`. */
  readonly e: T;
  /** fixed_proportion_to_u16: floor(x * 65535) clamped to 0..65535. */
  toU16Proportion(x: T): number;
  /** floor(x * rao) as u64 (I96F32 multiply then saturating_to_num). */
  toRao(x: T, rao: bigint): bigint;
  /**
   * Stake normalisation in I64F64 (`inplace_normalize_64`) then conversion to I32F32.
   * `stake` holds raw I64F64 values (value * 2^64).
   */
  normalizeStake64(stake: readonly bigint[]): T[];
  /** EMA alpha `1 - I32F32(I64F64(bma) / 1e6)` of the bonds moving average. */
  bondsEmaAlpha(bondsMovingAverage: number): T;
}
