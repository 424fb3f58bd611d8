import type { EpochResult } from '../consensus/types.ts';
import { type SplitContext, splitDividend } from './childkeys.ts';
import { taoWeightU96F32 } from './emitToSubnets.ts';
import { divU96F32, mulU96F32 } from './fixedPoint.ts';
import { PairCache } from './pairCache.ts';
import { addStakeWithShares, addValueForAll, EMPTY_STAKE } from './sharePool.ts';
import {
  copyMap,
  copyNeurons,
  copySubnet,
  type HotkeyInfo,
  type HotkeyStake,
  hasChildkeyLinks,
  type PendingEmission,
  type SubnetState,
} from './state.ts';

export interface DistributeArgs {
  readonly subnet: SubnetState;
  /** The pending buckets drained for this epoch. */
  readonly pending: PendingEmission;
  /** The epoch run with rao_emission = server + validator + root alpha. */
  readonly epoch: EpochResult;
  readonly hotkeys: ReadonlyMap<string, HotkeyInfo>;
  readonly rootStakes: ReadonlyMap<string, HotkeyStake>;
  readonly taoWeightU64: bigint;
}

export interface Distribution {
  readonly subnet: SubnetState;
  /** Alpha credited to stake (owner cut, incentives, takes, nominators' dividends) or to root-claimable. */
  readonly paidRao: bigint;
  /** Miner incentive of the owner's own hotkeys, burned or recycled. */
  readonly withheldRao: bigint;
  /** Drained minus paid minus withheld: rounding left in AlphaOut (may be a rao below 0 when miners' floors round up). */
  readonly dustRao: bigint;
}

const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const ONE = 1n << 32n;

/**
 * `calculate_dividends_and_incentives` (run_coinbase.rs:468-499) with child hotkeys: each hotkey's dividend split
 * with its parents (`splitDividend`), the parts summed per hotkey, in hotkey order (a BTreeMap); zero parts left
 * out as in `addTo`. `uids` are −1: a parent need not hold a uid on the subnet.
 */
function parentChildDividends(dividends: Amounts, ctx: SplitContext): Amounts {
  const sum = new Map<string, bigint>();
  for (let k = 0; k < dividends.hotkeys.length; k++) {
    const split = splitDividend(ctx, dividends.hotkeys[k]!, dividends.amounts[k]!);
    for (let j = 0; j < split.hotkeys.length; j++) {
      const h = split.hotkeys[j]!;
      sum.set(h, (sum.get(h) ?? 0n) + split.amounts[j]!);
    }
  }
  const out = amounts();
  for (const h of [...sum.keys()].sort(byKey)) addTo(out, h, -1, sum.get(h)!);
  return out;
}

const sortedUidsCache = new WeakMap<readonly string[], Uint16Array>();

/**
 * Amounts per hotkey as parallel arrays (tuples cost an array each, and a destructuring loop an iterator), with a uid
 * of the hotkey (to read `UidInfo`).
 */
interface Amounts {
  readonly hotkeys: string[];
  readonly amounts: bigint[];
  readonly uids: number[];
}
const amounts = (): Amounts => ({ hotkeys: [], amounts: [], uids: [] });

/** Append (hotkey, amount) in hotkey order, merging a repeated hotkey (adjacent once sorted); skip 0. */
function addTo(list: Amounts, hotkey: string, uid: number, amount: bigint): void {
  if (amount === 0n) return;
  const last = list.hotkeys.length - 1;
  if (last >= 0 && list.hotkeys[last] === hotkey) list.amounts[last]! += amount;
  else {
    list.hotkeys.push(hotkey);
    list.amounts.push(amount);
    list.uids.push(uid);
  }
}

/** Per uid: its hotkey's owner coldkey (the hotkey itself if unknown) and take (`takeU96F32`). */
interface UidInfo {
  readonly owner: readonly string[];
  readonly take: readonly bigint[];
}

const uidInfoCache = new PairCache<ReadonlyMap<string, HotkeyInfo>, readonly string[], UidInfo>();

/**
 * `UidInfo` of a subnet's hotkeys, remembered per (hotkeys map, hotkeys array). The chain-wide hotkeys map holds every
 * hotkey of the network; reading it once per uid and epoch was a cache miss per read.
 */
function uidInfo(hotkeys: ReadonlyMap<string, HotkeyInfo>, uidHotkeys: readonly string[]): UidInfo {
  let info = uidInfoCache.get(hotkeys, uidHotkeys);
  if (!info) {
    const owner: string[] = [];
    const take: bigint[] = [];
    for (const h of uidHotkeys) {
      owner.push(hotkeys.get(h)?.owner ?? h);
      take.push(takeU96F32(hotkeys, h));
    }
    info = { owner, take };
    uidInfoCache.set(hotkeys, uidHotkeys, info);
  }
  return info;
}

