import type { Arith } from './arith.ts';

/**
 * Sparse matrices as the chain's epoch holds them (`Vec<Vec<(u16, I32F32)>>`): one row per uid, (column, value)
 * pairs in storage order. Each helper mirrors the pallets/subtensor/src/epoch/math.rs function of the same name.
 */
export interface Row<T> {
  cols: number[];
  vals: T[];
}
export type Matrix<T> = Row<T>[];

export const emptyRow = <T>(): Row<T> => ({ cols: [], vals: [] });

/** Keep the entries (i, j, v) for which `keep(i, j, v)` holds. */
export function filterEntries<T>(m: Matrix<T>, keep: (i: number, j: number, v: T) => boolean): Matrix<T> {
  return m.map((row, i) => {
    const out = emptyRow<T>();
    for (let k = 0; k < row.cols.length; k++) {
      const j = row.cols[k]!;
      const v = row.vals[k]!;
      if (keep(i, j, v)) {
        out.cols.push(j);
        out.vals.push(v);
      }
    }
    return out;
  });
}

export const mapValues = <T>(m: Matrix<T>, f: (v: T, i: number, j: number) => T): Matrix<T> =>
  m.map((row, i) => ({ cols: row.cols.slice(), vals: row.vals.map((v, k) => f(v, i, row.cols[k]!)) }));

/** Plain sum (the chain's `iter().sum()`). */
export function sum<T extends number | bigint>(a: Arith<T>, xs: readonly T[]): T {
  let s = a.zero;
  for (const x of xs) s = a.add(s, x);
  return s;
}

/** `inplace_normalize`: x / Σx unless Σx == 0. */
export function normalize<T extends number | bigint>(a: Arith<T>, xs: readonly T[]): T[] {
  const s = sum(a, xs);
  return s === a.zero ? xs.slice() : xs.map((x) => a.div(x, s));
}

/** `inplace_row_normalize_sparse`: rows with a positive sum are divided by it. */
export const rowNormalize = <T extends number | bigint>(a: Arith<T>, m: Matrix<T>): Matrix<T> =>
  m.map((row) => {
    const s = sum(a, row.vals);
    return s > a.zero ? { cols: row.cols.slice(), vals: row.vals.map((v) => a.div(v, s)) } : row;
  });

/** `row_sum_sparse`. */
export const rowSums = <T extends number | bigint>(a: Arith<T>, m: Matrix<T>): T[] => m.map((row) => sum(a, row.vals));

/** Per-column reduction over columns 0..n-1 (entries with j >= n are ignored). */
function columnFold<T extends number | bigint>(m: Matrix<T>, n: number, init: T, f: (acc: T, v: T) => T): T[] {
  const acc = new Array<T>(n).fill(init);
  for (const row of m) {
    for (let k = 0; k < row.cols.length; k++) {
      const j = row.cols[k]!;
      if (j < n) acc[j] = f(acc[j]!, row.vals[k]!);
    }
  }
  return acc;
}

/** `inplace_col_normalize_sparse`: columns with a non-zero (saturating) sum are divided by it. */
export function colNormalize<T extends number | bigint>(a: Arith<T>, m: Matrix<T>, n: number): Matrix<T> {
  const colSum = columnFold(m, n, a.zero, a.add);
  return mapValues(m, (v, _i, j) => {
    const d = j < n ? colSum[j]! : a.zero;
    return d !== a.zero ? a.div(v, d) : v;
  });
}

/** `inplace_col_max_upscale_sparse`: columns divided by their maximum (when non-zero). */
export function colMaxUpscale<T extends number | bigint>(a: Arith<T>, m: Matrix<T>, n: number): Matrix<T> {
  const colMax = columnFold(m, n, a.zero, (acc, v) => (acc < v ? v : acc));
  return mapValues(m, (v, _i, j) => {
    const d = j < n ? colMax[j]! : a.zero;
    return d !== a.zero ? a.div(v, d) : v;
  });
}

/** `col_clip_sparse`: min(w, c_j); an entry above a non-positive threshold is removed. */
export function colClip<T extends number | bigint>(a: Arith<T>, m: Matrix<T>, threshold: readonly T[]): Matrix<T> {
  return m.map((row) => {
    const out = emptyRow<T>();
    for (let k = 0; k < row.cols.length; k++) {
      const j = row.cols[k]!;
      const v = row.vals[k]!;
      const th = threshold[j] ?? a.zero;
      if (th < v) {
        if (th > a.zero) {
          out.cols.push(j);
          out.vals.push(th);
        }
      } else {
        out.cols.push(j);
        out.vals.push(v);
      }
    }
    return out;
  });
}

/** `matmul_sparse`: r_j = Σ_i s_i · m_ij (saturating, in row order). */
export function matmul<T extends number | bigint>(a: Arith<T>, m: Matrix<T>, s: readonly T[], n: number): T[] {
  const r = new Array<T>(n).fill(a.zero);
  m.forEach((row, i) => {
    const scale = s[i] ?? a.zero;
    for (let k = 0; k < row.cols.length; k++) {
      const j = row.cols[k]!;
      if (j < n) r[j] = a.add(r[j]!, a.mul(scale, row.vals[k]!));
    }
  });
  return r;
}

/** `matmul_transpose_sparse`: d_i = Σ_j v_j · m_ij. */
export const matmulTranspose = <T extends number | bigint>(a: Arith<T>, m: Matrix<T>, v: readonly T[]): T[] =>
  m.map((row) => {
    let acc = a.zero;
    for (let k = 0; k < row.cols.length; k++) acc = a.add(acc, a.mul(v[row.cols[k]!] ?? a.zero, row.vals[k]!));
    return acc;
  });

/** `interpolate_sparse`: m1 + ratio·(m2 − m1) over dense rows, keeping positive entries in column order. */
export function interpolate<T extends number | bigint>(
  a: Arith<T>,
  m1: Matrix<T>,
  m2: Matrix<T>,
  n: number,
  ratio: T,
): Matrix<T> {
  if (ratio === a.zero) return m1;
  if (ratio === a.one) return m2;
  return m1.map((r1, i) => {
    const d1 = densify(a, r1, n);
    const d2 = densify(a, m2[i]!, n);
    const out = emptyRow<T>();
    for (let j = 0; j < n; j++) {
      const v = a.add(d1[j]!, a.mul(ratio, a.sub(d2[j]!, d1[j]!)));
      if (v > a.zero) {
        out.cols.push(j);
        out.vals.push(v);
      }
    }
    return out;
  });
}

/** A row as a dense vector of length n (later duplicates win, entries j >= n dropped). */
export function densify<T extends number | bigint>(a: Arith<T>, row: Row<T>, n: number): T[] {
  const d = new Array<T>(n).fill(a.zero);
  for (let k = 0; k < row.cols.length; k++) {
    const j = row.cols[k]!;
    if (j < n) d[j] = row.vals[k]!;
  }
  return d;
}

/** A dense row as a sparse row holding every column 0..n-1 (how the test-only dense epoch sees a matrix). */
export const fullRow = <T>(dense: T[]): Row<T> => ({ cols: dense.map((_, j) => j), vals: dense });
