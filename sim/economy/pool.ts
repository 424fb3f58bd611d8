import { divU64F64, ONE_U64F64 } from './fixedPoint.ts';

/**
 * The dTAO subnet pool at subtensor HEAD: a Balancer pool (`pallets/swap/src/pallet/balancer.rs`) held at the
 * default weights 0.5/0.5, where it is the constant-product pool x·y = k.
 *
 * Weights are not modelled. On chain `adjust_protocol_liquidity` moves the quote weight so that an injection leaves
 * the price unchanged; the coinbase injects in proportion to the price (alpha_in = tao_in / price, or the capped
 * alpha_in with tao_in = alpha_in · price), so the weight moves only by the ~1e-18 rounding of that ratio. Here the
 * weight stays 0.5 and the price moves by that rounding instead (see `injectLiquidity`). With weight exactly 0.5 the
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
/** `swap_step.rs::MAX_SWAP_INPUT_RESERVE_MULTIPLIER`. */
export const MAX_SWAP_INPUT_RESERVE_MULTIPLIER = 1000n;
/** runtime `SwapMinimumReserve`: the output reserve must hold at least this before a swap. */
export const SWAP_MINIMUM_RESERVE_RAO = 1_000_000n;

export type PoolErrorCode = 'SwapInputTooLarge' | 'ReservesTooLow' | 'InsufficientLiquidity';

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
  if (amountIn < 0n) throw new RangeError(`swap: negative input ${amountIn}`);
  const feeRao = opts?.dropFees ? 0n : swapFeeRao(amountIn, opts?.feeRateU16 ?? DEFAULT_FEE_RATE_U16);
  const netInRao = amountIn - feeRao;
  if (netInRao > reserveIn * MAX_SWAP_INPUT_RESERVE_MULTIPLIER) {
    throw new PoolError('SwapInputTooLarge', `net input ${netInRao} > 1000 × reserve ${reserveIn}`);
  }
  const minimum = opts?.minimumReserveRao ?? SWAP_MINIMUM_RESERVE_RAO;
  if (reserveOut < minimum) throw new PoolError('ReservesTooLow', `output reserve ${reserveOut} < ${minimum}`);
  const outRao = swapOutputRao(reserveIn, reserveOut, netInRao, opts?.math ?? 'chain');
  // swap_step.rs::process_swap: a non-zero input must buy something.
  if (netInRao !== 0n && outRao === 0n) throw new PoolError('ReservesTooLow', `input ${netInRao} buys nothing`);
  if (outRao > reserveOut) throw new PoolError('InsufficientLiquidity', `output ${outRao} > reserve ${reserveOut}`);
  return { feeRao, netInRao, outRao };
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
}

/**
 * Unstake side, `stake_utils.rs::swap_alpha_for_tao`: AlphaIn += (input − fee), AlphaOut −= (input − fee),
 * TAO −= out. The fee alpha stays in AlphaOut until the caller swaps or burns it.
 */
export function swapAlphaForTao(pool: SubnetPool, alphaRao: bigint, opts?: SwapOptions): AlphaForTao {
  const s: Step = pool.stable
    ? { feeRao: 0n, netInRao: alphaRao, outRao: alphaRao }
    : swapStep(pool.alphaInRao, pool.taoRao, alphaRao, opts);
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
  };
}
