import type { SubnetPool } from './pool.ts';

/**
 * Protocol injection (`run_coinbase.rs::inject_and_maybe_swap`): SubnetTAO += taoRao, SubnetAlphaIn += alphaRao.
 * AlphaOut is untouched (alpha_in is minted straight into the reserve).
 *
 * Approximation: the chain keeps the price and moves the Balancer weight (`balancer.rs::
 * update_weights_for_added_liquidity`, skipping the injection when the weight would leave [0.01, 0.99]). This model
 * keeps weights at 0.5, so the price becomes (y + Δy)/(x + Δx). Callers must inject in proportion to the price, as
 * the coinbase does; then the price moves only by roundings: the coinbase's Δx = floor(Δy·2^32 / floor(y·2^32/x))
 * is at least Δy·x/y (the U96F32 price is floored), so the price falls by a relative ≈ (Δx/x)·2^-32/price an
 * injection (−1.8e-13 a block at a price of 0.003; about 1e-3 a year at 1e-5). Not modelled: a pool whose U96F32
 * price floors to 0 (y = 0, or below 2^-32 TAO an alpha) gets Δx = 0; the chain then moves the weight to keep the
 * price, or refuses the injection when the weight would leave [0.01, 0.99] (Δy > 98·y) and recycles the TAO, where
 * here the TAO goes in and the price rises.
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
