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
  /** Fee alpha burned when there is no author: it stays in AlphaOut (`burn_subnet_alpha` keeps the issuance). */
  readonly burnedAlphaRao: bigint;
}

/**
 * Selling alpha as `stake_utils.rs::unstake_from_subnet` does (without a price limit): swap the alpha, then swap the
 * fee alpha fee-free to TAO on the moved pool and pay that to the author (spec §3.2), which moves the price a
 * little more. Like the chain, a fee whose swap yields 0 TAO (or a TAO reserve under the minimum) refuses the whole
 * unstake with `ReservesTooLow`. The chain's fee swap uses the min price limit (1e-6 TAO/alpha), not modelled.
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
    };
  }
  const feeSale = swapAlphaForTao(sale.pool, sale.feeAlphaRao, { ...opts, dropFees: true });
  return {
    pool: feeSale.pool,
    taoOutRao: sale.taoOutRao,
    feeAlphaRao: sale.feeAlphaRao,
    authorTaoRao: feeSale.taoOutRao,
    burnedAlphaRao: 0n,
  };
}
