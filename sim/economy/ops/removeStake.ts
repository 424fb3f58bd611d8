import { MAX_SWAP_INPUT_RESERVE_MULTIPLIER, MIN_PRICE_U64F64, PoolError, swapAlphaForTao } from '../pool.ts';
import { addStakeWithShares, removeStake as redeemShares, stakeOf } from '../sharePool.ts';
import {
  type ChainParams,
  type ChainState,
  copyChain,
  copyMap,
  copySubnet,
  findSubnet,
  type SubnetState,
} from '../state.ts';
import { TxError } from '../txError.ts';
import { unstakeAlpha } from '../unstakeAlpha.ts';
import { ensureSubtokenEnabled, MIN_STAKE_RAO } from './addStake.ts';
import { totalStakeForHotkey } from './setChildren.ts';
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
 * and the fee alpha is sold fee-free for the author (see `unstakeAlpha`). A sale the pool refuses is
 * InsufficientLiquidity: the chain's validation simulates that same swap first and maps its error so
 * (stake_utils.rs:1156-1167 for remove_stake, :1295-1298 for a move). A sale that passes but whose fee swap is refused
 * (the sale left the price at the floor) is `SwapFailed`: the chain returns the swap pallet's own error there
 * (`?` at stake_utils.rs:775-780; PriceLimitExceeded, named in the message). `validate` stands for the caller's
 * check of what the simulated sale pays (a minimum): it runs before a fee-swap refusal is reported, as on chain.
 */
export function sellStake(
  subnet: SubnetState,
  params: ChainParams,
  hotkey: string,
  coldkey: string,
  alphaRao: bigint,
  validate?: (taoOutRao: bigint) => void,
): StakeSale {
  const opts = { feeRateU16: params.feeRateU16, minPriceU64F64: MIN_PRICE_U64F64 };
  let sale: ReturnType<typeof unstakeAlpha>;
  try {
    sale = unstakeAlpha(subnet.pool, alphaRao, opts);
  } catch (e) {
    if (!(e instanceof PoolError)) throw e;
    // Which swap refused, in the chain's order: the simulated sale (validation), the validation's minimum on what it
    // pays, and only then the real unstake's fee swap.
    const simulated = simulatedSale(subnet, alphaRao, opts);
    if (simulated === null) throw new TxError('InsufficientLiquidity', e.message);
    validate?.(simulated);
    throw new TxError('SwapFailed', e.message);
  }
  validate?.(sale.taoOutRao);
  const stakes = copyMap(subnet.stakes);
  const after = redeemShares(stakes.get(hotkey)!, coldkey, alphaRao);
  stakes.set(hotkey, addStakeWithShares(after, coldkey, sale.refundAlphaRao));
  return {
    subnet: { ...subnet, pool: sale.pool, stakes, burnedAlphaRao: subnet.burnedAlphaRao + sale.burnedAlphaRao },
    taoOutRao: sale.taoOutRao,
    authorTaoRao: sale.authorTaoRao,
  };
}

/** The TAO the sale alone (the chain's simulated swap, no fee swap after it) pays, or null when the pool refuses it. */
function simulatedSale(
  subnet: SubnetState,
  alphaRao: bigint,
  opts: Parameters<typeof swapAlphaForTao>[2],
): bigint | null {
  try {
    return swapAlphaForTao(subnet.pool, alphaRao, opts).taoOutRao;
  } catch (e) {
    if (e instanceof PoolError) return null;
    throw e;
  }
}

/**
 * `remove_stake` (staking/remove_stake.rs:39-96): sell `alphaRao` of the coldkey's stake on the hotkey back to the
 * pool for TAO; the alpha fee is swapped fee-free for the block author. As on chain:
 * - an amount above the stake held is capped at the stake held (remove_stake.rs:55-57), so asking for more than
 *   one holds unstakes everything;
 * - the sale stops at the price floor 1e-6 TAO/alpha and the unsold alpha stays staked (`sellStake`);
 * - refused (typed `TxError`, nothing changed): subnet unknown or not started, SubtokenDisabled (checked first,
 *   remove_stake.rs:51); on a dynamic subnet more than 1000 × AlphaIn (the capped amount, gross of the fee),
 *   InsufficientLiquidity (`ensure_remove_stake_input_within_swap_limit`, remove_stake.rs:58,409-422); nothing to
 *   unstake, AmountTooLow; a sale the pool refuses, InsufficientLiquidity; a partial unstake paying less than
 *   DefaultMinStake, AmountTooLow (stake_utils.rs:1154-1167; unstaking everything is exempt); a refused fee swap,
 *   SwapFailed (see `sellStake`).
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
  if (!subnet.pool.stable && alphaRao > subnet.pool.alphaInRao * MAX_SWAP_INPUT_RESERVE_MULTIPLIER) {
    throw new TxError('InsufficientLiquidity', `unstaking ${alphaRao} > 1000 × AlphaIn ${subnet.pool.alphaInRao}`);
  }
  if (alphaRao <= 0n) {
    throw new TxError('AmountTooLow', `unstaking ${alphaRao} (asked ${tx.alphaRao}, ${tx.coldkey} holds ${held})`);
  }
  const sale = sellStake(subnet, params, tx.hotkey, tx.coldkey, alphaRao, (taoOutRao) => {
    if (alphaRao < held && taoOutRao < MIN_STAKE_RAO) {
      throw new TxError('AmountTooLow', `partial unstake pays ${taoOutRao} rao < minimum ${MIN_STAKE_RAO}`);
    }
  });
  const sold = withSubnet(state, sale.subnet, [
    [tx.coldkey, sale.taoOutRao],
    [params.authorColdkey, sale.authorTaoRao],
  ]);
  return dropPendingChildrenBelowThreshold(sold, params, tx.hotkey);
}

/**
 * remove_stake.rs:84-89: after an unstake, a hotkey whose total stake (`totalStakeForHotkey`) is below
 * `StakeThreshold` loses its pending children on every subnet (with the default threshold 0, never).
 */
function dropPendingChildrenBelowThreshold(state: ChainState, params: ChainParams, hotkey: string): ChainState {
  if (params.stakeThresholdRao === 0n || !state.subnets.some((s) => s.childkeys.pending.has(hotkey))) return state;
  if (totalStakeForHotkey(state, hotkey) >= params.stakeThresholdRao) return state;
  const next = copyChain(state);
  next.subnets = state.subnets.map((s) => {
    if (!s.childkeys.pending.has(hotkey)) return s;
    const pending = new Map(s.childkeys.pending);
    pending.delete(hotkey);
    const out = copySubnet(s);
    out.childkeys = { ...s.childkeys, pending };
    return out;
  });
  return next;
}
