import { addStakeWithShares, EMPTY_STAKE, removeStake as redeemShares, stakeOf } from '../sharePool.ts';
import { type ChainState, copyMap } from '../state.ts';
import { TxError } from '../txError.ts';
import { MIN_STAKE_RAO, taoMovedToStake } from './addStake.ts';

/**
 * `add_stake` on root (netuid 0, the stable mechanism): 1 TAO = 1 alpha, no fee. Root stake earns through tao_weight on
 * every subnet where the hotkey validates (root dividends, as claimable alpha). As on chain: no input cap on root
 * (add_stake.rs:195), the minimum is DefaultMinStake itself (the simulated swap's fee is 0 on mechanism 0,
 * stake_utils.rs:1072-1085), and the coldkey keeps the existential deposit (`taoMovedToStake`). Refuses, in
 * `validate_add_stake`'s order (stake_utils.rs:1084-1105): below 0.002 TAO, AmountTooLow; beyond the balance,
 * NotEnoughBalanceToStake; an unknown hotkey, HotKeyAccountNotExists; then nothing movable, InsufficientBalance.
 */
export function addRootStake(
  state: ChainState,
  tx: { readonly coldkey: string; readonly hotkey: string; readonly taoRao: bigint },
): ChainState {
  if (tx.taoRao < MIN_STAKE_RAO) throw new TxError('AmountTooLow', `stake ${tx.taoRao} rao < minimum ${MIN_STAKE_RAO}`);
  const balance = state.balances.get(tx.coldkey) ?? 0n;
  if (balance < tx.taoRao) {
    throw new TxError('NotEnoughBalanceToStake', `${tx.coldkey} holds ${balance} rao, staking ${tx.taoRao}`);
  }
  if (!state.hotkeys.has(tx.hotkey)) throw new TxError('HotKeyAccountNotExists', `unknown hotkey ${tx.hotkey}`);
  const moved = taoMovedToStake(balance, tx.taoRao, tx.coldkey);
  const balances = copyMap(state.balances).set(tx.coldkey, balance - moved);
  const rootStakes = copyMap(state.rootStakes).set(
    tx.hotkey,
    addStakeWithShares(state.rootStakes.get(tx.hotkey) ?? EMPTY_STAKE, tx.coldkey, moved),
  );
  return { ...state, balances, rootStakes, rootTaoRao: state.rootTaoRao + moved };
}

/**
 * `remove_stake` on root, 1:1 and without fee. As on chain (remove_stake.rs:51-68, `validate_remove_stake`
 * stake_utils.rs:1135-1185): the amount is capped at the stake held, so asking for more unstakes everything; no input
 * cap on root (remove_stake.rs:413). Refuses: nothing to unstake, AmountTooLow; a partial unstake of less than
 * DefaultMinStake (the simulated 1:1 swap pays the amount itself), AmountTooLow — unstaking everything is exempt;
 * an unknown hotkey, HotKeyAccountNotExists.
 */
export function removeRootStake(
  state: ChainState,
  tx: { readonly coldkey: string; readonly hotkey: string; readonly taoRao: bigint },
): ChainState {
  const pool = state.rootStakes.get(tx.hotkey);
  const held = pool ? stakeOf(pool, tx.coldkey) : 0n;
  const amount = tx.taoRao < held ? tx.taoRao : held;
  if (amount <= 0n) {
    throw new TxError('AmountTooLow', `unstaking ${amount} (asked ${tx.taoRao}, ${tx.coldkey} holds ${held} on root)`);
  }
  if (amount < held && amount < MIN_STAKE_RAO) {
    throw new TxError('AmountTooLow', `partial root unstake of ${amount} rao < minimum ${MIN_STAKE_RAO}`);
  }
  if (!state.hotkeys.has(tx.hotkey)) throw new TxError('HotKeyAccountNotExists', `unknown hotkey ${tx.hotkey}`);
  const balances = copyMap(state.balances).set(tx.coldkey, (state.balances.get(tx.coldkey) ?? 0n) + amount);
  const rootStakes = copyMap(state.rootStakes).set(tx.hotkey, redeemShares(pool!, tx.coldkey, amount));
  return { ...state, balances, rootStakes, rootTaoRao: state.rootTaoRao - amount };
}
