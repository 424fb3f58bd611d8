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
