import { MAX_SWAP_INPUT_RESERVE_MULTIPLIER, PoolError, type SubnetPool, swapFeeRao, swapTaoForAlpha } from '../pool.ts';
import { addStakeWithShares, EMPTY_STAKE } from '../sharePool.ts';
import { type ChainParams, type ChainState, copyMap, findSubnet, type SubnetState } from '../state.ts';
import { TxError } from '../txError.ts';
import { subnetOf, withSubnet } from './subnetUpdate.ts';

/** `DefaultMinStake` (runtime `SubtensorInitialMinStake`): 0.002 TAO. */
export const MIN_STAKE_RAO = 2_000_000n;

/** Runtime `ExistentialDeposit` (runtime/src/lib.rs:475): 500 rao. */
export const EXISTENTIAL_DEPOSIT_RAO = 500n;

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
 * The TAO a stake actually moves off the coldkey (`transfer_tao_to_subnet`, coinbase/tao.rs:134-167): at most what
 * leaves the existential deposit on the account (`reducible_balance(Preserve)` = free − 500 rao), so staking the
 * whole balance stakes 500 rao less and keeps the account alive. Nothing movable: InsufficientBalance (tao.rs:154-157).
 * The validation before it (`can_remove_balance_from_coldkey_account`, tao.rs:221-226) compares with the full
 * balance (`Expendable`), so the request itself may be the whole balance.
 */
export function taoMovedToStake(balanceRao: bigint, requestedRao: bigint, coldkey: string): bigint {
  const preserving = balanceRao > EXISTENTIAL_DEPOSIT_RAO ? balanceRao - EXISTENTIAL_DEPOSIT_RAO : 0n;
  const moved = requestedRao < preserving ? requestedRao : preserving;
  if (moved <= 0n) {
    throw new TxError('InsufficientBalance', `${coldkey} holds ${balanceRao} rao, all of it the existential deposit`);
  }
  return moved;
}

/**
 * `add_stake` (staking/add_stake.rs:39-73): swap `taoRao` of the coldkey's free balance into the subnet's alpha through
 * its pool (the fee goes to the block author) and credit the alpha to the coldkey's shares on the hotkey. As on chain,
 * the coldkey keeps the existential deposit: staking the whole balance stakes 500 rao less (`taoMovedToStake`).
 * Refuses (typed `TxError`, nothing changed), in the chain's order: more than 1000 × the pool's TAO, gross of the fee
 * (InsufficientLiquidity, `ensure_add_stake_input_within_swap_limit`, add_stake.rs:191-204; dynamic subnets only),
 * then `validate_add_stake` (stake_utils.rs:1057-1131): unknown subnet, subnet not started (SubtokenDisabled), below
 * `minimumAddStakeRao` (AmountTooLow), beyond the balance (NotEnoughBalanceToStake), unknown hotkey, a simulated
 * swap the pool refuses or that buys nothing (InsufficientLiquidity), less than DefaultMinStake entering the pool
 * once the fee is taken (AmountTooLow).
 */
export function addStake(
  state: ChainState,
  params: ChainParams,
  tx: { readonly coldkey: string; readonly hotkey: string; readonly netuid: number; readonly taoRao: bigint },
): ChainState {
  // An unknown netuid has SubnetMechanism 0 (the storage default), so the cap is skipped and validation names it.
  const known = findSubnet(state.subnets, tx.netuid);
  if (known && !known.pool.stable && tx.taoRao > known.pool.taoRao * MAX_SWAP_INPUT_RESERVE_MULTIPLIER) {
    throw new TxError('InsufficientLiquidity', `stake ${tx.taoRao} rao > 1000 × pool TAO ${known.pool.taoRao}`);
  }
  const subnet = subnetOf(state, tx.netuid);
  ensureSubtokenEnabled(subnet);
  const minimum = minimumAddStakeRao(subnet.pool, params.feeRateU16);
  if (tx.taoRao < minimum) throw new TxError('AmountTooLow', `stake ${tx.taoRao} rao < minimum ${minimum}`);
  const balance = state.balances.get(tx.coldkey) ?? 0n;
  if (balance < tx.taoRao) {
    throw new TxError('NotEnoughBalanceToStake', `${tx.coldkey} holds ${balance} rao, staking ${tx.taoRao}`);
  }
  if (!state.hotkeys.has(tx.hotkey)) throw new TxError('HotKeyAccountNotExists', `unknown hotkey ${tx.hotkey}`);
  const opts = { feeRateU16: params.feeRateU16 };
  let swap: ReturnType<typeof swapTaoForAlpha>;
  try {
    // validate_add_stake's simulated swap of the requested amount (stake_utils.rs:1107-1109).
    swap = swapTaoForAlpha(subnet.pool, tx.taoRao, opts);
  } catch (e) {
    if (e instanceof PoolError) throw new TxError('InsufficientLiquidity', e.message);
    throw e;
  }
  // stake_utils.rs:1111-1115: the TAO that enters the pool (input less fee) must itself reach the minimum.
  if (swap.taoToReserveRao < MIN_STAKE_RAO) {
    throw new TxError('AmountTooLow', `${swap.taoToReserveRao} rao after the fee < minimum ${MIN_STAKE_RAO}`);
  }
  // stake_into_subnet (stake_utils.rs:851-869): the transfer keeps the existential deposit, and the swap is of what
  // was transferred; its own errors are the swap pallet's (SwapFailed), and buying nothing is AmountTooLow.
  const moved = taoMovedToStake(balance, tx.taoRao, tx.coldkey);
  if (moved !== tx.taoRao) {
    try {
      swap = swapTaoForAlpha(subnet.pool, moved, opts);
    } catch (e) {
      if (e instanceof PoolError) throw new TxError('SwapFailed', e.message);
      throw e;
    }
    if (swap.alphaOutRao === 0n) throw new TxError('AmountTooLow', `${moved} rao buys no alpha`);
  }
  const stakes = copyMap(subnet.stakes);
  stakes.set(tx.hotkey, addStakeWithShares(stakes.get(tx.hotkey) ?? EMPTY_STAKE, tx.coldkey, swap.alphaOutRao));
  return withSubnet(state, { ...subnet, pool: swap.pool, stakes }, [
    [tx.coldkey, -moved],
    [params.authorColdkey, swap.feeTaoRao],
  ]);
}
