import { type SubnetPool, type SwapOptions, swapAlphaForTao } from './pool.ts';

export interface UnstakeOptions extends SwapOptions {
  /** Whether the block has an author to pay. Default true. */
  readonly hasAuthor?: boolean;
}

export interface Unstaked {
  readonly pool: SubnetPool;
  /** TAO paid to the unstaker. */
  readonly taoOutRao: bigint;
  /** Alpha taken as the swap fee. */
  readonly feeAlphaRao: bigint;
  /** TAO paid to the block author for the fee (0 without an author). */
  readonly authorTaoRao: bigint;
  /**
   * Alpha left in AlphaOut and owned by nobody: the whole fee without an author (`burn_subnet_alpha` keeps the
   * issuance), or the part of the author's fee swap that the price floor left unsold.
   */
  readonly burnedAlphaRao: bigint;
  /** Alpha not sold because the price floor was reached: the chain gives it back to the seller's stake. */
  readonly refundAlphaRao: bigint;
}

/**
 * Selling alpha as `stake_utils.rs::unstake_from_subnet` does: swap the alpha, then swap the fee alpha fee-free to
 * TAO on the moved pool and pay that to the author (spec §3.2), which moves the price a little more. Like the chain,
 * a fee whose swap yields 0 TAO (or a TAO reserve under the minimum) refuses the whole unstake with `ReservesTooLow`.
 * With `minPriceU64F64` (the chain's sells pass `MIN_PRICE_U64F64`, `stake_utils.rs:755,775-779`) both swaps stop at
 * that price: the unsold part of the sale is `refundAlphaRao` (`stake_utils.rs:757-766`), the unsold part of the fee
 * stays in AlphaOut unowned, and a pool already at the floor when the fee swap runs refuses the whole unstake
 * (`PriceLimitExceeded`, as the chain's `?` on that swap does).
 */
export function unstakeAlpha(pool: SubnetPool, alphaRao: bigint, opts?: UnstakeOptions): Unstaked {
  const sale = swapAlphaForTao(pool, alphaRao, opts);
  if (opts?.hasAuthor === false) {
    return {
      pool: sale.pool,
      taoOutRao: sale.taoOutRao,
      feeAlphaRao: sale.feeAlphaRao,
      authorTaoRao: 0n,
      burnedAlphaRao: sale.feeAlphaRao,
      refundAlphaRao: sale.alphaUnfilledRao,
    };
  }
  const feeSale = swapAlphaForTao(sale.pool, sale.feeAlphaRao, { ...opts, dropFees: true });
  return {
    pool: feeSale.pool,
    taoOutRao: sale.taoOutRao,
    feeAlphaRao: sale.feeAlphaRao,
    authorTaoRao: feeSale.taoOutRao,
    burnedAlphaRao: feeSale.alphaUnfilledRao,
    refundAlphaRao: sale.alphaUnfilledRao,
  };
}
