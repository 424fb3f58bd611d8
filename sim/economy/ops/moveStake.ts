import { addStakeWithShares, EMPTY_STAKE, removeStake as redeemShares } from '../sharePool.ts';
import { type ChainParams, type ChainState, copyMap } from '../state.ts';
import { TxError } from '../txError.ts';
import { addStake } from './addStake.ts';
import { removeStake } from './removeStake.ts';
import { subnetOf, withdrawable, withSubnet } from './subnetUpdate.ts';

export interface MoveStakeTx {
  readonly coldkey: string;
  readonly fromHotkey: string;
  readonly toHotkey: string;
  readonly fromNetuid: number;
  readonly toNetuid: number;
  readonly alphaRao: bigint;
}

/**
 * `move_stake` (staking/move_stake.rs): within one subnet the alpha changes hotkey without touching the pool
 * (a share transfer); across subnets it is sold for TAO and the TAO staked on the other subnet (two swaps, two fees).
 * Refuses (typed, nothing changed) as the parts would.
 */
export function moveStake(state: ChainState, params: ChainParams, tx: MoveStakeTx): ChainState {
  if (!state.hotkeys.has(tx.toHotkey)) throw new TxError('HotKeyAccountNotExists', `unknown hotkey ${tx.toHotkey}`);
  if (tx.fromNetuid === tx.toNetuid) {
    const subnet = subnetOf(state, tx.fromNetuid);
    const from = withdrawable(subnet, tx.fromHotkey, tx.coldkey, tx.alphaRao, 'moving');
    const stakes = copyMap(subnet.stakes);
    stakes.set(tx.fromHotkey, redeemShares(from, tx.coldkey, tx.alphaRao));
    stakes.set(tx.toHotkey, addStakeWithShares(stakes.get(tx.toHotkey) ?? EMPTY_STAKE, tx.coldkey, tx.alphaRao));
    return withSubnet(state, { ...subnet, stakes });
  }
  const before = state.balances.get(tx.coldkey) ?? 0n;
  const sold = removeStake(state, params, {
    coldkey: tx.coldkey,
    hotkey: tx.fromHotkey,
    netuid: tx.fromNetuid,
    alphaRao: tx.alphaRao,
  });
  const taoRao = (sold.balances.get(tx.coldkey) ?? 0n) - before;
  return addStake(sold, params, { coldkey: tx.coldkey, hotkey: tx.toHotkey, netuid: tx.toNetuid, taoRao });
}
