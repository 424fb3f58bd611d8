import type { SubnetPool } from './pool.ts';

/**
 * Protocol injection (`run_coinbase.rs::inject_and_maybe_swap`): SubnetTAO += taoRao, SubnetAlphaIn += alphaRao.
 * AlphaOut is untouched (alpha_in is minted straight into the reserve).
 *
 * Approximation: the chain keeps the price and moves the Balancer weight (`balancer.rs::
 * update_weights_for_added_liquidity`, skipping the injection when the weight would leave [0.01, 0.99]). This model
 * keeps weights at 0.5, so the price becomes (y + Δy)/(x + Δx). Callers must inject in proportion to the price, as
 * the coinbase does; then the price moves only by the rounding of Δx: Δx = floor(Δy·x/y) never lowers it and raises
 * it by a relative amount below 1/(x + Δx). The weight bounds never bind then.
 */
export function injectLiquidity(
  pool: SubnetPool,
  taoRao: bigint,
  alphaRao: bigint,
  /** AlphaOut of the result (the coinbase mints into it in the same step); default unchanged. */
  alphaOutRao: bigint = pool.alphaOutRao,
): SubnetPool {
  if (taoRao < 0n || alphaRao < 0n) throw new RangeError(`injectLiquidity: negative amount (${taoRao}, ${alphaRao})`);
  const taoNext = pool.taoRao + taoRao;
  const alphaNext = pool.alphaInRao + alphaRao;
  // Literals of a fixed shape, not a spread (the coinbase calls this for every subnet every block).
  return pool.stable
    ? { taoRao: taoNext, alphaInRao: alphaNext, alphaOutRao, stable: true }
    : { taoRao: taoNext, alphaInRao: alphaNext, alphaOutRao };
}
