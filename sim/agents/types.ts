import type { MoveStakeTx } from '../economy/ops/moveStake.ts';
import type { SetChildkeyTakeTx, SetChildrenTx } from '../economy/ops/setChildren.ts';
import type { SetWeightsTx } from '../economy/ops/setWeights.ts';
import type { ChainState, SubnetParams } from '../economy/state.ts';

/** What an agent asks the chain to do; applied between blocks through the same operations users have. */
export type Action =
  | ({ readonly kind: 'setWeights' } & SetWeightsTx)
  | {
      readonly kind: 'addStake';
      readonly coldkey: string;
      readonly hotkey: string;
      readonly netuid: number;
      readonly taoRao: bigint;
    }
  | ({ readonly kind: 'moveStake' } & MoveStakeTx)
  | {
      readonly kind: 'removeStake';
      readonly coldkey: string;
      readonly hotkey: string;
      readonly netuid: number;
      readonly alphaRao: bigint;
    }
  | { readonly kind: 'registerNeuron'; readonly coldkey: string; readonly hotkey: string; readonly netuid: number }
  | { readonly kind: 'registerSubnet'; readonly coldkey: string; readonly hotkey: string; readonly name: string }
  | { readonly kind: 'startCall'; readonly coldkey: string; readonly netuid: number }
  | {
      readonly kind: 'setHyperparameters';
      readonly coldkey: string;
      readonly netuid: number;
      readonly params: Partial<SubnetParams>;
    }
  | { readonly kind: 'rootRegister'; readonly coldkey: string; readonly hotkey: string }
  | {
      readonly kind: 'setAutoParentDelegation';
      readonly coldkey: string;
      readonly hotkey: string;
      readonly enabled: boolean;
    }
  | ({ readonly kind: 'setChildren' } & SetChildrenTx)
  | ({ readonly kind: 'setChildkeyTake' } & SetChildkeyTakeTx);

/**
 * An agent: a small policy from a read-only view of the chain to actions. The view is valid during `act` only (the
 * runner applies the block's actions to a working copy in place): read what you need then, keep nothing of it.
 */
export interface Agent {
  readonly id: string;
  act(view: ChainState): readonly Action[];
  /**
   * The first block (a `view.block`, at least `from`) at which `act` may return actions, so the runner can skip the
   * blocks in between; absent, the agent is asked every block. Must never skip a block where `act` would act.
   */
  nextAct?(from: number): number;
}

/** The first block b ≥ from with (b + 1 − offset) a multiple of `every`: when a periodic agent acts. */
export function nextPeriodic(from: number, every: number, offset = 0): number {
  const r = (((from + 1 - offset) % every) + every) % every;
  return r === 0 ? from : from + every - r;
}
