import { divU64F64, mulU64F64, ONE_U64F64, u64FromX64F64 } from './fixedPoint.ts';

/**
 * The dTAO subnet pool at subtensor HEAD: a Balancer pool (`pallets/swap/src/pallet/balancer.rs`) held at the
 * default weights 0.5/0.5, where it is the constant-product pool x·y = k.
 *
 * Weights are not modelled. On chain `adjust_protocol_liquidity` moves the quote weight so that an injection leaves
 * the price unchanged; the coinbase injects in proportion to the price (alpha_in = tao_in / price, or the capped
 * alpha_in with tao_in = alpha_in · price), so the weight moves only by the rounding of that ratio. Here the weight
 * stays 0.5 and the price moves by that rounding instead (see `injectLiquidity`, with the case of a price that
 * floors to 0). With weight exactly 0.5 the
 * chain's `pow_ratio_scaled` exponent reduces to 1/1 and takes its exact integer path, which `chainOutput` mirrors.
 */
export interface SubnetPool {
  /** `SubnetTAO`: TAO reserve y. */
  readonly taoRao: bigint;
  /** `SubnetAlphaIn`: alpha reserve x. */
  readonly alphaInRao: bigint;
  /** `SubnetAlphaOut`: alpha outside the pool (stakes, pending emission, protocol alpha). */
  readonly alphaOutRao: bigint;
  /** `SubnetMechanism == 0` (root): 1 TAO = 1 alpha, no fee, no reserve checks. */
  readonly stable?: boolean;
}

/** `DefaultFeeRate` (pallets/swap/src/pallet/mod.rs): 33/65535 ≈ 0.05%. */
export const DEFAULT_FEE_RATE_U16 = 33;
/**
 * `swap_step.rs::MAX_SWAP_INPUT_RESERVE_MULTIPLIER`. The swap itself compares the input net of the fee with it
 * (`ensure_swap_input_within_reserve_limit`, swap impls.rs:185-199; here `checkedInput`); add_stake and remove_stake
 * also compare the gross amount, before anything else (add_stake.rs:191-204, remove_stake.rs:409-422: the ops do).
 */
export const MAX_SWAP_INPUT_RESERVE_MULTIPLIER = 1000n;
/** runtime `SwapMinimumReserve`: the output reserve must hold at least this before a swap. */
export const SWAP_MINIMUM_RESERVE_RAO = 1_000_000n;
/**
 * The sell-side price floor as the swap compares it: `min_price` = 1000 rao per alpha (swap `impls.rs:280-282`),
 * turned into U64F64(1000) / U64F64(10^9) by `SwapEngine::swap` (`impls.rs:336-337`) = floor(2^64 / 10^6) bits.
 * `remove_stake`, `move_stake`'s sale and the author's fee swap all sell with it (`stake_utils.rs:755,775-779`).
 */
export const MIN_PRICE_U64F64: bigint = divU64F64(1_000n << 64n, 1_000_000_000n << 64n);

export type PoolErrorCode = 'SwapInputTooLarge' | 'ReservesTooLow' | 'InsufficientLiquidity' | 'PriceLimitExceeded';

/** A refused swap; the pool passed in is unchanged (all functions here return new pools). */
export class PoolError extends Error {
  constructor(
    readonly code: PoolErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'PoolError';
  }
}

export interface SwapOptions {
  /** Chain buys and the author's fee swap pass `drop_fees = true`. Default false. */
  readonly dropFees?: boolean;
  /** `FeeRate[netuid]`, u16 normalised by 65535. Default 33. */
  readonly feeRateU16?: number;
  /**
   * 'chain' (default) mirrors `BasicSwapStep::convert_deltas`; it can pay 1 rao more than the exact constant-product
   * floor (its 1e18-scaled ratio is floored, so 1 − e is rounded up). 'exactFloor' pays floor(R_out·d/(R_in + d)).
   */
  readonly math?: 'chain' | 'exactFloor';
  /** Default `SWAP_MINIMUM_RESERVE_RAO`. */
  readonly minimumReserveRao?: bigint;
  /**
   * Sells only: the limit price (U64F64 bits; the chain's sells pass `MIN_PRICE_U64F64`). The pool's price must be
   * above it (else `PriceLimitExceeded`), and a sale that would take the price below it fills only partly (see
   * `swapAlphaForTao`). Default: no limit, the sale fills completely. Ignored on a stable pool, as on chain.
   */
  readonly minPriceU64F64?: bigint;
}

