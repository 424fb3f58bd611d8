import type { ChainState, SubnetState } from '../state.ts';
import { TxError } from '../txError.ts';

/** The subnet with this netuid, or a typed refusal. */
export function subnetOf(state: ChainState, netuid: number): SubnetState {
  const subnet = state.subnets.find((s) => s.netuid === netuid);
  if (!subnet) throw new TxError('SubnetNotExists', `no subnet ${netuid}`);
  return subnet;
}

/** The state with one subnet replaced and some balances changed by the given deltas. */
export function withSubnet(
  state: ChainState,
  subnet: SubnetState,
  balanceDeltas: readonly (readonly [string, bigint])[] = [],
): ChainState {
  const balances = new Map(state.balances);
  for (const [coldkey, delta] of balanceDeltas) {
    if (delta !== 0n) balances.set(coldkey, (balances.get(coldkey) ?? 0n) + delta);
  }
  return { ...state, balances, subnets: state.subnets.map((s) => (s.netuid === subnet.netuid ? subnet : s)) };
}
