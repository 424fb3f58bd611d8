import { runEpoch } from './index.ts';
import type { EpochInput, EpochOptions, EpochParams, EpochResult, SparseMatrixU16, SparseRowU16 } from './types.ts';

/**
 * One epoch of a multi-epoch vector scenario (docs/vector-format.md), with everything resolved: hyperparameters, stake
 * and registration blocks are the values in force at this epoch. The types live here, not in io/, so that consensus
 * imports nothing from outside sim/consensus; io/vectorFile.ts builds them.
 */
export interface VectorEpoch {
  readonly currentBlock: number;
  readonly params: EpochParams;
  readonly bondsResetEnabled: boolean;
  /** Stake per uid in whole rao. */
  readonly stake: readonly bigint[];
  readonly blockAtRegistration: readonly number[];
  /** Rows set by this epoch's `weights` (other rows persist). */
  readonly weights: ReadonlyMap<number, SparseRowU16>;
  readonly lastUpdate: ReadonlyMap<number, number>;
  /** Bonds column to clear before this epoch runs (only when `bondsResetEnabled`). */
  readonly resetBondsUid: number | null;
}

export interface VectorScenario {
  readonly n: number;
  /** Validator permits and last weight-set blocks before the first epoch. */
  readonly initialPermits: readonly number[];
  readonly initialLastUpdate: readonly number[];
  readonly raoEmission: bigint;
  readonly ownerUid: number | null;
  /** The file asks for the chain's test-only dense epoch (an explicit `options.dense` wins). */
  readonly dense: boolean;
  readonly epochs: readonly VectorEpoch[];
}

const EMPTY: SparseRowU16 = { cols: new Uint16Array(0), vals: new Uint16Array(0) };

/** `do_reset_bonds`: remove column `uid` from every bonds row. */
function resetBonds(bonds: SparseMatrixU16, uid: number): SparseMatrixU16 {
  return bonds.map((row) => {
    const keep = [...row.cols.keys()].filter((k) => row.cols[k] !== uid);
    return { cols: Uint16Array.from(keep, (k) => row.cols[k]!), vals: Uint16Array.from(keep, (k) => row.vals[k]!) };
  });
}

/**
 * Replay a vector scenario through the kernel as the chain's tests do, one result per epoch: weights and last_update
 * accumulate, bonds and validator permits carry over from each epoch's output, bonds reset (when enabled) runs before
 * its epoch. Stake in whole rao becomes raw I64F64 (rao << 64).
 */
export function replayScenario(
  s: VectorScenario,
  options: EpochOptions = {},
  epoch: (input: EpochInput, options: EpochOptions) => EpochResult = runEpoch,
): EpochResult[] {
  const mode = options.mode ?? 'fixed';
  const dense = options.dense ?? s.dense;
  const weights: SparseRowU16[] = Array.from({ length: s.n }, () => EMPTY);
  const lastUpdate = s.initialLastUpdate.slice();
  let bonds: SparseMatrixU16 = Array.from({ length: s.n }, () => EMPTY);
  let permits: ArrayLike<number> = s.initialPermits;
  return s.epochs.map((e) => {
    for (const [uid, row] of e.weights) weights[uid] = row;
    for (const [uid, block] of e.lastUpdate) lastUpdate[uid] = block;
    if (e.resetBondsUid !== null && e.bondsResetEnabled) bonds = resetBonds(bonds, e.resetBondsUid);
    const result = epoch(
      {
        n: s.n,
        currentBlock: e.currentBlock,
        params: e.params,
        stake: e.stake.map((v) => v << 64n),
        lastUpdate: lastUpdate.slice(),
        blockAtRegistration: e.blockAtRegistration,
        validatorPermits: permits,
        weights: weights.slice(),
        bonds,
        ownerUid: s.ownerUid,
        lastMechanismStepBlock: 0,
        raoEmission: s.raoEmission,
      },
      { mode, dense },
    );
    bonds = result.bonds;
    permits = result.newValidatorPermits;
    return result;
  });
}
