import { mulU64F64, u64FromX64F64 } from '../fixedPoint.ts';
import { PoolError, spotPriceU64F64, swapTaoForAlpha } from '../pool.ts';
import { addStakeWithShares, EMPTY_STAKE, removeStake as redeemShares } from '../sharePool.ts';
import { type ChainParams, type ChainState, copyMap, findSubnet } from '../state.ts';
import { TxError } from '../txError.ts';
import { ensureSubtokenEnabled, MIN_STAKE_RAO } from './addStake.ts';
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
 * (`drop_fee_destination`, :347-385). Refuses (typed, nothing changed), as `validate_stake_transition`
 * (stake_utils.rs:1230-1335): an unknown subnet, a subnet not started (SubtokenDisabled), an unknown hotkey, or
 * across subnets a sale paying no more than DefaultMinStake (strictly), AmountTooLow; a refused swap, SwapFailed.
 */
export function moveStake(state: ChainState, params: ChainParams, tx: MoveStakeTx): ChainState {
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
  const sale = sellStake(from, params, tx.fromHotkey, tx.coldkey, alphaRao);
  // The simulated sale (same pool, same fee) must pay strictly more than DefaultMinStake (stake_utils.rs:1293-1302).
  // That also makes the chain's "do not restake below DefaultMinStake" branch (move_stake.rs:371) unreachable here:
  // the origin is never root in this operation, so the real sale pays what the simulated one did.
  if (sale.taoOutRao <= MIN_STAKE_RAO) {
    throw new TxError('AmountTooLow', `moving pays ${sale.taoOutRao} rao, not above ${MIN_STAKE_RAO}`);
  }
  let buy: ReturnType<typeof swapTaoForAlpha>;
  try {
    buy = swapTaoForAlpha(to.pool, sale.taoOutRao, { feeRateU16: params.feeRateU16, dropFees: true });
  } catch (e) {
    if (e instanceof PoolError) throw new TxError('SwapFailed', e.message);
    throw e;
  }
  const stakes = copyMap(to.stakes);
  stakes.set(tx.toHotkey, addStakeWithShares(stakes.get(tx.toHotkey) ?? EMPTY_STAKE, tx.coldkey, buy.alphaOutRao));
  const sold = withSubnet(state, sale.subnet, [[params.authorColdkey, sale.authorTaoRao]]);
  return withSubnet(sold, { ...to, pool: buy.pool, stakes });
}
