import { type Csr, growF64, growI32, growU8 } from './fastFloatBuffers.ts';
import { gdiv, gmul, u16p } from './grid.ts';
import type { EpochInput } from './types.ts';

// Kernel loops index arrays within their bounds: `a[i]!` there is a bounds-known read, not a guess.

/**
 * Stored bonds (rows < n, entries j < n) with bonds to uids registered at or after `lastTempo` dropped; values
 * u16/65535 (Yuma3) or the raw u16 (original Yuma).
 */
export function loadBonds(input: EpochInput, lastTempo: number, reg: Float64Array, yuma3: boolean, out: Csr): void {
  const n = input.n;
  const rows = input.bonds;
  let cap = 0;
  for (let i = 0; i < n; i++) cap += rows[i]?.cols.length ?? 0;
  out.reserve(n, cap);
  const { start, col, val } = out;
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    start[i] = nnz;
    const r = rows[i];
    if (!r) continue;
    const rc = r.cols;
    const rv = r.vals;
    for (let k = 0; k < rc.length; k++) {
      const j = rc[k]!;
      if (j >= n || lastTempo <= reg[j]!) continue;
      col[nnz] = j;
      val[nnz++] = yuma3 ? u16p(rv[k]!) : rv[k]!;
    }
  }
  start[n] = nnz;
}

/** Column sums in row-major entry order (`columnFold` with add). */
export function colSums(m: Csr, n: number, sums: Float64Array): void {
  sums.fill(0, 0, n);
  const { col, val } = m;
  const end = m.start[n]!;
  for (let e = 0; e < end; e++) {
    const j = col[e]!;
    sums[j] = sums[j]! + val[e]!;
  }
}

/** `inplace_col_normalize_sparse` in place; `sums` is scratch of length >= n. */
export function colNormalize(m: Csr, n: number, sums: Float64Array): void {
  colSums(m, n, sums);
  const { col, val } = m;
  const end = m.start[n]!;
  for (let e = 0; e < end; e++) {
    const d = sums[col[e]!]!;
    if (d !== 0) val[e] = gdiv(val[e]!, d);
  }
}

let acc = new Float64Array(0);
let mark = new Uint8Array(0);
let touched = new Int32Array(0);

/**
 * `mat_ema_sparse`: per row α·new accumulated first, then (1−α)·old, positive sums kept in column order. The
 * columns are visited by a scan of 0..n-1 for a dense row, or by sorting the touched columns of a sparse one.
 */
export function matEma(next: Csr, old: Csr, n: number, alpha: number, out: Csr): void {
  const rest = 1 - alpha;
  out.reserve(n, next.start[n]! + old.start[n]!);
  acc = growF64(acc, n);
  mark = growU8(mark, n);
  touched = growI32(touched, n);
  acc.fill(0, 0, n);
  mark.fill(0, 0, n);
  const oStart = out.start;
  const oCol = out.col;
  const oVal = out.val;
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    oStart[i] = nnz;
    let count = 0;
    for (let e = next.start[i]!; e < next.start[i + 1]!; e++) {
      const j = next.col[e]!;
      acc[j] = acc[j]! + gmul(alpha, next.val[e]!);
      if (mark[j] === 0) {
        mark[j] = 1;
        touched[count++] = j;
      }
    }
    for (let e = old.start[i]!; e < old.start[i + 1]!; e++) {
      const j = old.col[e]!;
      acc[j] = acc[j]! + gmul(rest, old.val[e]!);
      if (mark[j] === 0) {
        mark[j] = 1;
        touched[count++] = j;
      }
    }
    if (count === 0) continue;
    const dense = count * 8 > n;
    if (!dense) touched.subarray(0, count).sort();
    const m = dense ? n : count;
    for (let k = 0; k < m; k++) {
      const j = dense ? k : touched[k]!;
      const v = acc[j]!;
      if (v > 0) {
        oCol[nnz] = j;
        oVal[nnz++] = v;
      }
      acc[j] = 0;
      mark[j] = 0;
    }
  }
  oStart[n] = nnz;
}

/** `matmul_transpose_sparse(m, v)`: d_i = Σ_j v_j · m_ij in entry order. */
export function matmulTranspose(m: Csr, n: number, v: Float64Array, out: Float64Array): void {
  const { start, col, val } = m;
  for (let i = 0; i < n; i++) {
    let s = 0;
    const end = start[i + 1]!;
    for (let e = start[i]!; e < end; e++) s += gmul(v[col[e]!]!, val[e]!);
    out[i] = s;
  }
}

/**
 * Original Yuma's bonds (bonds.ts `yumaBonds`): ΔB = Wb∘S column-normalised, EMA with the column-normalised old
 * bonds, normalised again, into `ema`. `old` and `delta` are consumed as scratch.
 */
export function yumaBonds(
  wb: Csr,
  old: Csr,
  n: number,
  activeStake: Float64Array,
  alpha: number,
  delta: Csr,
  ema: Csr,
  sums: Float64Array,
): void {
  colNormalize(old, n, sums);
  const nnz = wb.start[n]!;
  delta.reserve(n, nnz);
  delta.start.set(wb.start.subarray(0, n + 1));
  delta.col.set(wb.col.subarray(0, nnz));
  for (let i = 0; i < n; i++) {
    const s = activeStake[i]!;
    for (let e = wb.start[i]!; e < wb.start[i + 1]!; e++) delta.val[e] = gmul(wb.val[e]!, s);
  }
  colNormalize(delta, n, sums);
  matEma(delta, old, n, alpha, ema);
  colNormalize(ema, n, sums);
}
