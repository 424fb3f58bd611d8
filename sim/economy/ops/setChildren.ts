import {
  CHILDKEY_TAKE_RATE_LIMIT,
  childkeyTakeU16,
  effectiveMinChildkeyTakeU16,
  MAX_CHILDKEY_TAKE_U16,
  MAX_CHILDREN,
  PENDING_CHILDKEY_COOLDOWN,
  persistChildren,
  SET_CHILDREN_RATE_LIMIT,
  U64_MAX,
} from '../childkeys.ts';
import { mulU64F64, u64FromX64F64 } from '../fixedPoint.ts';
import { spotPriceU64F64 } from '../pool.ts';
import {
  type ChainParams,
  type ChainState,
  type ChildkeyState,
  type ChildLink,
  copySubnet,
  findSubnet,
} from '../state.ts';
import { TxError } from '../txError.ts';
import { withSubnet } from './subnetUpdate.ts';

export interface SetChildrenTx {
  readonly coldkey: string;
  /** The parent. */
  readonly hotkey: string;
  readonly netuid: number;
  /** (proportion as u64, child hotkey); an empty list schedules the removal of every child. */
  readonly children: readonly ChildLink[];
}

export interface SetChildkeyTakeTx {
  readonly coldkey: string;
  readonly hotkey: string;
  readonly netuid: number;
  /** u16 / 65535. */
  readonly takeU16: number;
}

/** `check_passes_rate_limit` (utils/rate_limiting.rs:64-67): never done (0), or at least `limit` blocks ago. */
const passesRateLimit = (limit: number, block: number, last: number): boolean => last === 0 || block - last >= limit;

/**
 * `get_total_stake_for_hotkey` (staking/helpers.rs:42-55): the hotkey's stake on every subnet, root included (price
 * 1), × the pool's current price (U64F64), summed, floored to u64.
 */
export function totalStakeForHotkey(state: ChainState, hotkey: string): bigint {
  let sum = (state.rootStakes.get(hotkey)?.valueRao ?? 0n) << 64n;
  for (const s of state.subnets) {
    const alpha = s.stakes.get(hotkey)?.valueRao ?? 0n;
    if (alpha > 0n) sum += mulU64F64(alpha << 64n, spotPriceU64F64(s.pool));
  }
  return u64FromX64F64(sum);
}

/**
 * `set_children` → `do_schedule_children` (staking/set_children.rs:480-552), refusing in the chain's order: the
 * hotkey's last set_children here less than 150 blocks ago (TxRateLimitExceeded), root (RegistrationNotPermittedOn
 * RootSubnet), no such subnet, a hotkey the coldkey does not own (NonAssociatedColdKey), a child listed twice
 * (DuplicateChild), the hotkey among its children (InvalidChild), more than 5 (TooManyChildren), proportions summing
 * above u64::MAX (ProportionOverflow), a child that is one of the hotkey's parents (ChildParentInconsistency), and,
 * for a non-empty list, a hotkey that is not the subnet owner's with less total stake than `StakeThreshold`
 * (NotEnoughStakeToSetChildkeys). Then it records the block for the rate limit and (`schedule_or_apply_ck`,
 * :556-590) stores the children as pending until the block + `PendingChildKeyCooldown` (7200) — they take effect at
 * the end of the subnet's first epoch block after that (`applyPendingChildren`) — or, before the subnet's
 * start_call, applies them at once.
 */