/** uids in the order of their hotkeys (the chain's BTreeMap order), cached per hotkeys array (new on registration). */
function sortedUids(hotkeys: readonly string[]): Uint16Array {
  let order = sortedUidsCache.get(hotkeys);
  if (!order) {
    order = Uint16Array.from(hotkeys.keys()).sort((a, b) => byKey(hotkeys[a]!, hotkeys[b]!));
    sortedUidsCache.set(hotkeys, order);
  }
  return order;
}

/**
 * `distribute_emission` (coinbase/run_coinbase.rs) for one subnet after its epoch:
 * the owner cut is staked to the owner; miners' incentive is staked to each miner's owner (the subnet owner's own
 * hotkeys are withheld: burned or recycled, and `MinerBurned` records the share); each validator's dividend is
 * split by its root proportion into an alpha part (a share of the pending validator alpha, or of validator plus
 * server alpha when no miner earned) and a root part (a share of the pending root alpha); the validator's take
 * of each is staked to its owner, the rest raises its pool for all nominators or becomes root-claimable.
 * With child hotkeys on the subnet, each validator's dividend is first shared with its parents
 * (`parentChildDividends`), who are then paid as validators are. Hotkeys are visited in sorted order, as the
 * chain's BTreeMap does.
 */
export function distributeEmission(args: DistributeArgs): Distribution {
  const { subnet, pending, epoch, hotkeys, rootStakes } = args;
  const table = subnet.neurons;
  const stakes = copyMap(subnet.stakes);
  const claimable = copyMap(subnet.rootClaimableRao);
  const info = uidInfo(hotkeys, table.hotkeys);
  let addedHotkey = false;
  const stakeTo = (h: string, coldkey: string, amount: bigint): void => {
    if (amount <= 0n) return;
    const pool = stakes.get(h);
    if (pool === undefined) addedHotkey = true;
    stakes.set(h, addStakeWithShares(pool ?? EMPTY_STAKE, coldkey, amount));
  };
  let paid = 0n;

  // Per-hotkey incentive and dividend amounts (rao) from the epoch, summed over uids, in hotkey order. Zero amounts
  // are left out: they pay, withhold and weigh nothing below.
  const order = sortedUids(table.hotkeys);
  const incentives = amounts();
  const dividends = amounts();
  let incentiveSum = 0n;
  for (let k = 0; k < order.length; k++) {
    const uid = order[k]!;
    const incentive = epoch.serverEmission[uid] ?? 0n;
    const dividend = epoch.validatorEmission[uid] ?? 0n;
    addTo(incentives, table.hotkeys[uid]!, uid, incentive);
    addTo(dividends, table.hotkeys[uid]!, uid, dividend);
    incentiveSum += incentive;
  }
  const validatorAlpha = incentiveSum > 0n ? pending.validatorRao : pending.validatorRao + pending.serverRao;

  // Owner cut, staked to the owner's hotkey.
  stakeTo(subnet.ownerHotkey, subnet.ownerColdkey, pending.ownerCutRao);
  paid += pending.ownerCutRao;

  // Miner incentive; the owner's registered hotkeys are withheld.
  let withheld = 0n;
  for (let k = 0; k < incentives.hotkeys.length; k++) {
    const h = incentives.hotkeys[k]!;
    const amount = incentives.amounts[k]!;
    const owner = info.owner[incentives.uids[k]!]!;
    if (h === subnet.ownerHotkey || owner === subnet.ownerColdkey) {
      withheld += amount;
      continue;
    }
    stakeTo(h, owner, amount);
    paid += amount;
  }
  const minerBurnedU96F32 = incentiveSum === 0n ? 0n : divU96F32(withheld << 32n, incentiveSum << 32n);

  // Who is paid each dividend and with what take: the uid's hotkey, or with child hotkeys on the subnet, the
  // hotkey and its parents (which need not hold a uid here).
  let divOwner: string[];
  let divTake: bigint[];
  let divs = dividends;
  if (hasChildkeyLinks(subnet)) {
    divs = parentChildDividends(dividends, { subnet, hotkeys, rootStakes, taoWeightU64: args.taoWeightU64 });
    divOwner = divs.hotkeys.map((h) => hotkeys.get(h)?.owner ?? h);
    divTake = divs.hotkeys.map((h) => takeU96F32(hotkeys, h));
  } else {
    divOwner = dividends.uids.map((uid) => info.owner[uid]!);
    divTake = dividends.uids.map((uid) => info.take[uid]!);
  }

  // Dividends: alpha and root parts by each hotkey's root proportion (calculate_dividend_distribution).
  const taoWeight = taoWeightU96F32(args.taoWeightU64);
  const divHotkeys = divs.hotkeys;
  const alphaDivs: bigint[] = [];
  const rootDivs: bigint[] = [];
  let alphaTotal = 0n;
  let rootTotal = 0n;
  for (let k = 0; k < divHotkeys.length; k++) {
    const h = divHotkeys[k]!;
    const dividend = divs.amounts[k]! << 32n;
    const alphaStake = (subnet.stakes.get(h)?.valueRao ?? 0n) << 32n;
    const rootAlpha = mulU96F32((rootStakes.get(h)?.valueRao ?? 0n) << 32n, taoWeight);
    const rootProp = divU96F32(rootAlpha, alphaStake + rootAlpha);
    const root = mulU96F32(dividend, rootProp);
    alphaDivs.push(dividend - root);
    rootDivs.push(root);
    alphaTotal += dividend - root;
    rootTotal += root;
  }
  for (let k = 0; k < divHotkeys.length; k++) {
    const h = divHotkeys[k]!;
    const payout = mulU96F32(validatorAlpha << 32n, divU96F32(alphaDivs[k]!, alphaTotal));
    const take = mulU96F32(divTake[k]!, payout);
    stakeTo(h, divOwner[k]!, take >> 32n);
    const rest = (payout - take) >> 32n;
    if (rest > 0n) {
      const pool = stakes.get(h);
      if (pool === undefined) addedHotkey = true;
      stakes.set(h, addValueForAll(pool ?? EMPTY_STAKE, rest));
    }
    paid += (take >> 32n) + rest;
  }
  for (let k = 0; k < divHotkeys.length; k++) {
    const h = divHotkeys[k]!;
    const payout = mulU96F32(pending.rootAlphaRao << 32n, divU96F32(rootDivs[k]!, rootTotal));
    const take = mulU96F32(divTake[k]!, payout);
    stakeTo(h, divOwner[k]!, take >> 32n);
    const rest = (payout - take) >> 32n;
    // increase_root_claimable_for_hotkey_and_subnet (staking/claim_root.rs): more alpha than the hotkey has TAO on
    // root (the chain compares the two amounts as they are) is staked to the hotkey's owner instead.
    if (rest > (rootStakes.get(h)?.valueRao ?? 0n)) stakeTo(h, divOwner[k]!, rest);
    else if (rest > 0n) claimable.set(h, (claimable.get(h) ?? 0n) + rest);
    paid += (take >> 32n) + rest;
  }

  const drained = pending.serverRao + pending.validatorRao + pending.rootAlphaRao + pending.ownerCutRao;
  const dust = drained - paid - withheld;
  const recycle = subnet.params.ownerIncentive === 'recycle';
  const next = copySubnet(subnet);
  // Stakes stay in hotkey order: only a hotkey new to the map (appended at its end) needs a sort.
  next.stakes = addedHotkey ? new Map([...stakes].sort(([a], [b]) => byKey(a, b))) : stakes;
  next.rootClaimableRao = claimable;
  next.minerBurnedU96F32 = minerBurnedU96F32;
  if (recycle) next.pool = { ...subnet.pool, alphaOutRao: subnet.pool.alphaOutRao - withheld };
  else next.burnedAlphaRao = subnet.burnedAlphaRao + withheld;
  next.dustAlphaRao = subnet.dustAlphaRao + dust;
  const neurons = copyNeurons(table);
  neurons.bonds = epoch.bonds;
  neurons.validatorPermits = epoch.newValidatorPermits;
  neurons.emissionRao = epoch.emission;
  neurons.incentive = epoch.incentive;
  neurons.dividends = epoch.dividends;
  neurons.consensus = epoch.consensus;
  next.neurons = neurons;
  return {
    subnet: next,
    paidRao: paid,
    withheldRao: withheld,
    dustRao: dust,
  };
}

/** `get_hotkey_take_float`: Delegates[hotkey] / 65535 as U96F32 (default take 11796 = 18%). */
function takeU96F32(hotkeys: ReadonlyMap<string, HotkeyInfo>, hotkey: string): bigint {
  const takeU16 = hotkeys.get(hotkey)?.takeU16 ?? 11_796;
  let bits = takeBits.get(takeU16); // a handful of distinct takes: each division done once
  if (bits === undefined) {
    const take = BigInt(takeU16);
    bits = take === 65535n ? ONE : divU96F32(take << 32n, 65535n << 32n);
    takeBits.set(takeU16, bits);
  }
  return bits;
}

const takeBits = new Map<number, bigint>();
