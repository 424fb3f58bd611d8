import { taoWeightU96F32 } from './emitToSubnets.ts';
import { divU96F32, mulU96F32 } from './fixedPoint.ts';
import {
  type ChildkeyState,
  type ChildLink,
  copySubnet,
  type HotkeyInfo,
  type HotkeyStake,
  type PendingChildren,
  type SubnetState,
} from './state.ts';

/**
 * Child hotkeys (subtensor 14bc6f9f, staking/set_children.rs, staking/stake_utils.rs, coinbase/run_coinbase.rs): a
 * parent hotkey lends a proportion (u64, u64::MAX = all) of its own alpha and root stake to up to five child hotkeys
 * on one subnet; the epoch weighs each uid by its inherited stake, and a child's dividends are shared with its
 * parents in proportion to what each contributed, less the child's take. Everything here is read-only arithmetic on
 * the stored relations; the transactions are in ops/setChildren.ts, the application of pending children at an
 * epoch block in `applyPendingChildren`.
 */

export const U64_MAX = (1n << 64n) - 1n;
/** `ensure_childkey_count` (set_children.rs:36-40): at most 5 children per parent and subnet. */
export const MAX_CHILDREN = 5;
/** `TransactionType::SetChildren` rate limit (utils/rate_limiting.rs:27): 150 blocks per (hotkey, netuid). */
export const SET_CHILDREN_RATE_LIMIT = 150;
/** `PendingChildKeyCooldown` default (lib.rs:2717-2727 → `DefaultPendingCooldown`, lib.rs:1005-1008): 7200 blocks. */
export const PENDING_CHILDKEY_COOLDOWN = 7200;
/** `MinChildkeyTake` / `MinChildkeyTakePerSubnet` defaults (runtime/src/lib.rs:994; lib.rs:1189 ValueQuery 0). */
export const MIN_CHILDKEY_TAKE_U16 = 0;
/** `MaxChildkeyTake` default (runtime/src/lib.rs:995): 11 796 = 18 %. */
export const MAX_CHILDKEY_TAKE_U16 = 11_796;
/** `TxChildkeyTakeRateLimit` default (runtime/src/lib.rs:963, 1014): 216 000 blocks. */
export const CHILDKEY_TAKE_RATE_LIMIT = 216_000;

const ONE_U96F32 = 1n << 32n;
const U64_MAX_U96F32 = U64_MAX << 32n;

/** `U96F32::from_num(proportion).safe_div(U96F32::from_num(u64::MAX))` (stake_utils.rs:406-407 and alike). */
export const proportionU96F32 = (proportion: bigint): bigint => divU96F32(proportion << 32n, U64_MAX_U96F32);

/** `U96F32::saturating_to_num::<u64>()`: floor, clamped to u64. */
const toU64 = (bits: bigint): bigint => {
  const v = bits >> 32n;
  return v > U64_MAX ? U64_MAX : v < 0n ? 0n : v;
};

/**
 * `get_inherited_for_hotkey_on_subnet` (stake_utils.rs:381-452) and `get_tao_inherited_for_hotkey_on_subnet`
 * (:313-379), which are the same computation over alpha on this subnet and TAO on root: the hotkey's own stake
 * in U96F32, minus own · p for each child (summed), plus parent's own stake · p for each parent (summed), saturating
 * at 0, floored to u64. Only direct parents' own stakes count (a parent's own parents do not pass through).
 */
export function inheritedStake(
  own: bigint,
  children: readonly ChildLink[] | undefined,
  parents: readonly ChildLink[] | undefined,
  stakeOf: (hotkey: string) => bigint,
): bigint {
  const initial = own << 32n;
  let toChildren = 0n;
  if (children) for (const c of children) toChildren += mulU96F32(initial, proportionU96F32(c.proportion));
  let fromParents = 0n;
  if (parents)
    for (const p of parents) fromParents += mulU96F32(stakeOf(p.hotkey) << 32n, proportionU96F32(p.proportion));
  const kept = initial > toChildren ? initial - toChildren : 0n;
  return toU64(kept + fromParents);
}

