import { addStakeWithShares, EMPTY_STAKE, removeStake as redeemShares, stakeOf } from '../sharePool.ts';
import { type ChainState, copyMap } from '../state.ts';
import { TxError } from '../txError.ts';
import { MIN_STAKE_RAO } from './addStake.ts';

/**
 * Staking TAO on root (netuid 0, the stable mechanism): 1 TAO = 1 alpha, no fee. Root stake earns through
 * tao_weight on every subnet where the hotkey validates (root dividends, as claimable alpha).
 */
export function addRootStake(
  state: ChainState,
  tx: { readonly coldkey: string; readonly hotkey: string; readonly taoRao: bigint },
): ChainState {
  if (!state.hotkeys.has(tx.hotkey)) throw new TxError('HotKeyAccountNotExists', `unknown hotkey ${tx.hotkey}`);
  if (tx.taoRao < MIN_STAKE_RAO) throw new TxError('AmountTooLow', `stake ${tx.taoRao} rao < minimum ${MIN_STAKE_RAO}`);
  const balance = state.balances.get(tx.coldkey) ?? 0n;
  if (balance < tx.taoRao)
    throw new TxError('NotEnoughBalance', `${tx.coldkey} holds ${balance} rao, staking ${tx.taoRao}`);
  const balances = copyMap(state.balances).set(tx.coldkey, balance - tx.taoRao);
  const rootStakes = copyMap(state.rootStakes).set(
    tx.hotkey,
    addStakeWithShares(state.rootStakes.get(tx.hotkey) ?? EMPTY_STAKE, tx.coldkey, tx.taoRao),
  );
  return { ...state, balances, rootStakes, rootTaoRao: state.rootTaoRao + tx.taoRao };
}

export function removeRootStake(
  state: ChainState,
  tx: { readonly coldkey: string; readonly hotkey: string; readonly taoRao: bigint },
): ChainState {
  const pool = state.rootStakes.get(tx.hotkey);
  const held = pool ? stakeOf(pool, tx.coldkey) : 0n;
  if (tx.taoRao <= 0n) throw new TxError('AmountTooLow', `unstake amount must be positive, got ${tx.taoRao}`);
  if (!pool || held < tx.taoRao)
    throw new TxError('NotEnoughStakeToWithdraw', `${tx.coldkey} holds ${held} on root via ${tx.hotkey}`);
  const balances = copyMap(state.balances).set(tx.coldkey, (state.balances.get(tx.coldkey) ?? 0n) + tx.taoRao);
  const rootStakes = copyMap(state.rootStakes).set(tx.hotkey, redeemShares(pool, tx.coldkey, tx.taoRao));
  return { ...state, balances, rootStakes, rootTaoRao: state.rootTaoRao - tx.taoRao };
}
