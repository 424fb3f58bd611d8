import { mulU64F64, u64FromX64F64 } from '../fixedPoint.ts';
import { PoolError, spotPriceU64F64, swapTaoForAlpha } from '../pool.ts';
import { addStakeWithShares, EMPTY_STAKE, removeStake as redeemShares } from '../sharePool.ts';
import { type ChainParams, type ChainState, copyMap, findSubnet } from '../state.ts';
import { TxError } from '../txError.ts';
import { ensureSubtokenEnabled, MIN_STAKE_RAO, taoMovedToStake } from './addStake.ts';
import { heldAlpha, sellStake } from './removeStake.ts';
import { subnetOf, withSubnet } from './subnetUpdate.ts';

export interface MoveStakeTx {
  readonly coldkey: string;
  readonly fromHotkey: string;
  readonly toHotkey: string;
  readonly fromNetuid: number;
  readonly toNetuid: number;
  readonly alphaRao: bigint;
}

/**
 * `move_stake` (staking/move_stake.rs, `transition_stake_internal` :294-385). The amount is first capped at the
 * stake held (:306-313). Within one subnet the alpha changes hotkey without touching the pool (a share transfer),
 * and its value at the spot price must be at least DefaultMinStake (`transfer_stake_within_subnet`,
 * stake_utils.rs:1000-1011). Across subnets it is sold as `remove_stake` sells (fee to the author, price floor, any
 * unsold alpha stays on the origin) and the TAO bought into the destination fee-free: one fee, not two
 * (`drop_fee_destination`, :347-385); the coldkey keeps the existential deposit on the way (`taoMovedToStake`).
 * Refuses (typed, nothing changed), as `validate_stake_transition` (stake_utils.rs:1230-1335): the same hotkey on the
 * same subnet (SameNetuid), an unknown subnet, a subnet not started (SubtokenDisabled), an unknown hotkey, or across
 * subnets a sale the pool refuses (InsufficientLiquidity) or paying no more than DefaultMinStake (strictly,
 * AmountTooLow); then a refused fee swap or destination buy, SwapFailed (the swap pallet's error, named in the
 * message).
 */
export function moveStake(state: ChainState, params: ChainParams, tx: MoveStakeTx): ChainState {
  // validate_stake_transition's first check (stake_utils.rs:1243-1245): one coldkey here, so the same hotkey and the
  // same subnet is no transition at all.
  if (tx.fromHotkey === tx.toHotkey && tx.fromNetuid === tx.toNetuid) {
    throw new TxError('SameNetuid', `moving ${tx.fromHotkey}'s stake to itself on subnet ${tx.fromNetuid}`);
  }
  const held = heldAlpha(findSubnet(state.subnets, tx.fromNetuid), tx.fromHotkey, tx.coldkey);
  const alphaRao = tx.alphaRao < held ? tx.alphaRao : held;
  const from = subnetOf(state, tx.fromNetuid);
  const to = tx.toNetuid === tx.fromNetuid ? from : subnetOf(state, tx.toNetuid);
  ensureSubtokenEnabled(from);
  ensureSubtokenEnabled(to);
  if (!state.hotkeys.has(tx.fromHotkey)) throw new TxError('HotKeyAccountNotExists', `unknown hotkey ${tx.fromHotkey}`);
  if (!state.hotkeys.has(tx.toHotkey)) throw new TxError('HotKeyAccountNotExists', `unknown hotkey ${tx.toHotkey}`);
  if (tx.fromNetuid === tx.toNetuid) {
    // tao_equivalent = floor(current_price · alpha) in U64F64 (stake_utils.rs:998-1011).
    const taoEquivalent = u64FromX64F64(mulU64F64(spotPriceU64F64(from.pool), alphaRao > 0n ? alphaRao << 64n : 0n));
    if (taoEquivalent < MIN_STAKE_RAO) {
      throw new TxError('AmountTooLow', `moving ${alphaRao} alpha worth ${taoEquivalent} rao < ${MIN_STAKE_RAO}`);
    }
    const stakes = copyMap(from.stakes);
    stakes.set(tx.fromHotkey, redeemShares(stakes.get(tx.fromHotkey)!, tx.coldkey, alphaRao));
    stakes.set(tx.toHotkey, addStakeWithShares(stakes.get(tx.toHotkey) ?? EMPTY_STAKE, tx.coldkey, alphaRao));
    return withSubnet(state, { ...from, stakes });
  }
  if (alphaRao <= 0n) throw new TxError('AmountTooLow', `moving ${alphaRao} (${tx.coldkey} holds ${held})`);
  // The simulated sale (same pool, same fee) must pay strictly more than DefaultMinStake (stake_utils.rs:1293-1302).
  // That also makes the chain's "do not restake below DefaultMinStake" branch (move_stake.rs:371) unreachable here:
  // the origin is never root in this operation, so the real sale pays what the simulated one did.
  const sale = sellStake(from, params, tx.fromHotkey, tx.coldkey, alphaRao, (taoOutRao) => {
    if (taoOutRao <= MIN_STAKE_RAO) {
      throw new TxError('AmountTooLow', `moving pays ${taoOutRao} rao, not above ${MIN_STAKE_RAO}`);
    }
  });
  // stake_into_subnet (stake_utils.rs:851-869): the TAO goes back from the coldkey, which keeps the existential
  // deposit (a coldkey holding under 500 rao keeps the difference out of the sale); the buy's own errors are the swap
  // pallet's (SwapFailed), and buying nothing is AmountTooLow.
  const moved = taoMovedToStake((state.balances.get(tx.coldkey) ?? 0n) + sale.taoOutRao, sale.taoOutRao, tx.coldkey);
  let buy: ReturnType<typeof swapTaoForAlpha>;
  try {
    buy = swapTaoForAlpha(to.pool, moved, { feeRateU16: params.feeRateU16, dropFees: true });
  } catch (e) {
    if (e instanceof PoolError) throw new TxError('SwapFailed', e.message);
    throw e;
  }
  if (buy.alphaOutRao === 0n) throw new TxError('AmountTooLow', `${moved} rao buys no alpha on subnet ${tx.toNetuid}`);
  const stakes = copyMap(to.stakes);
  stakes.set(tx.toHotkey, addStakeWithShares(stakes.get(tx.toHotkey) ?? EMPTY_STAKE, tx.coldkey, buy.alphaOutRao));
  const sold = withSubnet(state, sale.subnet, [
    [params.authorColdkey, sale.authorTaoRao],
    [tx.coldkey, sale.taoOutRao - moved],
  ]);
  return withSubnet(sold, { ...to, pool: buy.pool, stakes });
}