const PERQUINTILL = 1_000_000_000_000_000_000n;

/**
 * `Pallet::calculate_fee_amount`: U64F64(amount) · (U64F64(rate) / U64F64(65535)), floored. The quotient is
 * truncated to 64 fractional bits first, so the fee is floor(amount·rate/65535) or one less (e.g. 32, not 33, on
 * 65535 rao).
 */
export function swapFeeRao(amountRao: bigint, feeRateU16: number = DEFAULT_FEE_RATE_U16): bigint {
  if (!Number.isInteger(feeRateU16) || feeRateU16 < 0 || feeRateU16 > 65535) {
    throw new RangeError(`swapFeeRao: fee rate must be a u16, got ${feeRateU16}`);
  }
  const rateBits = divU64F64(BigInt(feeRateU16) << 64n, 65535n << 64n);
  return (amountRao * rateBits) >> 64n;
}

/**
 * `Pallet::current_price` as U64F64 bits: (w1/w2)·(y/x) = y/x at equal weights, i.e. floor(y·2^64/x);
 * 0 when the alpha reserve is empty; exactly 1 for the stable (root) mechanism.
 */
export function spotPriceU64F64(pool: SubnetPool): bigint {
  if (pool.stable) return ONE_U64F64;
  if (pool.alphaInRao === 0n) return 0n;
  // divU64F64(t·2^64, a·2^64) = floor(t·2^128 / (a·2^64)) = floor(t·2^64 / a): the same bits from smaller numbers,
  // saturating at u128::MAX (which a u64 reserve never reaches).
  const q = (pool.taoRao << 64n) / pool.alphaInRao;
  return q > U128_MAX ? U128_MAX : q;
}

const U128_MAX = (1n << 128n) - 1n;

const U64_LIMIT = 1n << 64n;

/**
 * `current_price` as the coinbase reads it, I96F32/U96F32 bits: `spotPriceU64F64` with 32 fractional bits dropped.
 * floor(floor(t·2^64/a)/2^32) = floor(t·2^32/a), and for a u64 reserve t the U64F64 quotient cannot saturate.
 */
export function spotPriceU96F32(pool: SubnetPool): bigint {
  if (pool.stable) return ONE_U64F64 >> 32n;
  if (pool.alphaInRao === 0n) return 0n;
  return pool.taoRao < U64_LIMIT ? (pool.taoRao << 32n) / pool.alphaInRao : spotPriceU64F64(pool) >> 32n;
}

/** The exact spot price as a ratio of reserves (TAO per alpha); alphaRao = 0 means no price. */
export function spotPriceRatio(pool: SubnetPool): { readonly taoRao: bigint; readonly alphaRao: bigint } {
  return pool.stable ? { taoRao: 1n, alphaRao: 1n } : { taoRao: pool.taoRao, alphaRao: pool.alphaInRao };
}

/**
 * Output of putting `deltaIn` into the input reserve, at weights 0.5/0.5.
 * Chain: e = floor(R_in·1e18/(R_in + d)) (`pow_ratio_scaled` exact path), e as U64F64 = floor(e·2^64/1e18)
 * (`exp_scaled`, capped at 1), out = floor(R_out·(1 − e)) (`convert_deltas`).
 */
export function swapOutputRao(
  reserveInRao: bigint,
  reserveOutRao: bigint,
  deltaInRao: bigint,
  math: 'chain' | 'exactFloor' = 'chain',
): bigint {
  const after = reserveInRao + deltaInRao;
  if (math === 'exactFloor') return after === 0n ? 0n : (reserveOutRao * deltaInRao) / after;
  let e = 0n;
  if (after !== 0n) {
    const scaled = (reserveInRao * PERQUINTILL) / after;
    e = divU64F64(scaled << 64n, PERQUINTILL << 64n);
    if (e > ONE_U64F64) e = ONE_U64F64;
  }
  return (reserveOutRao * (ONE_U64F64 - e)) >> 64n;
}

interface Step {
  readonly feeRao: bigint;
  readonly netInRao: bigint;
  readonly outRao: bigint;
}

/** `do_swap` + `swap_inner` + `BasicSwapStep` for an order without a binding price limit. */
function swapStep(reserveIn: bigint, reserveOut: bigint, amountIn: bigint, opts: SwapOptions | undefined): Step {
  const { feeRao, netInRao } = checkedInput(reserveIn, reserveOut, amountIn, opts);
  return stepResult(reserveIn, reserveOut, feeRao, netInRao, opts);
}

