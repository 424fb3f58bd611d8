import type { Arith } from './arith.ts';
import { filterEntries, type Matrix, rowNormalize } from './sparse.ts';
import type { EpochInput, SparseMatrixU16 } from './types.ts';

/** Stored u16 rows (rows and columns < n) converted with `toValue`. */
export function loadRows<T>(m: SparseMatrixU16, n: number, toValue: (v: number) => T): Matrix<T> {
  const out: Matrix<T> = [];
  for (let i = 0; i < n; i++) {
    const row = m[i];
    const cols: number[] = [];
    const vals: T[] = [];
    if (row) {
      for (let k = 0; k < row.cols.length; k++) {
        const j = row.cols[k]!;
        if (j < n) {
          cols.push(j);
          vals.push(toValue(row.vals[k]!));
        }
      }
    }
    out.push({ cols, vals });
  }
  return out;
}

/**
 * The weights the epoch uses (run_epoch.rs "Weights" block): rows of validators without a (previous) permit are
 * emptied, self-weights dropped (the subnet owner's kept in the sparse epoch), weights set before the target's
 * (re)registration dropped, commit-reveal's column mask applied, then each row normalised.
 */
export function epochWeights<T extends number | bigint>(
  a: Arith<T>,
  input: EpochInput,
  forbidden: Uint8Array,
  ownerUid: number | null,
  dense: boolean,
): Matrix<T> {
  const { n, lastUpdate, blockAtRegistration: registered } = input;
  const commitBlocks = !dense && input.params.commitRevealEnabled ? input.commitBlocks : undefined;
  const weights = filterEntries(loadRows(input.weights, n, a.fromInt), (i, j) => {
    if (forbidden[i]) return false;
    if (i === j && (dense || i !== ownerUid)) return false;
    if (lastUpdate[i]! <= registered[j]!) return false;
    if (commitBlocks && (commitBlocks[i] ?? Number.POSITIVE_INFINITY) < registered[j]!) return false;
    return true;
  });
  return rowNormalize(a, weights);
}
