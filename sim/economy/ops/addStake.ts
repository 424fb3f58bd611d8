import { PoolError, swapTaoForAlpha } from '../pool.ts';
import { addStakeWithShares, EMPTY_STAKE } from '../sharePool.ts';
import { type ChainParams, type ChainState, copyMap } from '../state.ts';
import { TxError } from '../txError.ts';
import { subnetOf, withSubnet } from './subnetUpdate.ts';

/** `DefaultMinStake` (runtime `SubtensorInitialMinStake`): 0.002 TAO. */
export const MIN_STAKE_RAO = 2_000_000n;

/**
 * `add_stake` (staking/add_stake.rs): swap `taoRao` of the coldkey's free balance into the subnet's alpha through
 * its pool (the fee goes to the block author) and credit the alpha to the coldkey's shares on the hotkey.
 * Refuses (typed `TxError`, nothing changed) below the minimum stake, beyond the balance, for an unknown hotkey
 * or subnet, or when the pool refuses the swap.
 */
export function addStake(
  state: ChainState,
  params: ChainParams,
  tx: { readonly coldkey: string; readonly hotkey: string; readonly netuid: number; readonly taoRao: bigint },
): ChainState {
  const subnet = subnetOf(state, tx.netuid);
  if (!state.hotkeys.has(tx.hotkey)) throw new TxError('HotKeyAccountNotExists', `unknown hotkey ${tx.hotkey}`);
  if (tx.taoRao < MIN_STAKE_RAO) throw new TxError('AmountTooLow', `stake ${tx.taoRao} rao < minimum ${MIN_STAKE_RAO}`);
  const balance = state.balances.get(tx.coldkey) ?? 0n;
  if (balance < tx.taoRao)
    throw new TxError('NotEnoughBalance', `${tx.coldkey} holds ${balance} rao, staking ${tx.taoRao}`);
  let swap: ReturnType<typeof swapTaoForAlpha>;
  try {
    swap = swapTaoForAlpha(subnet.pool, tx.taoRao, { feeRateU16: params.feeRateU16 });
  } catch (e) {
    if (e instanceof PoolError) throw new TxError('SwapFailed', e.message);
    throw e;
  }
  const stakes = copyMap(subnet.stakes);
  stakes.set(tx.hotkey, addStakeWithShares(stakes.get(tx.hotkey) ?? EMPTY_STAKE, tx.coldkey, swap.alphaOutRao));
  return withSubnet(state, { ...subnet, pool: swap.pool, stakes }, [
    [tx.coldkey, -tx.taoRao],
    [params.authorColdkey, swap.feeTaoRao],
  ]);
}
