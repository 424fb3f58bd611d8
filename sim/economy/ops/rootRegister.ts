import { type ChainState, copyMap, type RootRegistrations } from '../state.ts';
import { TxError } from '../txError.ts';

/**
 * Root registrations (subtensor 14bc6f9f). Root (netuid 0) is created with `MaxAllowedUids = 64`, `Tempo = 100` and
 * `TargetRegistrationsPerInterval = 1` (macros/genesis.rs:54, 63, 69; the same in migrations/
 * migrate_create_root_network.rs); `MaxRegistrationsPerBlock` keeps its default, the runtime's 1 (runtime/src/lib.rs:
 * 986). Root validators take part here only through auto parent delegation (`do_set_root_validators_for_subnet`,
 * ops/registerSubnet.ts): root weights, the senate and root's own epoch are not modelled.
 */

/** `get_max_root_validators` (coinbase/root.rs:44-46) = `MaxAllowedUids[ROOT]`, 64 from genesis. */
export const MAX_ROOT_VALIDATORS = 64;
/** `MaxRegistrationsPerBlock[ROOT]`: the default, `SubtensorInitialMaxRegistrationsPerBlock` = 1. */
export const ROOT_MAX_REGISTRATIONS_PER_BLOCK = 1;
/** `TargetRegistrationsPerInterval[ROOT]` = 1: at most 3 × 1 registrations per interval (root.rs:99-104). */
export const ROOT_MAX_REGISTRATIONS_PER_INTERVAL = 3;
/** `Tempo[ROOT]` = 100. */
export const ROOT_TEMPO = 100;
/** `delegate_hotkey(&hotkey, 11_796)` (root.rs:163-166): the take a root registration gives a new hotkey. */
const ROOT_DELEGATE_TAKE_U16 = 11_796;

/** `Keys[ROOT]` holds this hotkey (`Uids::contains_key(ROOT, hotkey)`). */
export const isRootValidator = (state: ChainState, hotkey: string): boolean => state.root.hotkeys.includes(hotkey);

/** `AutoParentDelegationEnabled[hotkey]` (set_children.rs:796-798): true unless the hotkey opted out. */
export const autoParentDelegationEnabled = (root: RootRegistrations, hotkey: string): boolean =>
  root.autoParentDelegation.get(hotkey) ?? true;

/**
 * `RegistrationsThisBlock[ROOT]` at `block`: `update_registration_prices_for_networks` (subnets/registration.rs:
 * 506-508) zeroes it at the start of every block, before the block's transactions.
 */
const registrationsThisBlock = (root: RootRegistrations, block: number): number =>
  root.lastRegistrationBlock === block ? root.registrationsInLastBlock : 0;

/**
 * `RegistrationsThisInterval[ROOT]` at `block`: zeroed at the start of a block where `should_run_epoch(ROOT, block)`
 * (registration.rs:510-513; run_coinbase.rs:1085-1100): `block − LastEpochBlock[ROOT] ≥ Tempo[ROOT]`. Root runs no
 * epoch (`drain_pending` is given the subnets without root, run_coinbase.rs:37-40), so `LastEpochBlock[ROOT]` stays
 * where it was set — 0 on a new chain, and on the live chain the dynamic-tempo migration's seed, long past — and from
 * block 100 on the counter is reset at every block: it then counts this block's registrations only. Before block 100
 * it counts every root registration since the start (taosim starts from a chain that has made none).
 */
const registrationsThisInterval = (root: RootRegistrations, block: number): number =>
  block >= ROOT_TEMPO ? registrationsThisBlock(root, block) : root.registrationsThisInterval;

/**
 * `root_register` → `do_root_register` (coinbase/root.rs:80-191): register a hotkey on root. Refuses, in the chain's
 * order: a second root registration in the block (`TooManyRegistrationsThisBlock`, MaxRegistrationsPerBlock 1), a
 * fourth in the interval (`TooManyRegistrationsThisInterval`; binds only before block 100, see
 * `registrationsThisInterval`), a hotkey already on root (`HotKeyAlreadyRegisteredInSubNet`). It is free, needs no
 * stake while root has room, and does not check who owns the hotkey: a new hotkey becomes the caller's
 * (`create_account_if_non_existent`, staking/helpers.rs:126-150), an existing one keeps its owner. Below 64 uids the
 * hotkey takes the next uid (`append_neuron`). When root is full (root.rs:130-161) it takes the uid of the root
 * validator with the least root stake (`TotalHotkeyAlpha[ROOT]`, `get_stake_for_hotkey_on_subnet`), the lowest such
 * uid on ties (the chain's strict `<` over `Keys[ROOT]`, iterated in uid order), and only with strictly more root
 * stake than that one (`StakeTooLowForRoot`, root.rs:149-152); the replaced hotkey leaves root (`replace_neuron`,
 * subnets/uids.rs:54-107). A new hotkey is made a delegate at 18 % (`delegate_hotkey`); taosim's hotkeys all carry a
 * take, so an existing one keeps its own. Not modelled: `replace_neuron` leaving root's owner hotkey
 * (`SubnetOwnerHotkey[ROOT]`, the genesis owner's) in place — taosim has no root owner hotkey.
 */
