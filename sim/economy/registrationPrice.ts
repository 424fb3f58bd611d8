/**
 * The neuron registration price (`subnets/registration.rs` at HEAD): it decays every block by f with
 * f^BurnHalfLife = 1/2 and is multiplied by BurnIncreaseMult (1.26) on each registration, within [MinBurn, MaxBurn].
 * Q32 arithmetic as in `utils/misc.rs` (`mul_by_q32`, `pow_q32`, `decay_factor_q32`).
 */
const ONE_Q32 = 1n << 32n;
const U64_MAX = (1n << 64n) - 1n;

/** `mul_by_q32`: floor(value · factor / 2^32), clamped to u64. */
export function mulByQ32(value: bigint, factorQ32: bigint): bigint {
  const shifted = (value * factorQ32) >> 32n;
  return shifted > U64_MAX ? U64_MAX : shifted;
}

/** `pow_q32`: base^exp by squaring, every product through `mul_by_q32`. */
export function powQ32(baseQ32: bigint, exp: number): bigint {
  let result = ONE_Q32;
  let factor = baseQ32;
  let power = exp;
  while (power > 0) {
    if (power & 1) result = mulByQ32(result, factor);
    power >>= 1;
    if (power > 0) factor = mulByQ32(factor, factor);
  }
  return result;
}

const factors = new Map<number, bigint>();

/** `decay_factor_q32`: the largest Q32 f with pow_q32(f, halfLife) ≤ 1/2, by bisection (memoised per half-life). */
export function decayFactorQ32(halfLife: number): bigint {
  if (halfLife === 0) return ONE_Q32;
  const known = factors.get(halfLife);
  if (known !== undefined) return known;
  let lo = 0n;
  let hi = ONE_Q32;
  while (lo + 1n < hi) {
    const mid = lo + ((hi - lo) >> 1n);
    if (powQ32(mid, halfLife) > ONE_Q32 >> 1n) hi = mid;
    else lo = mid;
  }
  factors.set(halfLife, lo);
  return lo;
}

export interface BurnParams {
  readonly burnHalfLife: number;
  /** `BurnIncreaseMult` as U64F64 bits (default from_num(1.26)). */
  readonly burnIncreaseMultU64F64: bigint;
  readonly minBurnRao: bigint;
  readonly maxBurnRao: bigint;
}

const clamp = (x: bigint, p: BurnParams): bigint =>
  x < p.minBurnRao ? p.minBurnRao : x > p.maxBurnRao ? p.maxBurnRao : x;

/** One block of `update_registration_prices_for_networks` (no decay at blocks 0 and 1, as on chain). */
export function decayBurn(burnRao: bigint, p: BurnParams, block: number): bigint {
  // At (or below) the floor a decay (factor ≤ 1) stays clamped at the floor: no arithmetic needed.
  if (burnRao <= p.minBurnRao && p.minBurnRao <= p.maxBurnRao) return p.minBurnRao;
  const decayed = p.burnHalfLife > 0 && block > 1 ? mulByQ32(burnRao, decayFactorQ32(p.burnHalfLife)) : burnRao;
  return clamp(decayed, p);
}

/** `bump_registration_price_after_registration`: burn · max(mult, 1) in U64F64, floored, clamped. */
export function bumpBurn(burnRao: bigint, p: BurnParams): bigint {
  const mult = p.burnIncreaseMultU64F64 < 1n << 64n ? 1n << 64n : p.burnIncreaseMultU64F64;
  return clamp((burnRao * mult) >> 64n, p);
}
