import { stakeOf } from '../sharePool.ts';
import type { ChainState, HotkeyStake, SubnetState } from '../state.ts';
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

/** The coldkey's stake pool on a hotkey, checked to hold at least `alphaRao` (> 0), or a typed refusal. */
export function withdrawable(
  subnet: SubnetState,
  hotkey: string,
  coldkey: string,
  alphaRao: bigint,
  verb: string,
): HotkeyStake {
  const pool = subnet.stakes.get(hotkey);
  const held = pool ? stakeOf(pool, coldkey) : 0n;
  if (alphaRao <= 0n) throw new TxError('AmountTooLow', `${verb} amount must be positive, got ${alphaRao}`);
  if (!pool || held < alphaRao) {
    throw new TxError('NotEnoughStakeToWithdraw', `${coldkey} holds ${held} alpha on ${hotkey}, ${verb} ${alphaRao}`);
  }
  return pool;
}