export function rootRegister(state: ChainState, tx: { readonly coldkey: string; readonly hotkey: string }): ChainState {
  const block = state.block;
  const root = state.root;
  const thisBlock = registrationsThisBlock(root, block);
  if (thisBlock >= ROOT_MAX_REGISTRATIONS_PER_BLOCK) {
    throw new TxError('TooManyRegistrationsThisBlock', `${thisBlock} root registration(s) at block ${block}`);
  }
  const thisInterval = registrationsThisInterval(root, block);
  if (thisInterval >= ROOT_MAX_REGISTRATIONS_PER_INTERVAL) {
    throw new TxError('TooManyRegistrationsThisInterval', `${thisInterval} root registrations this interval`);
  }
  if (root.hotkeys.includes(tx.hotkey)) {
    throw new TxError('HotKeyAlreadyRegisteredInSubNet', `${tx.hotkey} is already registered on root`);
  }
  const hotkeys = root.hotkeys.slice();
  const registeredAt = root.registeredAt.slice();
  if (hotkeys.length < MAX_ROOT_VALIDATORS) {
    hotkeys.push(tx.hotkey);
    registeredAt.push(block);
  } else {
    const stakeOf = (h: string): bigint => state.rootStakes.get(h)?.valueRao ?? 0n;
    let lowestUid = 0;
    let lowest = stakeOf(hotkeys[0]!);
    for (let uid = 1; uid < hotkeys.length; uid++) {
      const s = stakeOf(hotkeys[uid]!);
      if (s < lowest) {
        lowest = s;
        lowestUid = uid;
      }
    }
    const own = stakeOf(tx.hotkey);
    if (!(lowest < own)) {
      throw new TxError(
        'StakeTooLowForRoot',
        `${tx.hotkey} holds ${own} rao on root, not more than uid ${lowestUid} (${hotkeys[lowestUid]}: ${lowest})`,
      );
    }
    hotkeys[lowestUid] = tx.hotkey;
    registeredAt[lowestUid] = block;
  }
  const known = state.hotkeys.has(tx.hotkey);
  return {
    ...state,
    hotkeys: known
      ? state.hotkeys
      : copyMap(state.hotkeys).set(tx.hotkey, { owner: tx.coldkey, takeU16: ROOT_DELEGATE_TAKE_U16 }),
    root: {
      ...root,
      hotkeys,
      registeredAt,
      lastRegistrationBlock: block,
      registrationsInLastBlock: thisBlock + 1,
      registrationsThisInterval: thisInterval + 1,
    },
  };
}

/**
 * `set_auto_parent_delegation_enabled` (macros/dispatches.rs:2510-2533): a root validator's owner turns auto parent
 * delegation off (or back on) for the subnets registered from now on; children already set stay. Refuses another
 * coldkey's hotkey (`NonAssociatedColdKey`, `coldkey_owns_hotkey`), then a hotkey not registered on root
 * (`HotKeyNotRegisteredInSubNet`). The flag stays with the hotkey if it later leaves root.
 */
export function setAutoParentDelegation(
  state: ChainState,
  tx: { readonly coldkey: string; readonly hotkey: string; readonly enabled: boolean },
): ChainState {
  if (state.hotkeys.get(tx.hotkey)?.owner !== tx.coldkey) {
    throw new TxError('NonAssociatedColdKey', `${tx.coldkey} does not own ${tx.hotkey}`);
  }
  if (!isRootValidator(state, tx.hotkey)) {
    throw new TxError('HotKeyNotRegisteredInSubNet', `${tx.hotkey} is not registered on root`);
  }
  const autoParentDelegation = new Map(state.root.autoParentDelegation).set(tx.hotkey, tx.enabled);
  return { ...state, root: { ...state.root, autoParentDelegation } };
}
