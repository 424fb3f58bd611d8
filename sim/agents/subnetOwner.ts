import { networkLockCost } from '../economy/ops/registerSubnet.ts';
import type { ChainParams } from '../economy/state.ts';
import type { Action, Agent } from './types.ts';

export interface SubnetOwnerSpec {
  readonly coldkey: string;
  /** Name of the subnet it will create. */
  readonly name: string;
  /** Registers once the lock cost has fallen to at most this (rao), from block `from` on. */
  readonly maxLockRao: bigint;
  readonly from: number;
  readonly params: ChainParams;
}

/**
 * A would-be subnet owner: waits until the network lock cost (which doubles with each registration and then decays)
 * is within its budget, registers its subnet (at 128 subnets the chain dissolves the lowest-priced non-immune one),
 * and calls start_call on the next block so emissions begin.
 */
export function subnetOwnerAgent(spec: SubnetOwnerSpec): Agent {
  let registered = false;
  let started = false;
  return {
    id: spec.coldkey,
    act(view): Action[] {
      if (view.block + 1 < spec.from || started) return [];
      const mine = view.subnets.find((s) => s.ownerColdkey === spec.coldkey && s.name === spec.name);
      if (mine) {
        started = true;
        return [{ kind: 'startCall', coldkey: spec.coldkey, netuid: mine.netuid }];
      }
      if (registered || networkLockCost(view, spec.params) > spec.maxLockRao) return [];
      registered = true;
      return [{ kind: 'registerSubnet', coldkey: spec.coldkey, hotkey: `${spec.name}-owner`, name: spec.name }];
    },
  };
}
