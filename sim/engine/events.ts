import { dissolveSubnet } from '../economy/dissolveSubnet.ts';
import { removeStake } from '../economy/ops/removeStake.ts';
import { stakeOf } from '../economy/sharePool.ts';
import type { ChainParams, ChainState, SubnetParams } from '../economy/state.ts';
import { findSubnet } from '../economy/state.ts';
import { TxError } from '../economy/txError.ts';

/** Something that happens to the network at a block (scenario `events`), applied before that block's agents. */
export type ChainEvent =
  | {
      readonly kind: 'setSubnetParam';
      readonly netuid: number;
      /**
       * A subnet registered during the run (a `subnet_owners` entry), whose netuid is not known in advance: the
       * subnet this coldkey owns under this name, if it exists by then (otherwise nothing changes). Replaces netuid.
       */
      readonly registeredBy?: { readonly coldkey: string; readonly name: string };
      readonly key: keyof SubnetParams;
      readonly value: number | boolean;
    }
  | { readonly kind: 'setTaoWeight'; readonly taoWeightU64: bigint }
  | { readonly kind: 'stakeShock'; readonly netuid: number; readonly fractionPpm: number }
  | { readonly kind: 'dissolveSubnet'; readonly netuid: number };

/**
 * Apply an event. A stake shock makes every staker on the subnet sell the given fraction of its stake through the
 * pool (in hotkey then coldkey order), as a panic would; sales the pool refuses are skipped.
 */
export function applyEvent(
  state: ChainState,
  params: ChainParams,
  e: ChainEvent,
): { state: ChainState; params: ChainParams } {
  switch (e.kind) {
    case 'setTaoWeight':
      return { state, params: { ...params, taoWeightU64: e.taoWeightU64 } };
    case 'setSubnetParam':
      return {
        state: {
          ...state,
          subnets: state.subnets.map((s) =>
            (
              e.registeredBy
                ? s.ownerColdkey === e.registeredBy.coldkey && s.name === e.registeredBy.name
                : s.netuid === e.netuid
            )
              ? {
                  ...s,
                  params: { ...s.params, [e.key]: e.value },
                  // sudo_set_tempo resets the scheduler's cycle: the next epoch a new tempo after now
                  // (`apply_tempo_with_cycle_reset`, utils/misc.rs).
                  ...(e.key === 'tempo' && { lastEpochBlock: state.block }),
                }
              : s,
          ),
        },
        params,
      };
    case 'dissolveSubnet':
      return { state: dissolveSubnet(state, e.netuid).state, params };
    case 'stakeShock': {
      let s = state;
      const subnet = findSubnet(s.subnets, e.netuid);
      for (const [hotkey, pool] of subnet ? [...subnet.stakes].sort(([a], [b]) => (a < b ? -1 : 1)) : []) {
        for (const coldkey of [...pool.shares.keys()].sort()) {
          // The pool as it is now: earlier sales in this loop changed it.
          const now = findSubnet(s.subnets, e.netuid)!.stakes.get(hotkey)!;
          const alphaRao = (stakeOf(now, coldkey) * BigInt(e.fractionPpm)) / 1_000_000n;
          if (alphaRao === 0n) continue;
          try {
            s = removeStake(s, params, { coldkey, hotkey, netuid: e.netuid, alphaRao });
          } catch (err) {
            if (!(err instanceof TxError)) throw err;
          }
        }
      }
      return { state: s, params };
    }
  }
}
