import type { SubnetPool } from '../pool.ts';
import { MIN_PRICE_U64F64, PoolError, swapAlphaForTao } from '../pool.ts';
import { addStakeWithShares, EMPTY_STAKE, stakeOf } from '../sharePool.ts';
import { type ChainParams, type ChainState, copyMap, type HotkeyStake, type SubnetState } from '../state.ts';
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

/** Working copies a batch of claims mutates: the root stakes, and one subnet's pool, stakes and claimable. */
interface ClaimWork {
  readonly rootStakes: Map<string, HotkeyStake>;
  rootTaoRao: bigint;
  pool: SubnetPool;
  readonly stakes: Map<string, HotkeyStake>;
  readonly claimable: Map<string, bigint>;
  /** The subnet's `burnedAlphaRao`: where alpha the price floor left unsold goes (see `claimInto`). */
  burnedAlphaRao: bigint;
}

/** One hotkey's claim on the working copies; returns whether anything changed. */
function claimInto(w: ClaimWork, hotkey: string, type: RootClaimType, feeRateU16: number): boolean {
  const owed = w.claimable.get(hotkey) ?? 0n;
  const root = w.rootStakes.get(hotkey);
  if (owed < MIN_ROOT_CLAIM_RAO || !root || root.totalShares === 0n) return false;
  const stakers = [...root.shares.keys()].sort().map((c) => [c, stakeOf(root, c)] as const);
  if (type === 'keep') {
    let pool = w.stakes.get(hotkey) ?? EMPTY_STAKE;
    const parts = splitProRata(owed, stakers);
    let given = 0n;
    for (const [coldkey, alpha] of parts) {
      pool = addStakeWithShares(pool, coldkey, alpha);
      given += alpha;
    }
    if (given === 0n) return false;
    w.stakes.set(hotkey, pool);
    // Alpha that nobody's stake can take (all stakers at 0 rao) stays claimable.
    if (owed > given) w.claimable.set(hotkey, owed - given);
    else w.claimable.delete(hotkey);
    return true;
  }
  let sale: ReturnType<typeof swapAlphaForTao>;
  try {
    // claim_root.rs:172-177: fee-free, down to the sell-side price floor (`min_price`).
    sale = swapAlphaForTao(w.pool, owed, { dropFees: true, feeRateU16, minPriceU64F64: MIN_PRICE_U64F64 });
  } catch (e) {
    if (e instanceof PoolError) return false; // the chain rolls the claim back (claim_root.rs:178-183)
    throw e;
  }
  const parts = splitProRata(sale.taoOutRao, stakers);
  let rootPool = root;
  let staked = 0n;
  for (const [coldkey, tao] of parts) {
    rootPool = addStakeWithShares(rootPool, coldkey, tao);
    staked += tao;
  }
  if (staked !== sale.taoOutRao) return false; // no staker could take any of it: leave it claimable
  w.rootStakes.set(hotkey, rootPool);
  w.rootTaoRao += staked;
  w.pool = sale.pool;
  // The floor may leave part of the alpha unsold. The chain still counts the whole amount as claimed (RootClaimed +=
  // owed, claim_root.rs:254-257) and gives the rest to nobody: it stays in AlphaOut, unowned, as burned alpha.
  w.burnedAlphaRao += sale.alphaUnfilledRao;
  w.claimable.delete(hotkey);
  return true;
}

/** Claims for the given hotkeys on every subnet, on working copies made once (a day's claims touch thousands). */
function claimMany(
  state: ChainState,
  feeRateU16: number,
  type: RootClaimType,
  hotkeysOf: (subnet: SubnetState) => readonly string[],
): ChainState {
  const rootStakes = copyMap(state.rootStakes);
  let rootTaoRao = state.rootTaoRao;
  let changed = false;
  const subnets = state.subnets.map((subnet) => {
    const hotkeys = hotkeysOf(subnet);
    if (hotkeys.length === 0) return subnet;
    const w: ClaimWork = {
      rootStakes,
      rootTaoRao,
      pool: subnet.pool,
      stakes: copyMap(subnet.stakes),
      claimable: copyMap(subnet.rootClaimableRao),
      burnedAlphaRao: subnet.burnedAlphaRao,
    };
    let any = false;
    for (const hotkey of hotkeys) any = claimInto(w, hotkey, type, feeRateU16) || any;
    rootTaoRao = w.rootTaoRao;
    if (!any) return subnet;
    changed = true;
    return {
      ...subnet,
      pool: w.pool,
      stakes: w.stakes,
      rootClaimableRao: w.claimable,
      burnedAlphaRao: w.burnedAlphaRao,
    };
  });
  return changed ? { ...state, rootStakes, rootTaoRao, subnets } : state;
}

/**
 * Claim a hotkey's root dividends on one subnet (`staking/claim_root.rs`, simplified as the spec suggests): the
 * root-claimable alpha is split over the hotkey's root stakers pro rata to their root stake; with `swap` it is sold
 * through the subnet's pool (fee-free, as the chain's claim swap) and the TAO is staked on root for each staker;
 * with `keep` each staker's part is staked as alpha on the hotkey in that subnet. The sale stops at the price floor
 * 1e-6 TAO/alpha as the chain's (claim_root.rs:172-177): alpha left unsold is claimed all the same and owned by
 * nobody (it stays in AlphaOut as burned alpha). Below the claim threshold, with nobody on root, or when the pool
 * refuses the sale (a price already at the floor included), nothing changes (the chain skips or rolls back).
 * Simplified: the chain tracks what each coldkey already claimed (`RootClaimed`), so stake added after dividends
 * accrued does not share in them; here everything claimable is split by the root stake at the time of the claim.
 * And the chain sells each coldkey's part in its own swap, so when the floor binds the first coldkey sells down to it
 * and the later ones find the price at (or a rounding above) the floor: refused, keeping their claim, or selling
 * next to nothing; here one sale of the hotkey's total spreads the unsold part over all of them.
 */
export function claimRoot(
  state: ChainState,
  params: Pick<ChainParams, 'feeRateU16'>,
  tx: { readonly hotkey: string; readonly netuid: number; readonly type: RootClaimType },
): ChainState {
  subnetOf(state, tx.netuid); // SubnetNotExists
  return claimMany(state, params.feeRateU16, tx.type, (s) => (s.netuid === tx.netuid ? [tx.hotkey] : []));
}

/** Every root-claimable balance of every subnet claimed (the chain's auto-claim, all at once), in netuid order. */
export function claimAllRoot(
  state: ChainState,
  params: Pick<ChainParams, 'feeRateU16'>,
  type: RootClaimType,
): ChainState {
  return claimMany(state, params.feeRateU16, type, (s) => [...s.rootClaimableRao.keys()].sort());
}
