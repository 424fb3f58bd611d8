import { dissolveSubnet } from '../dissolveSubnet.ts';
import { type SubnetSpec, subnetAt } from '../genesis.ts';
import { spotPriceU64F64 } from '../pool.ts';
import type { ChainParams, ChainState, SubnetState } from '../state.ts';
import { copyMap, findSubnet } from '../state.ts';
import { TxError } from '../txError.ts';

/**
 * `get_network_lock_cost` (coinbase/root.rs): twice the last lock (once for the first ever), less
 * last_lock / LockReductionInterval per block since, never below MinLock.
 */
export function networkLockCost(state: ChainState, params: ChainParams): bigint {
  const mult = state.lastLockBlock === 0 ? 1n : 2n;
  const decay =
    (state.lastLockRao / BigInt(params.lockReductionInterval)) * BigInt(Math.max(0, state.block - state.lastLockBlock));
  const cost = state.lastLockRao * mult - decay;
  return cost < params.minLockRao ? params.minLockRao : cost;
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
function medianPriceU64F64(subnets: readonly SubnetState[]): bigint {
  const prices = subnets.map((s) => spotPriceU64F64(s.pool)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (prices.length === 0) return 1n << 64n;
  const mid = prices.length >> 1;
  return prices.length % 2 ? prices[mid]! : (prices[mid - 1]! + prices[mid]!) / 2n;
}

/**
 * `register_network` at HEAD: the owner locks the lock cost; it becomes the new pool's TAO and the pool starts at
 * the median subnet price (alpha in = TAO / median price); the owner's hotkey is the first neuron. At the subnet
 * limit the lowest-priced non-immune subnet is dissolved first (refused when every subnet is immune). Emissions
 * start after `startCall` (firstEmissionBlock null until then).
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
  const cost = networkLockCost(state, params);
  const balance = state.balances.get(tx.coldkey) ?? 0n;
  if (balance < cost)
    throw new TxError('NotEnoughBalance', `${tx.coldkey} holds ${balance} rao, the subnet lock costs ${cost}`);
  const owner = state.hotkeys.get(tx.hotkey)?.owner;
  if (owner !== undefined && owner !== tx.coldkey)
    throw new TxError('NonAssociatedColdKey', `${tx.hotkey} belongs to ${owner}`);
  let s = state;
  if (s.subnets.length >= params.subnetLimit) {
    const prune = subnetToPrune(s, params);
    if (!prune) throw new TxError('SubnetLimitReached', `${params.subnetLimit} subnets, all still immune`);
    s = dissolveSubnet(s, prune.netuid).state;
  }
  let netuid = 1;
  while (s.subnets.some((x) => x.netuid === netuid)) netuid++;
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
      ...(tx.params !== undefined && { params: tx.params }),
    },
    s.block,
  );
  const balances = copyMap(s.balances).set(tx.coldkey, (s.balances.get(tx.coldkey) ?? 0n) - cost);
  const hotkeys =
    owner === undefined ? new Map([...s.hotkeys, [tx.hotkey, { owner: tx.coldkey, takeU16: 11_796 }]]) : s.hotkeys;
  return {
    ...s,
    balances,
    hotkeys,
    subnets: [...s.subnets, subnet].sort((a, b) => a.netuid - b.netuid),
    lastLockRao: cost,
    lastLockBlock: s.block,
  };
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
