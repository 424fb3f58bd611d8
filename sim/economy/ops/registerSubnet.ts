import { blockEmissionForIssuance, calendarBlockEmission } from '../blockEmission.ts';
import { U64_MAX } from '../childkeys.ts';
import { dissolveSubnet } from '../dissolveSubnet.ts';
import { type SubnetSpec, subnetAt } from '../genesis.ts';
import { spotPriceU64F64 } from '../pool.ts';
import type { ChainParams, ChainState, SubnetState } from '../state.ts';
import { copyMap, findSubnet } from '../state.ts';
import { TxError } from '../txError.ts';
import { autoParentDelegationEnabled } from './rootRegister.ts';
import { setChildren } from './setChildren.ts';

const RAO_PER_TAO = 1_000_000_000n;

/**
 * `get_lock_reduction_interval` (coinbase/root.rs:569-582 at 14bc6f9f): `NetworkLockReductionInterval` scaled by
 * this block's emission in TAO, in I64F64 (the division truncates to 64 fraction bits, the product with the integer
 * interval is exact, the conversion floors): 57 600 blocks at 1 TAO a block, 28 800 after the first halving (0.5 TAO),
 * 0 once nothing is emitted. The emission is the chain's by issuance, or the opt-in calendar rule's for this block.
 */
export function lockReductionInterval(state: ChainState, params: ChainParams): bigint {
  const emission =
    params.halving.kind === 'calendar'
      ? calendarBlockEmission(BigInt(state.block), { halvingIntervalBlocks: BigInt(params.halving.intervalBlocks) })
      : blockEmissionForIssuance(state.issuanceRao);
  const halvingBits = (emission << 64n) / RAO_PER_TAO;
  return (BigInt(params.lockReductionInterval) * halvingBits) >> 64n;
}

/**
 * `get_network_lock_cost` (coinbase/root.rs:502-527): twice the last lock (once for the first ever), less
 * last_lock / interval per block since (`safe_div`: no decay when the interval is 0), saturating at 0, never below
 * MinLock. The interval shrinks with the block emission (`lockReductionInterval`), so after a halving the cost falls
 * back twice as fast.
 */
export function networkLockCost(state: ChainState, params: ChainParams): bigint {
  const mult = state.lastLockBlock === 0 ? 1n : 2n;
  const interval = lockReductionInterval(state, params);
  const perBlock = interval === 0n ? 0n : state.lastLockRao / interval;
  const decay = perBlock * BigInt(Math.max(0, state.block - state.lastLockBlock));
  const doubled = state.lastLockRao * mult;
  const cost = doubled > decay ? doubled - decay : 0n;
  return cost < params.minLockRao ? params.minLockRao : cost;
}

/**
 * `TransactionType::RegisterNetwork.passes_rate_limit` (utils/rate_limiting.rs:56-67, 85; subnets/subnet.rs:146-150):
 * one subnet registration per `NetworkRateLimit` blocks network-wide, counted from the last lock's block (a last
 * block of 0 means none yet and always passes).
 */
export function passesNetworkRateLimit(state: ChainState, params: ChainParams): boolean {
  return state.lastLockBlock === 0 || state.block - state.lastLockBlock >= params.networkRateLimit;
}

/** `get_network_to_prune`: the non-immune subnet with the lowest moving price, the earliest registered on ties. */
export function subnetToPrune(state: ChainState, params: ChainParams): SubnetState | null {
  let best: SubnetState | null = null;
  for (const s of state.subnets) {
    if (state.block - s.registeredAt < params.networkImmunityPeriod) continue;
    if (
      !best ||
      s.movingPriceI96F32 < best.movingPriceI96F32 ||
      (s.movingPriceI96F32 === best.movingPriceI96F32 && s.registeredAt < best.registeredAt)
    ) {
      best = s;
    }
  }
  return best;
}

/** Median of the subnets' spot prices as U64F64 bits (2^64 = 1.0 when there is none). */
export function medianPriceU64F64(subnets: readonly SubnetState[]): bigint {
  // Subnets whose price is 0 (an empty TAO reserve) are left out (stake_utils.rs:87-90).
  const prices = subnets
    .map((s) => spotPriceU64F64(s.pool))
    .filter((p) => p > 0n)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (prices.length === 0) return 1n << 64n;
  const mid = prices.length >> 1;
  return prices.length % 2 ? prices[mid]! : (prices[mid - 1]! + prices[mid]!) / 2n;
}

/**
 * `register_network` at HEAD (`do_register_network`, subnets/subnet.rs:115-290): the owner locks the lock cost; it
 * becomes the new pool's TAO and the pool starts at the median subnet price (alpha in = TAO / median price); the
 * owner's hotkey is the first neuron. At the subnet limit the lowest-priced non-immune subnet is dissolved first.
 * Emissions start after `startCall` (firstEmissionBlock null until then) and, as on chain, only once root enables
 * them: the chain ends the call with `SubnetEmissionEnabled = false` (subnet.rs:287; only root's
 * `sudo_set_subnet_emission_enabled` turns it on), so the new subnet gets no TAO share until a scenario event does —
 * or at once with the opt-in `params.newSubnetEmissionEnabled`. Every root validator that has not opted out becomes
 * a parent of the owner's hotkey on the new subnet (`setRootValidatorsForSubnet`). Refuses in the chain's order:
 * another coldkey's hotkey, within `NetworkRateLimit` blocks of the last registration, every subnet immune at the
 * limit, the lock cost above the balance.
 */
