import type { MoveStakeTx } from '../economy/ops/moveStake.ts';
import type { ChainState } from '../economy/state.ts';

/** What an agent asks the chain to do; applied between blocks through the same operations users have. */
export type Action =
  | {
      readonly kind: 'setWeights';
      readonly hotkey: string;
      readonly netuid: number;
      readonly uids: readonly number[];
      readonly weights: readonly number[];
    }
  | {
      readonly kind: 'addStake';
      readonly coldkey: string;
      readonly hotkey: string;
      readonly netuid: number;
      readonly taoRao: bigint;
    }
  | ({ readonly kind: 'moveStake' } & MoveStakeTx)
  | { readonly kind: 'registerNeuron'; readonly coldkey: string; readonly hotkey: string; readonly netuid: number }
  | { readonly kind: 'registerSubnet'; readonly coldkey: string; readonly hotkey: string; readonly name: string }
  | { readonly kind: 'startCall'; readonly coldkey: string; readonly netuid: number };

/** An agent: a small policy from a read-only view of the chain to actions. */
export interface Agent {
  readonly id: string;
  act(view: ChainState): readonly Action[];
}