export function setChildren(state: ChainState, params: ChainParams, tx: SetChildrenTx): ChainState {
  const block = state.block;
  const subnet0 = findSubnet(state.subnets, tx.netuid);
  const ck0 = subnet0?.childkeys;
  if (ck0 && !passesRateLimit(SET_CHILDREN_RATE_LIMIT, block, ck0.lastSetChildrenBlock.get(tx.hotkey) ?? 0)) {
    throw new TxError('TxRateLimitExceeded', `${tx.hotkey} set children on ${tx.netuid} at block ${block} − <150`);
  }
  if (tx.netuid === 0) throw new TxError('RegistrationNotPermittedOnRootSubnet', 'no child hotkeys on root');
  if (!subnet0 || !ck0) throw new TxError('SubnetNotExists', `no subnet ${tx.netuid}`);
  if (state.hotkeys.get(tx.hotkey)?.owner !== tx.coldkey) {
    throw new TxError('NonAssociatedColdKey', `${tx.coldkey} does not own ${tx.hotkey}`);
  }
  for (const c of tx.children) {
    if (c.proportion < 0n || c.proportion > U64_MAX) {
      throw new TxError('ValueNotEncodable', `proportion ${c.proportion} is not a u64`);
    }
  }
  const seen = new Set<string>();
  for (const c of tx.children) {
    if (seen.has(c.hotkey)) throw new TxError('DuplicateChild', `${c.hotkey} listed twice`);
    seen.add(c.hotkey);
  }
  // ensure_pending_consistency (:68-85), against the hotkey's current parents.
  if (seen.has(tx.hotkey)) throw new TxError('InvalidChild', `${tx.hotkey} cannot be its own child`);
  if (seen.size > MAX_CHILDREN) throw new TxError('TooManyChildren', `${seen.size} children > ${MAX_CHILDREN}`);
  const total = tx.children.reduce((a, c) => a + c.proportion, 0n);
  if (total > U64_MAX) throw new TxError('ProportionOverflow', `proportions sum to ${total} > u64::MAX`);
  const parents = ck0.parents.get(tx.hotkey) ?? [];
  const both = parents.find((p) => seen.has(p.hotkey));
  if (both) throw new TxError('ChildParentInconsistency', `${both.hotkey} is a parent of ${tx.hotkey}`);
  if (
    tx.children.length > 0 &&
    tx.hotkey !== subnet0.ownerHotkey &&
    params.stakeThresholdRao > 0n &&
    totalStakeForHotkey(state, tx.hotkey) < params.stakeThresholdRao
  ) {
    throw new TxError('NotEnoughStakeToSetChildkeys', `${tx.hotkey} has less stake than StakeThreshold`);
  }

  const lastSetChildrenBlock = new Map(ck0.lastSetChildrenBlock);
  lastSetChildrenBlock.set(tx.hotkey, block);
  let ck: ChildkeyState = { ...ck0, lastSetChildrenBlock };
  if (subnet0.firstEmissionBlock === null) {
    ck = persistChildren(ck, tx.hotkey, tx.children) ?? ck; // SubtokenEnabled false: at once
  } else {
    const pending = new Map(ck.pending);
    pending.set(tx.hotkey, { children: tx.children.slice(), cooldownBlock: block + PENDING_CHILDKEY_COOLDOWN });
    ck = { ...ck, pending };
  }
  const subnet = copySubnet(subnet0);
  subnet.childkeys = ck;
  return withSubnet(state, subnet);
}

/**
 * `set_childkey_take` → `do_set_childkey_take` (staking/set_children.rs:724-778): the hotkey's owner sets its
 * childkey take on a subnet within [max(MinChildkeyTake, MinChildkeyTakePerSubnet), MaxChildkeyTake] (the global
 * bounds 0 and 11 796; the subnet's minimum its owner's hyperparameter `minChildkeyTakeU16`)
 * (InvalidChildkeyTake); raising it above the current take (`get_childkey_take`) is allowed once per
 * `TxChildkeyTakeRateLimit` (216 000 blocks) since the last set (TxChildkeyTakeRateLimitExceeded). Every accepted
 * call records the block. The chain does not check that the subnet exists (it stores the take under any netuid);
 * taosim keeps the take with the subnet's state, so it refuses an unknown subnet (SubnetNotExists).
 */
export function setChildkeyTake(state: ChainState, tx: SetChildkeyTakeTx): ChainState {
  if (state.hotkeys.get(tx.hotkey)?.owner !== tx.coldkey) {
    throw new TxError('NonAssociatedColdKey', `${tx.coldkey} does not own ${tx.hotkey}`);
  }
  if (!Number.isInteger(tx.takeU16) || tx.takeU16 < 0 || tx.takeU16 > 65535) {
    throw new TxError('ValueNotEncodable', `take ${tx.takeU16} is not a u16`);
  }
  const subnet0 = findSubnet(state.subnets, tx.netuid);
  if (!subnet0) throw new TxError('SubnetNotExists', `no subnet ${tx.netuid}`);
  const min = effectiveMinChildkeyTakeU16(subnet0);
  if (tx.takeU16 < min || tx.takeU16 > MAX_CHILDKEY_TAKE_U16) {
    throw new TxError('InvalidChildkeyTake', `take ${tx.takeU16} outside [${min}, ${MAX_CHILDKEY_TAKE_U16}]`);
  }
  const ck0 = subnet0.childkeys;
  const block = state.block;
  if (tx.takeU16 > childkeyTakeU16(subnet0, tx.hotkey)) {
    const last = ck0.lastSetTakeBlock.get(tx.hotkey) ?? 0;
    if (!passesRateLimit(CHILDKEY_TAKE_RATE_LIMIT, block, last)) {
      throw new TxError(
        'TxChildkeyTakeRateLimitExceeded',
        `childkey take last set at block ${last}; raising again from block ${last + CHILDKEY_TAKE_RATE_LIMIT}`,
      );
    }
  }
  const takeU16 = new Map(ck0.takeU16);
  takeU16.set(tx.hotkey, tx.takeU16);
  const lastSetTakeBlock = new Map(ck0.lastSetTakeBlock);
  lastSetTakeBlock.set(tx.hotkey, block);
  const subnet = copySubnet(subnet0);
  subnet.childkeys = { ...ck0, takeU16, lastSetTakeBlock };
  return withSubnet(state, subnet);
}
