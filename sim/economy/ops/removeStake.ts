import { MIN_PRICE_U64F64, PoolError } from '../pool.ts';
import { addStakeWithShares, removeStake as redeemShares, stakeOf } from '../sharePool.ts';
import { type ChainParams, type ChainState, copyMap, findSubnet, type SubnetState } from '../state.ts';
import { TxError } from '../txError.ts';
import { unstakeAlpha } from '../unstakeAlpha.ts';
import { ensureSubtokenEnabled, MIN_STAKE_RAO } from './addStake.ts';
import { withSubnet } from './subnetUpdate.ts';

/** The alpha a coldkey holds on a hotkey in a subnet (0 when none). */
export function heldAlpha(subnet: SubnetState | undefined, hotkey: string, coldkey: string): bigint {
  const pool = subnet?.stakes.get(hotkey);
  return pool ? stakeOf(pool, coldkey) : 0n;
}

export interface StakeSale {
  /** The subnet after the sale: pool, stakes (less the alpha sold, plus any refund), burned fee alpha. */
  readonly subnet: SubnetState;
  /** TAO the coldkey receives. */
  readonly taoOutRao: bigint;
  /** TAO the block author receives for the fee. */
  readonly authorTaoRao: bigint;
}

/**
 * `unstake_from_subnet` (stake_utils.rs:742-848) for `alphaRao` (≤ the stake held, > 0): the alpha leaves the
 * coldkey's stake and is sold down to the price floor (`MIN_PRICE_U64F64`), the unsold part comes back to the stake,
 * and the fee alpha is sold fee-free for the author (see `unstakeAlpha`). A refused swap is `SwapFailed`.
 */
export function sellStake(
  subnet: SubnetState,
  params: ChainParams,
  hotkey: string,
  coldkey: string,
  alphaRao: bigint,
): StakeSale {
  let sale: ReturnType<typeof unstakeAlpha>;
  try {
    sale = unstakeAlpha(subnet.pool, alphaRao, { feeRateU16: params.feeRateU16, minPriceU64F64: MIN_PRICE_U64F64 });
  } catch (e) {
    if (e instanceof PoolError) throw new TxError('SwapFailed', e.message);
    throw e;
  }
  const stakes = copyMap(subnet.stakes);
  const after = redeemShares(stakes.get(hotkey)!, coldkey, alphaRao);
  stakes.set(hotkey, addStakeWithShares(after, coldkey, sale.refundAlphaRao));
  return {
    subnet: { ...subnet, pool: sale.pool, stakes, burnedAlphaRao: subnet.burnedAlphaRao + sale.burnedAlphaRao },
    taoOutRao: sale.taoOutRao,
    authorTaoRao: sale.authorTaoRao,
  };
}

/**
 * `remove_stake` (staking/remove_stake.rs:39-96): sell `alphaRao` of the coldkey's stake on the hotkey back to the
 * pool for TAO; the alpha fee is swapped fee-free for the block author. As on chain:
 * - an amount above the stake held is capped at the stake held (remove_stake.rs:55-57), so asking for more than
 *   one holds unstakes everything;
 * - the sale stops at the price floor 1e-6 TAO/alpha and the unsold alpha stays staked (`sellStake`);
 * - refused (typed `TxError`, nothing changed): subnet unknown or not started, SubtokenDisabled (checked first,
 *   remove_stake.rs:51); nothing to unstake, AmountTooLow; a partial unstake paying less than DefaultMinStake,
 *   AmountTooLow (stake_utils.rs:1154-1167; unstaking everything is exempt); a refused swap, SwapFailed.
 */
export function removeStake(
  state: ChainState,
  params: ChainParams,
  tx: { readonly coldkey: string; readonly hotkey: string; readonly netuid: number; readonly alphaRao: bigint },
): ChainState {
  const subnet = findSubnet(state.subnets, tx.netuid);
  if (!subnet) throw new TxError('SubtokenDisabled', `no subnet ${tx.netuid}`);
  ensureSubtokenEnabled(subnet);
  const held = heldAlpha(subnet, tx.hotkey, tx.coldkey);
  const alphaRao = tx.alphaRao < held ? tx.alphaRao : held;
  if (alphaRao <= 0n) {
    throw new TxError('AmountTooLow', `unstaking ${alphaRao} (asked ${tx.alphaRao}, ${tx.coldkey} holds ${held})`);
  }
  const sale = sellStake(subnet, params, tx.hotkey, tx.coldkey, alphaRao);
  if (alphaRao < held && sale.taoOutRao < MIN_STAKE_RAO) {
    throw new TxError('AmountTooLow', `partial unstake pays ${sale.taoOutRao} rao < minimum ${MIN_STAKE_RAO}`);
  }
  return withSubnet(state, sale.subnet, [
    [tx.coldkey, sale.taoOutRao],
    [params.authorColdkey, sale.authorTaoRao],
  ]);
}
