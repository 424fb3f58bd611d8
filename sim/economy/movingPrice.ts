import {
  addU64F64,
  divU64F64,
  mulU64F64,
  ONE_U64F64,
  subU64F64,
  u64f64FromX96F32,
  x96f32FromU64F64,
} from './fixedPoint.ts';

/**
 * `SubnetMovingAlpha` default, `I96F32::saturating_from_num(0.000003)` (lib.rs `DefaultMovingAlpha`): float → fixed
 * rounds to nearest, so the bits are round(0.000003·2^32) = round(12884.90…) = 12885.
 */
export const DEFAULT_MOVING_ALPHA_I96F32 = 12_885n;
/** runtime `InitialEmaPriceHalvingPeriod` (`EMAPriceHalvingBlocks` default): 4 weeks. */
export const DEFAULT_EMA_PRICE_HALVING_BLOCKS = 201_600n;

export interface MovingPriceParams {
  /** `SubnetMovingAlpha` as I96F32 bits. */
  readonly movingAlphaI96F32?: bigint;
  /** `EMAPriceHalvingBlocks[netuid]`. */
  readonly halvingBlocks?: bigint;
}

/**
 * b in `update_moving_price`: current block − (FirstEmissionBlockNumber − 1), saturating at 0; a subnet without a
 * first emission block counts from block 0.
 */
export function blocksSinceStartCall(currentBlock: number, firstEmissionBlock: number | null = null): bigint {
  const start = firstEmissionBlock === null || firstEmissionBlock === 0 ? 0 : firstEmissionBlock - 1;
  return BigInt(currentBlock > start ? currentBlock - start : 0);
}

/** α_eff = SubnetMovingAlpha · b/(b + halving) in U64F64, each step floored as the chain does. */
export function effectiveMovingAlphaU64F64(blocksSinceStart: bigint, params?: MovingPriceParams): bigint {
  // Subnets started together share b, so a block asks for the same α_eff up to 128 times: remember the last one.
  if (params === undefined && blocksSinceStart === lastDefault.b) return lastDefault.alpha;
  const alpha = computeAlpha(blocksSinceStart, params);
  if (params === undefined) lastDefault = { b: blocksSinceStart, alpha };
  return alpha;
}

let lastDefault = { b: -1n, alpha: 0n };

function computeAlpha(blocksSinceStart: bigint, params?: MovingPriceParams): bigint {
  const b = blocksSinceStart << 64n;
  const h = (params?.halvingBlocks ?? DEFAULT_EMA_PRICE_HALVING_BLOCKS) << 64n;
  const ma = u64f64FromX96F32(params?.movingAlphaI96F32 ?? DEFAULT_MOVING_ALPHA_I96F32);
  return mulU64F64(ma, divU64F64(b, addU64F64(b, h)));
}

/**
 * One block of `stake_utils.rs::update_moving_price`, bit-exact in substrate_fixed:
 * EMA' = α_eff · min(spot, 1) + (1 − α_eff) · EMA, computed in U64F64 and stored as I96F32 (the last 32 fractional
 * bits are dropped). Takes and returns `SubnetMovingPrice` bits (I96F32); `spotPriceU64F64` is `current_price`.
 * The chain runs it for every subnet after the coinbase, so this block's shares use last block's EMA.
 */
export function updateMovingPrice(
  movingPriceI96F32: bigint,
  spotPriceU64F64: bigint,
  blocksSinceStart: bigint,
  params?: MovingPriceParams,
): bigint {
  const alpha = effectiveMovingAlphaU64F64(blocksSinceStart, params);
  const spotCapped = spotPriceU64F64 < ONE_U64F64 ? spotPriceU64F64 : ONE_U64F64;
  const fromSpot = mulU64F64(alpha, spotCapped);
  const fromEma = mulU64F64(subU64F64(ONE_U64F64, alpha), u64f64FromX96F32(movingPriceI96F32));
  return x96f32FromU64F64(addU64F64(fromSpot, fromEma));
}

const TWO32 = 2 ** 32;
const TWO64 = 2 ** 64; // exact as a double
/** Slack of the doubles path, in units of the result (its error is below 2^-17: see `movingPriceOnDoubles`). */
const MP_SLACK = 2 ** -15;

/**
 * `updateMovingPrice` with the spot price of `pool` (a dynamic pool: `spotPriceU64F64`), on doubles where the result is
 * certain, else in bigint. The doubles path (`movingPriceOnDoubles`) computes v = (α·min(T/A, 1) + (1 − α)·EMA)/2^32
 * in I96F32 units; the exact result floors v after two inner floors (the spot price's and each product's), which
 * move it down by less than 3·2^-32, and the rounding errors of v stay below 2^-17 for an EMA below 2^33 (price ≤ 2):
 * when [v − 2^-15, v + 2^-15] holds no integer, floor(v) is the chain's value.
 */
export function updateMovingPriceOnPool(
  movingPriceI96F32: bigint,
  taoRao: bigint,
  alphaInRao: bigint,
  blocksSinceStart: bigint,
): bigint {
  const alpha = effectiveMovingAlphaU64F64(blocksSinceStart);
  const fast = movingPriceOnDoubles(movingPriceI96F32, taoRao, alphaInRao, alpha);
  if (fast !== null) return BigInt(fast);
  const spot = alphaInRao === 0n ? 0n : spotFloorU64F64(taoRao, alphaInRao);
  return updateMovingPrice(movingPriceI96F32, spot, blocksSinceStart);
}

/** floor(T·2^64/A) saturated at u128::MAX, as `spotPriceU64F64` of a dynamic pool (A > 0). */
function spotFloorU64F64(taoRao: bigint, alphaInRao: bigint): bigint {
  const q = (taoRao << 64n) / alphaInRao;
  return q > (1n << 128n) - 1n ? (1n << 128n) - 1n : q;
}

/** The doubles path of `updateMovingPriceOnPool`: the new EMA bits, or null when not certain (exported for tests). */
export function movingPriceOnDoubles(mp: bigint, taoRao: bigint, alphaInRao: bigint, alpha: bigint): number | null {
  const m = Number(mp);
  const t = Number(taoRao);
  const a = Number(alphaInRao);
  const al = Number(alpha);
  if (!(m >= 0 && m < 2 ** 33 && a > 0 && t >= 0 && t < 2 ** 53 && a < 2 ** 53 && al >= 0 && al < 2 ** 53)) return null;
  // α·min(spot, 1) in U64F64 units: α itself when the spot price is at least 1 (exactly: the cap is 2^64).
  const fromSpot = t >= a ? al : (al * t) / a;
  const fromEma = ((TWO64 - al) * m) / TWO32;
  const v = (fromSpot + fromEma) / TWO32;
  const f = Math.floor(v - MP_SLACK);
  return f === Math.floor(v + MP_SLACK) ? f : null;
}