/**
 * `get_stake_weights_for_network` (stake_utils.rs:233-284) for a subnet with child hotkeys: per uid, inherited alpha
 * as I64F64 plus inherited root TAO (as I64F64) × tao_weight (`get_tao_weight` U96F32 widened to I64F64), the I64F64
 * product floored. The same formula as the plain path (`epochInput`), on inherited instead of own stakes.
 */
export function inheritedStakeWeights(
  subnet: SubnetState,
  rootStakes: ReadonlyMap<string, HotkeyStake>,
  taoWeightI64F64: bigint,
): bigint[] {
  return subnet.neurons.hotkeys.map((h) => inheritedStakeWeight(subnet, rootStakes, taoWeightI64F64, h));
}

/** One hotkey's stake weight as `inheritedStakeWeights` (`get_stake_weights_for_hotkey_on_subnet`, :205-229). */
export function inheritedStakeWeight(
  subnet: SubnetState,
  rootStakes: ReadonlyMap<string, HotkeyStake>,
  taoWeightI64F64: bigint,
  hotkey: string,
): bigint {
  const ck = subnet.childkeys;
  const alphaOf = (h: string): bigint => subnet.stakes.get(h)?.valueRao ?? 0n;
  const rootOf = (h: string): bigint => rootStakes.get(h)?.valueRao ?? 0n;
  const children = ck.children.get(hotkey);
  const parents = ck.parents.get(hotkey);
  const alpha = inheritedStake(alphaOf(hotkey), children, parents, alphaOf);
  const tao = inheritedStake(rootOf(hotkey), children, parents, rootOf);
  return (alpha << 64n) + (((tao << 64n) * taoWeightI64F64) >> 64n);
}

/**
 * `get_effective_min_childkey_take` (utils/misc.rs:452): the global minimum (root's, 0) or the subnet's own
 * (`MinChildkeyTakePerSubnet`, set by its owner), whichever is larger.
 */
export const effectiveMinChildkeyTakeU16 = (subnet: SubnetState): number =>
  Math.max(MIN_CHILDKEY_TAKE_U16, subnet.params.minChildkeyTakeU16);

/** `get_childkey_take` (set_children.rs:792-794): the stored take, at least the subnet's effective minimum. */
export function childkeyTakeU16(subnet: SubnetState, hotkey: string): number {
  const t = subnet.childkeys.takeU16.get(hotkey) ?? 0;
  const min = effectiveMinChildkeyTakeU16(subnet);
  return t > min ? t : min;
}

/**
 * `get_self_contribution` (run_coinbase.rs:900-929): the hotkey's own alpha and root TAO × tao_weight, each times
 * what its children leave it (1 − Σ proportions, saturating), as u64.
 */
function selfContribution(
  ck: ChildkeyState,
  hotkey: string,
  alphaRao: bigint,
  rootRao: bigint,
  taoWeight: bigint,
): bigint {
  let remaining = ONE_U96F32;
  for (const c of ck.children.get(hotkey) ?? []) {
    const p = proportionU96F32(c.proportion);
    remaining = remaining > p ? remaining - p : 0n;
  }
  const alpha = mulU96F32(alphaRao << 32n, remaining);
  const root = mulU96F32(mulU96F32(rootRao << 32n, remaining), taoWeight);
  return toU64(alpha + root);
}

/** What a subnet's dividend split reads besides its childkey storage. */
export interface SplitContext {
  readonly subnet: SubnetState;
  readonly hotkeys: ReadonlyMap<string, HotkeyInfo>;
  readonly rootStakes: ReadonlyMap<string, HotkeyStake>;
  readonly taoWeightU64: bigint;
}