export function registerSubnet(
  state: ChainState,
  params: ChainParams,
  tx: {
    readonly coldkey: string;
    readonly hotkey: string;
    readonly name: string;
    readonly params?: SubnetSpec['params'];
  },
): ChainState {
  const owner = state.hotkeys.get(tx.hotkey)?.owner;
  if (owner !== undefined && owner !== tx.coldkey)
    throw new TxError('NonAssociatedColdKey', `${tx.hotkey} belongs to ${owner}`);
  if (!passesNetworkRateLimit(state, params))
    throw new TxError(
      'NetworkTxRateLimitExceeded',
      `last subnet registered at block ${state.lastLockBlock}, ${params.networkRateLimit} blocks apart at least`,
    );
  const prune = state.subnets.length >= params.subnetLimit ? subnetToPrune(state, params) : null;
  if (state.subnets.length >= params.subnetLimit && !prune)
    throw new TxError('SubnetLimitReached', `${params.subnetLimit} subnets, all still immune`);
  const cost = networkLockCost(state, params);
  const balance = state.balances.get(tx.coldkey) ?? 0n;
  if (balance < cost)
    throw new TxError('CannotAffordLockCost', `${tx.coldkey} holds ${balance} rao, the subnet lock costs ${cost}`);
  const s = prune ? dissolveSubnet(state, prune.netuid).state : state;
  // The pruned subnet's netuid is reused; otherwise the lowest free one (`get_next_netuid`).
  let netuid = prune?.netuid ?? 1;
  if (!prune) while (s.subnets.some((x) => x.netuid === netuid)) netuid++;
  const alphaIn = (cost << 64n) / medianPriceU64F64(s.subnets);
  const subnet = subnetAt(
    {
      netuid,
      name: tx.name,
      ownerColdkey: tx.coldkey,
      ownerHotkey: tx.hotkey,
      poolTaoRao: cost,
      poolAlphaRao: alphaIn,
      neurons: [{ hotkey: tx.hotkey, coldkey: tx.coldkey }],
      movingPrice: 'zero',
      firstEmissionBlock: null,
      params: { ...tx.params, emissionEnabled: params.newSubnetEmissionEnabled },
    },
    s.block,
  );
  const balances = copyMap(s.balances).set(tx.coldkey, (s.balances.get(tx.coldkey) ?? 0n) - cost);
  const hotkeys =
    owner === undefined ? new Map([...s.hotkeys, [tx.hotkey, { owner: tx.coldkey, takeU16: 11_796 }]]) : s.hotkeys;
  const registered: ChainState = {
    ...s,
    balances,
    hotkeys,
    subnets: [...s.subnets, subnet].sort((a, b) => a.netuid - b.netuid),
    lastLockRao: cost,
    lastLockBlock: s.block,
  };
  return setRootValidatorsForSubnet(registered, params, netuid);
}

/**
 * `do_set_root_validators_for_subnet` (staking/set_children.rs:817-868), run by `do_register_network` once the subnet
 * exists (subnets/subnet.rs:272-280): each root validator, in root uid order (`Keys[ROOT]`, iterated by its
 * identity-hashed u16 uid), asks through its owner's coldkey (`get_owning_coldkey_for_hotkey`) for the subnet
 * owner's hotkey as its only child at full proportion (u64::MAX) — the `set_children` call itself
 * (`do_schedule_children`, here `setChildren`), so with all of its checks, the rate limit it records and its
 * scheduling. Skipped: the owner's hotkey itself, and validators that opted out (`AutoParentDelegationEnabled`
 * false). A refusal is logged on chain and the loop goes on; here it is dropped. On a new subnet the only check that
 * can refuse is `StakeThreshold` (the validator's total stake below it: `NotEnoughStakeToSetChildkeys`): the subnet is
 * fresh, so no rate limit or relation stands in the way, and one child is within the 5-children cap (the call
 * replaces the validator's children on this subnet; the owner's hotkey may get any number of parents). A new subnet's
 * `SubtokenEnabled` is false until start_call (storage default; `remove_network` clears it when a netuid is reused),
 * so `schedule_or_apply_ck` (set_children.rs:556-563) links them at once — no cooldown — each appended to
 * `ParentKeys(owner hotkey)` in root uid order.
 */
export function setRootValidatorsForSubnet(state: ChainState, params: ChainParams, netuid: number): ChainState {
  const subnet = findSubnet(state.subnets, netuid);
  if (!subnet) return state;
  const ownerHotkey = subnet.ownerHotkey;
  const children = [{ proportion: U64_MAX, hotkey: ownerHotkey }];
  let out = state;
  for (const validator of state.root.hotkeys) {
    if (validator === ownerHotkey || !autoParentDelegationEnabled(state.root, validator)) continue;
    // Owner::get: an unknown hotkey has the default account, which owns nothing (NonAssociatedColdKey).
    const coldkey = out.hotkeys.get(validator)?.owner ?? '';
    try {
      out = setChildren(out, params, { coldkey, hotkey: validator, netuid, children });
    } catch (e) {
      if (!(e instanceof TxError)) throw e;
    }
  }
  return out;
}

/** `start_call`: the owner starts the subnet's emissions from the next block. */
export function startCall(state: ChainState, tx: { readonly coldkey: string; readonly netuid: number }): ChainState {
  const subnet = findSubnet(state.subnets, tx.netuid);
  if (!subnet) throw new TxError('SubnetNotExists', `no subnet ${tx.netuid}`);
  if (subnet.ownerColdkey !== tx.coldkey)
    throw new TxError('NonAssociatedColdKey', `subnet ${tx.netuid} belongs to ${subnet.ownerColdkey}`);
  if (subnet.firstEmissionBlock !== null)
    throw new TxError(
      'FirstEmissionBlockNumberAlreadySet',
      `subnet ${tx.netuid} started at ${subnet.firstEmissionBlock}`,
    );
  return {
    ...state,
    subnets: state.subnets.map((x) => (x.netuid === tx.netuid ? { ...x, firstEmissionBlock: state.block + 1 } : x)),
  };
}
