import type { ChainParams, PendingEmission, SubnetState } from './state.ts';

/** `MAX_TEMPO` (lib.rs): a subnet that has not stepped for longer than this runs an epoch anyway. */
export const MAX_TEMPO = 50_400;

const EMPTY: PendingEmission = { serverRao: 0n, validatorRao: 0n, rootAlphaRao: 0n, ownerCutRao: 0n };

/** `should_run_epoch` (HEAD stateful scheduler), or the [legacy] fixed formula when asked for. */
export function shouldRunEpoch(subnet: SubnetState, block: number, schedule: ChainParams['epochSchedule']): boolean {
  const tempo = subnet.params.tempo;
  if (tempo === 0) return false;
  if (schedule === 'legacyModulo') return (block + subnet.netuid + 1) % (tempo + 1) === 0;
  if (subnet.pendingEpochAt > 0 && block >= subnet.pendingEpochAt) return true;
  if (block - subnet.lastStepBlock > MAX_TEMPO) return true; // BlocksSinceLastStep > MaxTempo
  return block - subnet.lastEpochBlock >= tempo;
}

export interface Drained {
  readonly netuid: number;
  readonly pending: PendingEmission;
}

/**
 * `drain_pending` (coinbase/run_coinbase.rs): visit subnets in netuid order; each due subnet empties its four
 * pending buckets for its epoch, at most `maxEpochsPerBlock` per block; the rest are deferred to the next block.
 */
export function drainPending(
  subnets: readonly SubnetState[],
  block: number,
  params: Pick<ChainParams, 'maxEpochsPerBlock' | 'epochSchedule'>,
): { subnets: SubnetState[]; drained: Drained[] } {
  let run = 0;
  const drained: Drained[] = [];
  const next = subnets.map((s) => {
    if (!shouldRunEpoch(s, block, params.epochSchedule)) return s;
    if (run >= params.maxEpochsPerBlock)
      return s.pendingEpochAt === block + 1 ? s : { ...s, pendingEpochAt: block + 1 };
    run++;
    drained.push({ netuid: s.netuid, pending: s.pending });
    return { ...s, lastStepBlock: block, pending: EMPTY, lastEpochBlock: block, pendingEpochAt: 0 };
  });
  return { subnets: next, drained };
}
