import {
  addU64F64,
  divU64F64,
  mulU64F64,
  ONE_U64F64,
  subU64F64,
  u64f64FromX96F32,
  x96f32FromU64F64,
} from './fixedPoint.ts';
import { type SubnetPool, spotPriceU64F64 } from './pool.ts';

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
  return BigInt(blocksSince(currentBlock, firstEmissionBlock));
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

const TWO32 = 4294967296;
const TWO53 = 2 ** 53;
const ONE_I96F32 = 1n << 32n;
const DOUBLE_LIMIT = 1n << 53n;

/** `blocksSinceStartCall` as a number (no bigint: the doubles path takes it as is). */
function blocksSince(currentBlock: number, firstEmissionBlock: number | null): number {
  const start = firstEmissionBlock === null || firstEmissionBlock === 0 ? 0 : firstEmissionBlock - 1;
  return currentBlock > start ? currentBlock - start : 0;
}

/** Moving-price updates computed on doubles, and those handed to the bigint path (for tests). */
export const movingPriceFastStats = { taken: 0, refused: 0 };

/** α_eff (default parameters) for the last b asked, as a double (exact: α_eff < 2^46). */
let lastAlphaB = -1;
let lastAlphaValue = 0;

const MOVING_ALPHA_BITS = Number(DEFAULT_MOVING_ALPHA_I96F32);
const HALVING_BLOCKS = Number(DEFAULT_EMA_PRICE_HALVING_BLOCKS);

/**
 * `effectiveMovingAlphaU64F64(b)` for the default parameters on doubles, or −1 when its floor is not certain (then
 * bigint: b's α changes every block, and in bigint it is five allocating operations). With q = floor(2^64·b/(b + h))
 * (the U64F64 quotient) and the moving alpha 12885·2^32 in U64F64 bits, α = floor(12885·q/2^32), where 12885·q/2^32
 * lies in (y − 12885/2^32, y] for y = 12885·b·2^32/(b + h); the numerator is exact (12885·b < 2^53 for b < 2^39), so
 * y in doubles errs by a relative 2^-53 at most (allowed: 2^-51).
 */
export function defaultMovingAlphaOnDoubles(b: number): number {
  if (!(Number.isInteger(b) && b >= 0 && b < 2 ** 39)) return -1;
  const y = (MOVING_ALPHA_BITS * b * TWO32) / (b + HALVING_BLOCKS);
  const alpha = Math.floor(y * (1 - 2 ** -51) - MOVING_ALPHA_BITS / TWO32);
  return alpha === Math.floor(y * (1 + 2 ** -51)) && alpha >= 0 ? alpha : -1;
}

/**
 * One block of `updateMovingPrice` for a subnet's pool (its `spotPriceU64F64`, the default moving-price parameters),
 * the same bits, on doubles where that is exact or certain — the coinbase runs it for every subnet every block, and
 * in bigint it is ten allocations. With spot s = floor(t·2^64/a) (t TAO, a alpha reserve, t < a; else s ≥ 1 is
 * capped and the α·s term is α), E the moving price (I96F32 bits, 0 ≤ E ≤ 2^32) and α = α_eff (U64F64, < 2^46):
 * - α·s/2^64 lies in (α·t/a − 2^-18, α·t/a]; z = α·t/a in doubles (two roundings) has a relative error below
 *   2^-52: the floor is certain when floor(z ± (z·2^-50 + 2^-17)) agree;
 * - (2^64 − α)·E·2^32 / 2^64 floored is E·2^32 − ceil(α·E/2^32); w = α·E/2^32 in doubles (one rounding) errs by a
 *   relative 2^-53 at most (none when α·E is below 2^53 or E = 2^32): certain when ceil(w ± (w·2^-51 + 2^-30)) agree;
 * - the sum shifted right by 32 is E + floor((floor(α·s/2^64) − ceil(α·E/2^32)) / 2^32), exact (|·| < 2^47).
 * Elsewhere — reserves from 2^53 rao, a moving price above 1 or negative, an empty reserve, an uncertain floor — the
 * bigint path. `test/economy/movingPrice.test.ts` compares both.
 */
export function nextMovingPrice(
  movingPriceI96F32: bigint,
  pool: SubnetPool,
  currentBlock: number,
  firstEmissionBlock: number | null,
): bigint {
  const b = blocksSince(currentBlock, firstEmissionBlock);
  if (b !== lastAlphaB) {
    lastAlphaB = b;
    lastAlphaValue = defaultMovingAlphaOnDoubles(b);
    if (lastAlphaValue < 0) lastAlphaValue = Number(effectiveMovingAlphaU64F64(BigInt(b)));
  }
  const fast = pool.stable ? -1 : movingPriceOnDoubles(movingPriceI96F32, pool.taoRao, pool.alphaInRao, lastAlphaValue);
  if (fast >= 0) {
    movingPriceFastStats.taken++;
    return BigInt(fast);
  }
  movingPriceFastStats.refused++;
  return updateMovingPrice(movingPriceI96F32, spotPriceU64F64(pool), BigInt(b));
}

/** The doubles path of `nextMovingPrice`: the new moving price bits, or −1 (use bigint). */
function movingPriceOnDoubles(mp: bigint, taoRao: bigint, alphaInRao: bigint, alpha: number): number {
  if (!(mp >= 0n && mp <= ONE_I96F32 && taoRao < DOUBLE_LIMIT && alphaInRao < DOUBLE_LIMIT && alphaInRao > 0n))
    return -1;
  const t = Number(taoRao);
  const a = Number(alphaInRao);
  const e = Number(mp);
  let fromSpot = alpha; // s capped at 1 (t ≥ a): α·1
  if (t === 0) fromSpot = 0;
  else if (t < a) {
    const z = (alpha * t) / a;
    const m = z * 2 ** -50 + 2 ** -17;
    fromSpot = Math.floor(z - m);
    if (fromSpot !== Math.floor(z + m)) return -1;
  }
  // α·E is exact below 2^53 and for E = 2^32 (a moving price of 1): then no margin.
  const p = alpha * e;
  const w = p / TWO32;
  let fromEma = Math.ceil(w);
  if (p > TWO53 && e !== TWO32) {
    const m = w * 2 ** -51 + 2 ** -30;
    fromEma = Math.ceil(w - m);
    if (fromEma !== Math.ceil(w + m)) return -1;
  }
  const next = e + Math.floor((fromSpot - fromEma) / TWO32);
  return next >= 0 && next < TWO53 ? next : -1;
}