/**
 * `get_parent_child_dividends_distribution` (run_coinbase.rs:944-1076): the hotkey's epoch dividend (u64) split
 * among its parents and itself. Each parent's contribution is its own alpha · p + its root TAO · p · tao_weight; the
 * hotkey's is its self contribution; a parent gets dividend × contribution / total, less the child's childkey take
 * when the parent's owner is not the child's owner (that take goes to the child). The child keeps the rest. Returns
 * (hotkey, u64 amount) pairs: parents in `ParentKeys` order, then the hotkey itself. `CKBurn` (lib.rs:1093, default
 * 0, root-only `sudo_set_ck_burn`) is taken to be 0: its burn share of a parent's emission (:1035-1044) is nothing.
 */
export function splitDividend(
  ctx: SplitContext,
  hotkey: string,
  dividendRao: bigint,
): { readonly hotkeys: string[]; readonly amounts: bigint[] } {
  const ck = ctx.subnet.childkeys;
  const parents = ck.parents.get(hotkey);
  if (!parents) return { hotkeys: [hotkey], amounts: [dividendRao] };
  const taoWeight = taoWeightU96F32(ctx.taoWeightU64);
  const alphaOf = (h: string): bigint => ctx.subnet.stakes.get(h)?.valueRao ?? 0n;
  const rootOf = (h: string): bigint => ctx.rootStakes.get(h)?.valueRao ?? 0n;
  const validating = dividendRao << 32n;
  let remaining = validating;
  const takeProportion = divU96F32(BigInt(childkeyTakeU16(ctx.subnet, hotkey)) << 32n, 65535n << 32n);
  // get_owning_coldkey_for_hotkey: Owner (an unknown hotkey has the default account, undefined here).
  const childOwner = ctx.hotkeys.get(hotkey)?.owner;
  let total = selfContribution(ck, hotkey, alphaOf(hotkey), rootOf(hotkey), taoWeight) << 32n;
  const contributions: bigint[] = [];
  for (const link of parents) {
    const p = proportionU96F32(link.proportion);
    const alpha = mulU96F32(alphaOf(link.hotkey) << 32n, p);
    const root = mulU96F32(mulU96F32(rootOf(link.hotkey) << 32n, p), taoWeight);
    contributions.push(alpha + root);
    total += alpha + root;
  }
  const hotkeys: string[] = [];
  const amounts: bigint[] = [];
  let totalChildTake = 0n;
  for (let k = 0; k < parents.length; k++) {
    const parent = parents[k]!.hotkey;
    // checked_div(total).unwrap_or(0): a contribution never exceeds the total, so no overflow.
    const factor = total === 0n ? 0n : divU96F32(contributions[k]!, total);
    let emission = mulU96F32(validating, factor);
    remaining = remaining > emission ? remaining - emission : 0n;
    if (ctx.hotkeys.get(parent)?.owner !== childOwner) {
      const childTake = mulU96F32(takeProportion, emission);
      emission -= childTake;
      totalChildTake += childTake;
    }
    hotkeys.push(parent);
    amounts.push(toU64(emission));
  }
  hotkeys.push(hotkey);
  amounts.push(toU64(remaining + totalChildTake));
  return { hotkeys, amounts };
}

const byHotkey = (a: ChildLink, b: ChildLink): number => (a.hotkey < b.hotkey ? -1 : a.hotkey > b.hotkey ? 1 : 0);

/** `upsert_edge` (set_children.rs:130-139): replace the proportion of `hotkey`'s entry in place, or append one. */
function upsertEdge(list: readonly ChildLink[] | undefined, proportion: bigint, hotkey: string): ChildLink[] {
  const out = list ? list.slice() : [];
  const i = out.findIndex((l) => l.hotkey === hotkey);
  if (i >= 0) out[i] = { proportion, hotkey };
  else out.push({ proportion, hotkey });
  return out;
}

/** Write a list under a key, removing the key for an empty list (`set_childkeys` / `set_parentkeys`, :160-179). */
function setList(map: Map<string, readonly ChildLink[]>, key: string, list: readonly ChildLink[]): void {
  if (list.length === 0) map.delete(key);
  else map.set(key, list);
}

