import type { Arith } from './arith.ts';
import { expSafe } from './exp.ts';
import { colNormalize, type Matrix, matmulTranspose, normalize, type Row } from './sparse.ts';

/** `mat_ema_sparse`: α·new + (1−α)·old per entry (new accumulated first), positive entries in column order. */
export function matEma<T extends number | bigint>(a: Arith<T>, next: Matrix<T>, old: Matrix<T>, alpha: T): Matrix<T> {
  const n = next.length;
  const oneMinusAlpha = a.sub(a.one, alpha);
  const acc = new Array<T>(n).fill(a.zero); // reused per row: every cell is read and reset below
  return next.map((row, i) => {
    for (let k = 0; k < row.cols.length; k++) {
      const j = row.cols[k]!;
      if (j < n) acc[j] = a.add(acc[j]!, a.mul(alpha, row.vals[k]!));
    }
    const o = old[i];
    if (o) {
      for (let k = 0; k < o.cols.length; k++) {
        const j = o.cols[k]!;
        if (j < n) acc[j] = a.add(acc[j]!, a.mul(oneMinusAlpha, o.vals[k]!));
      }
    }
    const out: Row<T> = { cols: [], vals: [] };
    for (let j = 0; j < n; j++) {
      const v = acc[j]!;
      if (v > a.zero) {
        out.cols.push(j);
        out.vals.push(v);
      }
      acc[j] = a.zero;
    }
    return out;
  });
}

export interface LiquidAlpha<T> {
  readonly low: T;
  readonly high: T;
  readonly steepness: T;
}

/**
 * `alpha_sigmoid` (run_epoch.rs): a per-bond EMA rate that is high when the validator moves toward (buy) or away
 * from (sell) consensus by much, low when it barely moves.
 */
export function alphaSigmoid<T extends number | bigint>(
  a: Arith<T>,
  consensus: T,
  weight: T,
  bond: T,
  p: LiquidAlpha<T>,
  minusHundred: T,
  half: T,
): T {
  const combined = weight >= bond ? clamp01(a, a.sub(weight, consensus)) : clamp01(a, a.sub(bond, weight));
  const exponent = a.mul(a.satDiv(p.steepness, minusHundred), a.sub(combined, half));
  const sigmoid = a.satDiv(a.one, a.add(a.one, expSafe(a, exponent)));
  const alpha = a.add(p.low, a.mul(sigmoid, a.sub(p.high, p.low)));
  const capped = alpha < p.high ? alpha : p.high; // clamp_value: min(high) then max(low)
  return capped > p.low ? capped : p.low;
}

const clamp01 = <T extends number | bigint>(a: Arith<T>, x: T): T => (x > a.one ? a.one : x < a.zero ? a.zero : x);

/**
 * The value at column j of a row read the way `compute_liquid_alpha_values_sparse` walks it: a forward-only
 * cursor that skips entries with a smaller column. Queried with increasing j it equals the row's value at j
 * when the row is sorted, and reproduces the chain's reading of an unsorted row otherwise.
 */
function cursor<T>(row: Row<T> | undefined, zero: T): (j: number) => T {
  let p = 0;
  const len = row ? row.cols.length : 0;
  return (j) => {
    while (p < len && row!.cols[p]! < j) p++;
    return p < len && row!.cols[p] === j ? row!.vals[p]! : zero;
  };
}

/**
 * `compute_liquid_alpha_values_sparse` + `mat_ema_alpha_sparse`: each bond in a weights-for-bonds row moves
 * toward its weight at its own rate; bonds in columns absent from that row are dropped.
 * The rate is computed only for the columns the EMA reads (same values as the chain's full matrix).
 */
export function matEmaLiquid<T extends number | bigint>(
  a: Arith<T>,
  next: Matrix<T>,
  old: Matrix<T>,
  consensus: readonly T[],
  p: LiquidAlpha<T>,
): Matrix<T> {
  const n = consensus.length;
  const minusHundred = a.sub(a.zero, a.fromInt(100));
  const half = a.div(a.one, a.fromInt(2));
  // Per-row scratch indexed by column (rate, decayed old bond, and whether the column is in the row).
  const rate = new Array<T>(n).fill(a.zero);
  const decayed = new Array<T>(n).fill(a.zero);
  const inRow = new Uint8Array(n);
  return next.map((row, i) => {
    const oldRow = old[i];
    const wanted = sortedColumns(row.cols, n);
    const weightAt = cursor(row, a.zero);
    const bondAt = cursor(oldRow, a.zero);
    for (const j of wanted) {
      rate[j] = alphaSigmoid(a, consensus[j]!, weightAt(j), bondAt(j), p, minusHundred, half);
      decayed[j] = a.zero;
      inRow[j] = 1;
    }
    if (oldRow) {
      for (let k = 0; k < oldRow.cols.length; k++) {
        const j = oldRow.cols[k]!;
        if (j < n && inRow[j]) decayed[j] = a.mul(a.sub(a.one, rate[j]!), oldRow.vals[k]!);
      }
    }
    const out: Row<T> = { cols: [], vals: [] };
    for (let k = 0; k < row.cols.length; k++) {
      const j = row.cols[k]!;
      if (j >= n) continue;
      const inc = a.mul(rate[j]!, row.vals[k]!);
      const total = a.add(decayed[j]!, inc > a.zero ? inc : a.zero);
      const v = total < a.one ? total : a.one;
      if (v > a.zero) {
        out.cols.push(j);
        out.vals.push(v);
      }
    }
    for (const j of wanted) inRow[j] = 0;
    return out;
  });
}

/** The distinct columns < n of a row, ascending (rows are usually stored sorted already). */
function sortedColumns(cols: readonly number[], n: number): number[] {
  let sorted = true;
  for (let k = 1; k < cols.length; k++) if (cols[k]! <= cols[k - 1]!) sorted = false;
  const inRange = cols.filter((j) => j < n);
  return sorted ? inRange : [...new Set(inRange)].sort((x, y) => x - y);
}

/** Original Yuma: ΔB = W∘S column-normalised, EMA with the old column-normalised bonds, normalised again. */
export function yumaBonds<T extends number | bigint>(
  a: Arith<T>,
  weightsForBonds: Matrix<T>,
  bonds: Matrix<T>,
  activeStake: readonly T[],
  alpha: T,
  n: number,
): Matrix<T> {
  const old = colNormalize(a, bonds, n);
  const delta = colNormalize(
    a,
    weightsForBonds.map((row, i) => ({
      cols: row.cols.slice(),
      vals: row.vals.map((v) => a.mul(v, activeStake[i] ?? a.zero)),
    })),
    n,
  );
  return colNormalize(a, matEma(a, delta, old, alpha), n);
}

/** Yuma3 dividends: d_i = (Σ_j B̂_ij · I_j) · S_i with B̂ the column-normalised EMA bonds, then normalised. */
export function yuma3Dividends<T extends number | bigint>(
  a: Arith<T>,
  emaBonds: Matrix<T>,
  incentive: readonly T[],
  activeStake: readonly T[],
  n: number,
): T[] {
  const perValidator = matmulTranspose(a, colNormalize(a, emaBonds, n), incentive);
  return normalize(
    a,
    perValidator.map((b, i) => a.checkedMul(b, activeStake[i] ?? a.zero)),
  );
}
