import type { ChainParams, PendingEmission, SubnetState } from './state.ts';
import type { SubnetWork } from './subnetWork.ts';

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
  /** Index of the subnet in the block's subnets list. */
  readonly index: number;
  readonly netuid: number;
  readonly pending: PendingEmission;
}

/**
 * `drain_pending` (coinbase/run_coinbase.rs): visit subnets in netuid order; each due subnet empties its four
 * pending buckets for its epoch, at most `maxEpochsPerBlock` per block; the rest are deferred to the next block.
 * Writes the block's working copy; returns the drained subnets in order.
 */
export function drainPending(
  work: SubnetWork,
  block: number,
  params: Pick<ChainParams, 'maxEpochsPerBlock' | 'epochSchedule'>,
): Drained[] {
  let run = 0;
  const drained: Drained[] = [];
  work.list.forEach((s, i) => {
    if (!shouldRunEpoch(s, block, params.epochSchedule)) return;
    if (run >= params.maxEpochsPerBlock) {
      if (s.pendingEpochAt !== block + 1) work.edit(i).pendingEpochAt = block + 1;
      return;
    }
    run++;
    drained.push({ index: i, netuid: s.netuid, pending: s.pending });
    const out = work.edit(i);
    out.lastStepBlock = block;
    out.pending = EMPTY;
    out.lastEpochBlock = block;
    out.pendingEpochAt = 0;
  });
  return drained;
}
