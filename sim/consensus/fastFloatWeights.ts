import { type Csr, growF64, growI32, growU8, sortedColumns } from './fastFloatBuffers.ts';
import { gmul } from './grid.ts';
import type { EpochInput } from './types.ts';

// Kernel loops index arrays within their bounds: `a[i]!` there is a bounds-known read, not a guess.

/** How many weights entries the weights loader (assembly/weights.ts) may keep: the lengths of the rows of uids with a permit. */
export function weightsEntries(input: EpochInput, permits: Uint8Array): number {
  let cap = 0;
  for (let i = 0; i < input.n; i++) {
    const r = input.weights[i];
    if (permits[i] && r) cap += r.cols.length;
  }
  return cap;
}

/**
 * `col_clip_sparse` of `w` by `consensus` into `clipped`, with the row sums (validator trust) and `matmul_sparse` of
 * the clipped matrix by `activeStake` (ranks) computed in the same pass, in the generic path's order.
 */
export function clipTrustRanks(
  w: Csr,
  n: number,
  consensus: Float64Array,
  activeStake: Float64Array,
  clipped: Csr,
  trust: Float64Array,
  ranks: Float64Array,
): void {
  clipped.reserve(n, w.start[n]!);
  const { start, col, val } = w;
  const cStart = clipped.start;
  const cCol = clipped.col;
  const cVal = clipped.val;
  ranks.fill(0, 0, n);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    cStart[i] = nnz;
    const scale = activeStake[i]!;
    let rowSum = 0;
    const end = start[i + 1]!;
    for (let e = start[i]!; e < end; e++) {
      const j = col[e]!;
      const v = val[e]!;
      const th = consensus[j]!;
      let x = v;
      if (th < v) {
        if (!(th > 0)) continue;
        x = th;
      }
      cCol[nnz] = j;
      cVal[nnz++] = x;
      rowSum += x;
      ranks[j] = ranks[j]! + gmul(scale, x);
    }
    trust[i] = rowSum;
  }
  cStart[n] = nnz;
}

let d1 = new Float64Array(0);
let d2 = new Float64Array(0);
let mark = new Uint8Array(0);
let order = new Int32Array(0);

/**
 * `interpolate_sparse(w, clipped, ratio)` for 0 < ratio < 1: per row w + ratio·(clipped − w) over the densified rows
 * (later duplicates win), positive entries in column order. Columns outside the row give 0 and are skipped.
 */
export function interpolateRows(w: Csr, clipped: Csr, n: number, ratio: number, out: Csr): void {
  const { start, col, val } = w;
  out.reserve(n, start[n]!);
  d1 = growF64(d1, n);
  d2 = growF64(d2, n);
  mark = growU8(mark, n);
  order = growI32(order, n);
  d1.fill(0, 0, n);
  d2.fill(0, 0, n);
  mark.fill(0, 0, n);
  const oStart = out.start;
  const oCol = out.col;
  const oVal = out.val;
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    oStart[i] = nnz;
    const s = start[i]!;
    const e = start[i + 1]!;
    if (s === e) continue;
    for (let k = s; k < e; k++) d1[col[k]!] = val[k]!;
    for (let k = clipped.start[i]!; k < clipped.start[i + 1]!; k++) d2[clipped.col[k]!] = clipped.val[k]!;
    const count = sortedColumns(col, s, e, mark, order);
    const m = count < 0 ? e - s : count;
    for (let k = 0; k < m; k++) {
      const j = count < 0 ? col[s + k]! : order[k]!;
      const a = d1[j]!;
      const v = a + gmul(ratio, d2[j]! - a);
      if (v > 0) {
        oCol[nnz] = j;
        oVal[nnz++] = v;
      }
    }
    for (let k = s; k < e; k++) {
      d1[col[k]!] = 0;
      d2[col[k]!] = 0;
    }
  }
  oStart[n] = nnz;
}
