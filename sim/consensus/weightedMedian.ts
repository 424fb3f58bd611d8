import type { Arith } from './arith.ts';
import { type Matrix, normalize, sum } from './sparse.ts';

/**
 * Stake-weighted median by repeated partitioning, as the chain's `weighted_median` (epoch/math.rs): the pivot is
 * the middle element of the current index list (no sorting), scores equal to the pivot go to neither side.
 * Returns the pivot once neither side can hold the `minority` boundary.
 */
export function weightedMedian<T extends number | bigint>(
  a: Arith<T>,
  stake: readonly T[],
  score: readonly T[],
  partition: readonly number[],
  minority: T,
  lo: T,
  hi: T,
): T {
  // Index lists live in three reused buffers (current, lower, upper) that swap roles: same order semantics as the
  // chain's vectors, without allocating per step.
  let cur = Int32Array.from(partition);
  let lower = new Int32Array(cur.length);
  let upper = new Int32Array(cur.length);
  let len = cur.length;
  const limit = partition.length;
  for (let iteration = 0; iteration <= limit; iteration++) {
    if (len === 0) return a.zero;
    if (len === 1) return score[cur[0]!] ?? a.zero;
    const pivot = score[cur[len >> 1]!] ?? a.zero;
    let nLower = 0;
    let nUpper = 0;
    let loStake = a.zero;
    let hiStake = a.zero;
    for (let k = 0; k < len; k++) {
      const idx = cur[k]!;
      const s = score[idx] ?? a.zero;
      if (s === pivot) continue;
      if (s < pivot) {
        loStake = a.add(loStake, stake[idx] ?? a.zero);
        lower[nLower++] = idx;
      } else {
        hiStake = a.add(hiStake, stake[idx] ?? a.zero);
        upper[nUpper++] = idx;
      }
    }
    if (minority < a.add(lo, loStake) && nLower > 0) {
      [cur, lower] = [lower, cur];
      len = nLower;
      hi = a.add(lo, loStake);
    } else if (a.sub(hi, hiStake) <= minority && nUpper > 0) {
      [cur, upper] = [upper, cur];
      len = nUpper;
      lo = a.sub(hi, hiStake);
    } else {
      return pivot;
    }
  }
  return a.zero;
}

/**
 * `weighted_median_col_sparse`: per column, the median of the scores of validators with positive stake
 * (missing weight = 0), weighted by their re-normalised stake, at majority `kappa`.
 */
export function weightedMedianColumns<T extends number | bigint>(
  a: Arith<T>,
  stake: readonly T[],
  weights: Matrix<T>,
  n: number,
  kappa: T,
): T[] {
  const voters: number[] = [];
  stake.forEach((s, i) => {
    if (s > a.zero) voters.push(i);
  });
  const useStake = normalize(
    a,
    voters.map((i) => stake[i]!),
  );
  const stakeSum = sum(a, useStake);
  const minority = a.sub(stakeSum, kappa);
  const partition = useStake.map((_, k) => k);
  const columns: T[][] = Array.from({ length: n }, () => new Array<T>(voters.length).fill(a.zero));
  voters.forEach((i, k) => {
    const row = weights[i];
    if (!row) return;
    for (let e = 0; e < row.cols.length; e++) {
      const column = columns[row.cols[e]!];
      if (column) column[k] = row.vals[e]!;
    }
  });
  return columns.map((score) => weightedMedian(a, useStake, score, partition, minority, a.zero, stakeSum));
}