/** The checks before the step (`ensure_swap_input_within_reserve_limit`, then `swap_inner`'s reserve minimum). */
function checkedInput(
  reserveIn: bigint,
  reserveOut: bigint,
  amountIn: bigint,
  opts: SwapOptions | undefined,
): { feeRao: bigint; netInRao: bigint } {
  if (amountIn < 0n) throw new RangeError(`swap: negative input ${amountIn}`);
  const feeRao = opts?.dropFees ? 0n : swapFeeRao(amountIn, opts?.feeRateU16 ?? DEFAULT_FEE_RATE_U16);
  const netInRao = amountIn - feeRao;
  if (netInRao > reserveIn * MAX_SWAP_INPUT_RESERVE_MULTIPLIER) {
    throw new PoolError('SwapInputTooLarge', `net input ${netInRao} > 1000 × reserve ${reserveIn}`);
  }
  const minimum = opts?.minimumReserveRao ?? SWAP_MINIMUM_RESERVE_RAO;
  if (reserveOut < minimum) throw new PoolError('ReservesTooLow', `output reserve ${reserveOut} < ${minimum}`);
  return { feeRao, netInRao };
}

/** `process_swap` for `netInRao` into the reserve, and `do_swap`'s final reserve check. */
function stepResult(
  reserveIn: bigint,
  reserveOut: bigint,
  feeRao: bigint,
  netInRao: bigint,
  opts: SwapOptions | undefined,
): Step {
  const outRao = swapOutputRao(reserveIn, reserveOut, netInRao, opts?.math ?? 'chain');
  // swap_step.rs::process_swap: a non-zero input must buy something.
  if (netInRao !== 0n && outRao === 0n) throw new PoolError('ReservesTooLow', `input ${netInRao} buys nothing`);
  if (outRao > reserveOut) throw new PoolError('InsufficientLiquidity', `output ${outRao} > reserve ${reserveOut}`);
  return { feeRao, netInRao, outRao };
}

const U64_MAX = (1n << 64n) - 1n;

/** floor(√n) for n ≥ 0 (Newton's method on bigints). */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << ((BigInt(n.toString(2).length) + 1n) / 2n);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/**
 * `Balancer::calculate_base_delta_in` at weights 0.5/0.5: the alpha that takes the price from `current` down to
 * `target` (both U64F64 bits), x·((current/target)^½ − 1). `pow_ratio_scaled` reduces the exponent 5e17/1e18 to 1/2
 * and takes its exact path, floor(√(current·10^36 / target)) (safe-bigmath `nth_root_ratio_floor`); a result above
 * u64::MAX saturates to u64::MAX (`balancer.rs:372-376`), so the factor never exceeds 18.446744073709551615 − 1:
 * one partial sale moves the price down by at most ×1/340.28.
 */
export function baseDeltaInToPrice(currentU64F64: bigint, targetU64F64: bigint, reserveRao: bigint): bigint {
  if (targetU64F64 === 0n) return 0n; // pow_ratio_scaled: zero denominator → None → 0
  let e = isqrt((currentU64F64 * PERQUINTILL * PERQUINTILL) / targetU64F64);
  if (e > U64_MAX) e = U64_MAX;
  const factor = divU64F64(e << 64n, PERQUINTILL << 64n);
  const minusOne = factor > ONE_U64F64 ? factor - ONE_U64F64 : 0n;
  return u64FromX64F64(mulU64F64(reserveRao << 64n, minusOne));
}

/**
 * A sale with the price floor `limit` (`swap_inner` + `BasicSwapStep::determine_action`, `swap_step.rs:79-116`):
 * the price must be above the limit; if the full sale would leave it at or above the limit the sale fills
 * completely, else only the alpha that reaches the limit (`baseDeltaInToPrice`) enters the reserve and the fee is
 * recomputed on it as floor(Δ·(rate/(65535 − rate))) in U64F64. The caller refunds the rest.
 */
