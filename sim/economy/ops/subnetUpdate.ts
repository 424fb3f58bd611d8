import { type ChainState, copyChain, copyMap, findSubnet, type SubnetState, subnetIndex } from '../state.ts';
import { TxError } from '../txError.ts';

/** The subnet with this netuid, or a typed refusal. */
export function subnetOf(state: ChainState, netuid: number): SubnetState {
  const subnet = findSubnet(state.subnets, netuid);
  if (!subnet) throw new TxError('SubnetNotExists', `no subnet ${netuid}`);
  return subnet;
}

const uidIndex = new WeakMap<readonly string[], Map<string, number>>();

/**
 * A hotkey's uid on a subnet (−1 if not registered), through an index built once per hotkeys array: state is never
 * mutated, so an array's index stays valid, and a registration makes a new array (and a new index).
 */
export function uidOf(hotkeys: readonly string[], hotkey: string): number {
  let index = uidIndex.get(hotkeys);
  if (!index) {
    index = new Map();
    for (let uid = hotkeys.length - 1; uid >= 0; uid--) index.set(hotkeys[uid]!, uid);
    uidIndex.set(hotkeys, index);
  }
  return index.get(hotkey) ?? -1;
}

/** The state with one subnet replaced and some balances changed by the given deltas. */
export function withSubnet(
  state: ChainState,
  subnet: SubnetState,
  balanceDeltas: readonly (readonly [string, bigint])[] = [],
): ChainState {
  // The balances map is copied only when a balance changes (it holds every coldkey: copying it for a weights set
  // was most of that transaction's cost at the full network's scale).
  let changed: Map<string, bigint> | null = null;
  for (const [coldkey, delta] of balanceDeltas) {
    if (delta === 0n) continue;
    changed ??= copyMap(state.balances);
    changed.set(coldkey, (changed.get(coldkey) ?? 0n) + delta);
  }
  const next = copyChain(state);
  if (changed) next.balances = changed;
  const subnets = state.subnets.slice();
  const i = subnetIndex(subnets, subnet.netuid);
  if (i >= 0) subnets[i] = subnet;
  next.subnets = subnets;
  return next;
}
