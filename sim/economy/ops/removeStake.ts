import { PoolError } from '../pool.ts';
import { removeStake as redeemShares } from '../sharePool.ts';
import { type ChainParams, type ChainState, copyMap } from '../state.ts';
import { TxError } from '../txError.ts';
import { unstakeAlpha } from '../unstakeAlpha.ts';
import { subnetOf, withdrawable, withSubnet } from './subnetUpdate.ts';

/**
 * `remove_stake` (staking/remove_stake.rs): sell `alphaRao` of the coldkey's stake on the hotkey back to the pool for
 * TAO; the alpha fee is swapped fee-free for the block author. Refuses (typed `TxError`, nothing changed) when the
 * coldkey holds less, or when the pool refuses the swap.
 */
export function removeStake(
  state: ChainState,
  params: ChainParams,
  tx: { readonly coldkey: string; readonly hotkey: string; readonly netuid: number; readonly alphaRao: bigint },
): ChainState {
  const subnet = subnetOf(state, tx.netuid);
  const pool = withdrawable(subnet, tx.hotkey, tx.coldkey, tx.alphaRao, 'unstaking');
  let sale: ReturnType<typeof unstakeAlpha>;
  try {
    sale = unstakeAlpha(subnet.pool, tx.alphaRao, { feeRateU16: params.feeRateU16 });
  } catch (e) {
    if (e instanceof PoolError) throw new TxError('SwapFailed', e.message);
    throw e;
  }
  const stakes = copyMap(subnet.stakes);
  stakes.set(tx.hotkey, redeemShares(pool, tx.coldkey, tx.alphaRao));
  return withSubnet(
    state,
    { ...subnet, pool: sale.pool, stakes, burnedAlphaRao: subnet.burnedAlphaRao + sale.burnedAlphaRao },
    [
      [tx.coldkey, sale.taoOutRao],
      [params.authorColdkey, sale.authorTaoRao],
    ],
  );
}
