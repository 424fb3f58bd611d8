import { PoolError, swapAlphaForTao } from '../pool.ts';
import { addStakeWithShares, EMPTY_STAKE, stakeOf } from '../sharePool.ts';
import type { ChainParams, ChainState } from '../state.ts';
import { subnetOf } from './subnetUpdate.ts';

/** `DefaultMinRootClaimAmount` (RootClaimableThreshold): owed alpha below this is not claimed. */
export const MIN_ROOT_CLAIM_RAO = 500_000n;

/** `RootClaimTypeEnum`: Swap (the default) sells the alpha for TAO staked on root; Keep stakes the alpha itself. */
export type RootClaimType = 'swap' | 'keep';

/** `amount` split over weighted keys in proportion, floored, the leftover rao to the largest remainders (ties: order). */
export function splitProRata<K>(amount: bigint, weights: readonly (readonly [K, bigint])[]): Map<K, bigint> {
  const total = weights.reduce((a, [, w]) => a + w, 0n);
  const out = new Map<K, bigint>();
  if (total === 0n || amount <= 0n) return out;
  const parts = weights.map(([key, w], order) => ({
    key,
    order,
    share: (amount * w) / total,
    rem: (amount * w) % total,
  }));
  let leftover = amount - parts.reduce((a, p) => a + p.share, 0n);
  for (const p of [...parts].sort((a, b) => (b.rem > a.rem ? 1 : b.rem < a.rem ? -1 : a.order - b.order))) {
    if (leftover <= 0n) break;
    p.share += 1n;
    leftover -= 1n;
  }
  for (const p of parts) if (p.share > 0n) out.set(p.key, p.share);
  return out;
}

/**
 * Claim a hotkey's root dividends on one subnet (`staking/claim_root.rs`, simplified as the spec suggests): the
 * root-claimable alpha is split over the hotkey's root stakers pro rata to their root stake; with `swap` it is sold
 * through the subnet's pool (fee-free, as the chain's claim swap) and the TAO is staked on root for each staker;
 * with `keep` each staker's part is staked as alpha on the hotkey in that subnet. Below the claim threshold, with
 * nobody on root, or when the pool refuses the sale, nothing changes (the chain skips or rolls back). Simplified:
 * the chain tracks what each coldkey already claimed (`RootClaimed`), so stake added after dividends accrued does
 * not share in them; here everything claimable is split by the root stake at the time of the claim.
 */
export function claimRoot(
  state: ChainState,
  params: Pick<ChainParams, 'feeRateU16'>,
  tx: { readonly hotkey: string; readonly netuid: number; readonly type: RootClaimType },
): ChainState {
  const subnet = subnetOf(state, tx.netuid);
  const owed = subnet.rootClaimableRao.get(tx.hotkey) ?? 0n;
  const root = state.rootStakes.get(tx.hotkey);
  if (owed < MIN_ROOT_CLAIM_RAO || !root || root.totalShares === 0n) return state;
  const stakers = [...root.shares.keys()].sort().map((c) => [c, stakeOf(root, c)] as const);
  const claimable = new Map(subnet.rootClaimableRao);
  claimable.delete(tx.hotkey);

  if (tx.type === 'keep') {
    let pool = subnet.stakes.get(tx.hotkey) ?? EMPTY_STAKE;
    const parts = splitProRata(owed, stakers);
    for (const [coldkey, alpha] of parts) pool = addStakeWithShares(pool, coldkey, alpha);
    // Alpha that nobody's stake can take (all stakers at 0 rao) stays claimable.
    const left = owed - [...parts.values()].reduce((a, x) => a + x, 0n);
    if (left > 0n) claimable.set(tx.hotkey, left);
    const stakes = new Map(subnet.stakes).set(tx.hotkey, pool);
    return {
      ...state,
      subnets: state.subnets.map((s) => (s === subnet ? { ...subnet, stakes, rootClaimableRao: claimable } : s)),
    };
  }

  let sale: ReturnType<typeof swapAlphaForTao>;
  try {
    sale = swapAlphaForTao(subnet.pool, owed, { dropFees: true, feeRateU16: params.feeRateU16 });
  } catch (e) {
    if (e instanceof PoolError) return state;
    throw e;
  }
  const parts = splitProRata(sale.taoOutRao, stakers);
  let rootPool = root;
  let staked = 0n;
  for (const [coldkey, tao] of parts) {
    rootPool = addStakeWithShares(rootPool, coldkey, tao);
    staked += tao;
  }
  if (staked !== sale.taoOutRao) return state; // no staker could take any of it: leave it claimable
  return {
    ...state,
    rootStakes: new Map(state.rootStakes).set(tx.hotkey, rootPool),
    rootTaoRao: state.rootTaoRao + staked,
    subnets: state.subnets.map((s) => (s === subnet ? { ...subnet, pool: sale.pool, rootClaimableRao: claimable } : s)),
  };
}

/** Every root-claimable balance of every subnet claimed (the chain's auto-claim, all at once), in netuid order. */
export function claimAllRoot(
  state: ChainState,
  params: Pick<ChainParams, 'feeRateU16'>,
  type: RootClaimType,
): ChainState {
  let next = state;
  for (const subnet of state.subnets) {
    for (const hotkey of [...subnet.rootClaimableRao.keys()].sort()) {
      next = claimRoot(next, params, { hotkey, netuid: subnet.netuid, type });
    }
  }
  return next;
}