/**
 * `persist_pending_chidren_ok` (set_children.rs:642-661): make `children` the pivot's children, or change nothing
 * when the relations would break (then it fails silently, as on chain). `load_relations_from_pending` (:222-254)
 * dedups the children (last proportion wins, the pivot itself dropped) and refuses a total above u64::MAX
 * (`ensure_total_proportions`) or a child that is one of the pivot's parents (`ensure_bipartite_separation`);
 * `persist_child_parent_relations` (:263-385) writes `ChildKeys(pivot)` in hotkey order (the chain's BTreeMap by
 * account id) and updates `ParentKeys` of each added, kept and removed child (`upsert_edge` in place or at the end,
 * `remove_edge`); it rewrites `ParentKeys(pivot)` in hotkey order, its parents' `ChildKeys` unchanged.
 * Returns null when nothing was applied.
 */
export function persistChildren(
  ck: ChildkeyState,
  pivot: string,
  children: readonly ChildLink[],
): ChildkeyState | null {
  const dedup = new Map<string, bigint>();
  for (const c of children) if (c.hotkey !== pivot) dedup.set(c.hotkey, c.proportion);
  let total = 0n;
  for (const p of dedup.values()) total += p;
  if (total > U64_MAX) return null;
  const oldParents = ck.parents.get(pivot) ?? [];
  if (oldParents.some((p) => dedup.has(p.hotkey))) return null;

  const next: ChildLink[] = [...dedup].map(([hotkey, proportion]) => ({ proportion, hotkey })).sort(byHotkey);
  const prev = ck.children.get(pivot) ?? [];
  const childMap = new Map(ck.children);
  const parentMap = new Map(ck.parents);
  setList(childMap, pivot, next);
  // Added and kept children: (proportion, pivot) in their ParentKeys; removed ones: pivot taken out.
  for (const c of next) setList(parentMap, c.hotkey, upsertEdge(parentMap.get(c.hotkey), c.proportion, pivot));
  for (const c of prev) {
    if (dedup.has(c.hotkey)) continue;
    setList(
      parentMap,
      c.hotkey,
      (parentMap.get(c.hotkey) ?? []).filter((l) => l.hotkey !== pivot),
    );
  }
  setList(parentMap, pivot, oldParents.filter((p) => p.hotkey !== pivot).sort(byHotkey));
  return { ...ck, children: childMap, parents: parentMap };
}

/**
 * `do_set_pending_children` (set_children.rs:615-639), run by `try_set_pending_children` (coinbase/block_step.rs:
 * 38-47) at the end of a block in which the subnet's epoch ran (`LastEpochBlock == block`, after the coinbase and
 * the moving prices): every pending entry whose cooldown block is before this block — or every entry, while the
 * subnet's token is not enabled (no start_call yet) — is applied (`persistChildren`, silently skipped if it would
 * break the relations) and removed. The chain visits `PendingChildKeys` in the order of its storage keys (a hash
 * of the account); taosim visits them in hotkey order, which matters only when two entries conflict.
 */
export function applyPendingChildren(subnet: SubnetState, block: number): SubnetState {
  const ck = subnet.childkeys;
  if (ck.pending.size === 0) return subnet;
  const started = subnet.firstEmissionBlock !== null;
  let out = ck;
  let pending: Map<string, PendingChildren> | null = null;
  for (const hotkey of [...ck.pending.keys()].sort()) {
    const entry = ck.pending.get(hotkey)!;
    if (started && entry.cooldownBlock >= block) continue;
    out = persistChildren(out, hotkey, entry.children) ?? out;
    pending ??= new Map(ck.pending);
    pending.delete(hotkey);
  }
  if (pending === null) return subnet;
  const next = copySubnet(subnet);
  next.childkeys = { ...out, pending };
  return next;
}
