import { networkLockCost, passesNetworkRateLimit } from '../economy/ops/registerSubnet.ts';
import type { ChainParams, SubnetParams } from '../economy/state.ts';
import type { Action, Agent } from './types.ts';

export interface SubnetOwnerSpec {
  readonly coldkey: string;
  /** Name of the subnet it will create. */
  readonly name: string;
  /** Registers once the lock cost has fallen to at most this (rao), from block `from` on. */
  readonly maxLockRao: bigint;
  readonly from: number;
  readonly params: ChainParams;
  /** Hyperparameters it sets on its subnet once emissions have started (none: it keeps the defaults). */
  readonly hyperparameters?: Partial<SubnetParams>;
}

/**
 * A would-be subnet owner: waits until the network lock cost (which doubles with each registration and then decays)
 * is within its budget and `NetworkRateLimit` blocks have passed since the last subnet registration, registers its
 * subnet (at 128 subnets the chain dissolves the lowest-priced non-immune one), calls start_call on the next block so
 * emissions begin, and then sets its hyperparameters, if it has any.
 */
export function subnetOwnerAgent(spec: SubnetOwnerSpec): Agent {
  let registered = false;
  let started = false;
  let tuned = spec.hyperparameters === undefined || Object.keys(spec.hyperparameters).length === 0;
  return {
    id: spec.coldkey,
    act(view): Action[] {
      if (view.block + 1 < spec.from || (started && tuned)) return [];
      const mine = view.subnets.find((s) => s.ownerColdkey === spec.coldkey && s.name === spec.name);
      if (mine && started) {
        tuned = true;
        return [
          { kind: 'setHyperparameters', coldkey: spec.coldkey, netuid: mine.netuid, params: spec.hyperparameters! },
        ];
      }
      if (mine) {
        started = true;
        return [{ kind: 'startCall', coldkey: spec.coldkey, netuid: mine.netuid }];
      }
      // It also waits out NetworkRateLimit (a refused registration would end its attempts).
      if (
        registered ||
        !passesNetworkRateLimit(view, spec.params) ||
        networkLockCost(view, spec.params) > spec.maxLockRao
      )
        return [];
      registered = true;
      return [{ kind: 'registerSubnet', coldkey: spec.coldkey, hotkey: `${spec.name}-owner`, name: spec.name }];
    },
  };
}
