import { PoolError, type SubnetPool, swapFeeRao, swapTaoForAlpha } from '../pool.ts';
import { addStakeWithShares, EMPTY_STAKE } from '../sharePool.ts';
import { type ChainParams, type ChainState, copyMap, type SubnetState } from '../state.ts';
import { TxError } from '../txError.ts';
import { subnetOf, withSubnet } from './subnetUpdate.ts';

/** `DefaultMinStake` (runtime `SubtensorInitialMinStake`): 0.002 TAO. */
export const MIN_STAKE_RAO = 2_000_000n;

/**
 * `SubtokenEnabled` (lib.rs:2789-2795): false until the owner's start_call (`subnet.rs:393` sets it with
 * `FirstEmissionBlockNumber`), so here: the subnet has a first emission block. Staking, unstaking and moving refuse
 * SubtokenDisabled before it.
 */
export function ensureSubtokenEnabled(subnet: SubnetState): void {
  if (subnet.firstEmissionBlock === null) {
    throw new TxError('SubtokenDisabled', `subnet ${subnet.netuid} has not been started (start_call)`);
  }
}

/**
 * The smallest add_stake: DefaultMinStake plus the swap fee on DefaultMinStake (`validate_add_stake`,
 * `stake_utils.rs:1072-1085`: the fee of a simulated swap of the minimum, which is `calculate_fee_amount`; 0 on a
 * stable pool). 2 001 007 rao at the default fee rate.
 */
export function minimumAddStakeRao(pool: SubnetPool, feeRateU16: number): bigint {
  return pool.stable ? MIN_STAKE_RAO : MIN_STAKE_RAO + swapFeeRao(MIN_STAKE_RAO, feeRateU16);
}

/**
 * `add_stake` (staking/add_stake.rs): swap `taoRao` of the coldkey's free balance into the subnet's alpha through
 * its pool (the fee goes to the block author) and credit the alpha to the coldkey's shares on the hotkey.
 * Refuses (typed `TxError`, nothing changed), in the chain's order (`validate_add_stake`, stake_utils.rs:1057-1133):
 * unknown subnet, subnet not started (SubtokenDisabled), below `minimumAddStakeRao`, beyond the balance, unknown
 * hotkey, a swap the pool refuses, or less than DefaultMinStake entering the pool once the fee is taken.
 */
export function addStake(
  state: ChainState,
  params: ChainParams,
  tx: { readonly coldkey: string; readonly hotkey: string; readonly netuid: number; readonly taoRao: bigint },
): ChainState {
  const subnet = subnetOf(state, tx.netuid);
  ensureSubtokenEnabled(subnet);
  const minimum = minimumAddStakeRao(subnet.pool, params.feeRateU16);
  if (tx.taoRao < minimum) throw new TxError('AmountTooLow', `stake ${tx.taoRao} rao < minimum ${minimum}`);
  const balance = state.balances.get(tx.coldkey) ?? 0n;
  if (balance < tx.taoRao)
    throw new TxError('NotEnoughBalance', `${tx.coldkey} holds ${balance} rao, staking ${tx.taoRao}`);
  if (!state.hotkeys.has(tx.hotkey)) throw new TxError('HotKeyAccountNotExists', `unknown hotkey ${tx.hotkey}`);
  let swap: ReturnType<typeof swapTaoForAlpha>;
  try {
    swap = swapTaoForAlpha(subnet.pool, tx.taoRao, { feeRateU16: params.feeRateU16 });
  } catch (e) {
    if (e instanceof PoolError) throw new TxError('SwapFailed', e.message);
    throw e;
  }
  // stake_utils.rs:1111-1115: the TAO that enters the pool (input less fee) must itself reach the minimum.
  if (swap.taoToReserveRao < MIN_STAKE_RAO) {
    throw new TxError('AmountTooLow', `${swap.taoToReserveRao} rao after the fee < minimum ${MIN_STAKE_RAO}`);
  }
  const stakes = copyMap(subnet.stakes);
  stakes.set(tx.hotkey, addStakeWithShares(stakes.get(tx.hotkey) ?? EMPTY_STAKE, tx.coldkey, swap.alphaOutRao));
  return withSubnet(state, { ...subnet, pool: swap.pool, stakes }, [
    [tx.coldkey, -tx.taoRao],
    [params.authorColdkey, swap.feeTaoRao],
  ]);
}
