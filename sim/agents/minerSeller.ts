import { stakeOf } from '../economy/sharePool.ts';
import { findSubnet } from '../economy/state.ts';
import { type Action, type Agent, nextPeriodic } from './types.ts';

export interface SellerSpec {
  readonly id: string;
  readonly netuid: number;
  /** The miners as [hotkey, coldkey]: each sells what its coldkey holds on its own hotkey. */
  readonly miners: readonly (readonly [string, string])[];
  readonly every: number;
}

/**
 * Miners who sell their rewards: every `every` blocks each miner unstakes all the alpha its coldkey holds on its
 * hotkey (through the pool; 1:1 on a stable subnet), so its earnings become free TAO and it holds no stake — the
 * usual behaviour of miners who pay their operating costs in fiat, and what keeps miners from voting with stake.
 */
export function minerSeller(spec: SellerSpec): Agent {
  return {
    id: spec.id,
    nextAct: (from) => nextPeriodic(from, spec.every),
    act(view): Action[] {
      if ((view.block + 1) % spec.every !== 0) return [];
      const subnet = findSubnet(view.subnets, spec.netuid);
      if (!subnet) return [];
      const actions: Action[] = [];
      for (const [hotkey, coldkey] of spec.miners) {
        const pool = subnet.stakes.get(hotkey);
        const alphaRao = pool ? stakeOf(pool, coldkey) : 0n;
        if (alphaRao > 0n) actions.push({ kind: 'removeStake', coldkey, hotkey, netuid: spec.netuid, alphaRao });
      }
      return actions;
    },
  };
}