function sellStepWithFloor(pool: SubnetPool, amountIn: bigint, limit: bigint, opts: SwapOptions | undefined): Step {
  const x = pool.alphaInRao;
  const y = pool.taoRao;
  const { feeRao, netInRao } = checkedInput(x, y, amountIn, opts);
  const current = spotPriceU64F64(pool);
  if (!(current > limit)) throw new PoolError('PriceLimitExceeded', `price ${current} is not above the limit ${limit}`);
  const fullOut = swapOutputRao(x, y, netInRao, opts?.math ?? 'chain');
  // price_target: the price after the full sale, calculate_price(x + Δx, y − Δy) (u64 saturating_sub).
  const target = spotPriceU64F64({ taoRao: y > fullOut ? y - fullOut : 0n, alphaInRao: x + netInRao, alphaOutRao: 0n });
  if (target >= limit) return stepResult(x, y, feeRao, netInRao, opts);
  const deltaIn = baseDeltaInToPrice(current, limit, x);
  const rate = BigInt(opts?.dropFees ? 0 : (opts?.feeRateU16 ?? DEFAULT_FEE_RATE_U16));
  const feeAtLimit = u64FromX64F64(mulU64F64(deltaIn << 64n, divU64F64(rate << 64n, (65535n - rate) << 64n)));
  return stepResult(x, y, feeAtLimit, deltaIn, opts);
}

export interface TaoForAlpha {
  readonly pool: SubnetPool;
  /** TAO that entered the reserve (`amount_paid_in`, the input less the fee). */
  readonly taoToReserveRao: bigint;
  readonly alphaOutRao: bigint;
  /** TAO fee: never in the reserves; paid to the block author (burned if there is none, issuance unchanged). */
  readonly feeTaoRao: bigint;
}

/**
 * Stake side, `stake_utils.rs::swap_tao_for_alpha`: AlphaIn −= out, AlphaOut += out, TAO += (input − fee).
 * The chain's `stake_into_subnet` then pays `feeTaoRao` from the subnet account to the author.
 */
export function swapTaoForAlpha(pool: SubnetPool, taoRao: bigint, opts?: SwapOptions): TaoForAlpha {
  const s: Step = pool.stable
    ? { feeRao: 0n, netInRao: taoRao, outRao: taoRao }
    : swapStep(pool.taoRao, pool.alphaInRao, taoRao, opts);
  const alphaIn = pool.alphaInRao - s.outRao;
  return {
    pool: {
      ...pool,
      taoRao: pool.taoRao + s.netInRao,
      alphaInRao: alphaIn < 0n ? 0n : alphaIn,
      alphaOutRao: pool.alphaOutRao + s.outRao,
    },
    taoToReserveRao: s.netInRao,
    alphaOutRao: s.outRao,
    feeTaoRao: s.feeRao,
  };
}

export interface AlphaForTao {
  readonly pool: SubnetPool;
  /** Alpha that entered the reserve (the input less the fee). */
  readonly alphaToReserveRao: bigint;
  readonly taoOutRao: bigint;
  /** Alpha fee: not in the reserves and still counted in AlphaOut (see `unstakeAlpha`). */
  readonly feeAlphaRao: bigint;
  /** Alpha not sold because the price floor was reached: input − (alpha into the reserve + fee), ≥ 0. */
  readonly alphaUnfilledRao: bigint;
}

/**
 * Unstake side, `stake_utils.rs::swap_alpha_for_tao`: AlphaIn += (input − fee), AlphaOut −= (input − fee),
 * TAO −= out. The fee alpha stays in AlphaOut until the caller swaps or burns it. With `minPriceU64F64` the sale
 * may fill only partly (`alphaUnfilledRao` is then > 0: the caller gives it back to the seller).
 */
export function swapAlphaForTao(pool: SubnetPool, alphaRao: bigint, opts?: SwapOptions): AlphaForTao {
  const s: Step = pool.stable
    ? { feeRao: 0n, netInRao: alphaRao, outRao: alphaRao }
    : opts?.minPriceU64F64 === undefined
      ? swapStep(pool.alphaInRao, pool.taoRao, alphaRao, opts)
      : sellStepWithFloor(pool, alphaRao, opts.minPriceU64F64, opts);
  const unfilled = alphaRao - s.netInRao - s.feeRao;
  const alphaOut = pool.alphaOutRao - s.netInRao;
  const tao = pool.taoRao - s.outRao;
  return {
    pool: {
      ...pool,
      taoRao: tao < 0n ? 0n : tao,
      alphaInRao: pool.alphaInRao + s.netInRao,
      alphaOutRao: alphaOut < 0n ? 0n : alphaOut,
    },
    alphaToReserveRao: s.netInRao,
    taoOutRao: s.outRao,
    feeAlphaRao: s.feeRao,
    alphaUnfilledRao: unfilled > 0n ? unfilled : 0n,
  };
}
