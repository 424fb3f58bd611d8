import { type Csr, growF64, growI32, growU8, sortedColumns } from './fastFloatBuffers.ts';
import type { Voters } from './fastFloatMedian.ts';
import { gdiv, gmul } from './grid.ts';
import type { EpochInput } from './types.ts';

// Kernel loops index arrays within their bounds: `a[i]!` there is a bounds-known read, not a guess.

/** How many weights entries `loadWeights` may keep: the lengths of the rows of uids with a permit. */
export function weightsEntries(input: EpochInput, permits: Uint8Array): number {
  let cap = 0;
  for (let i = 0; i < input.n; i++) {
    const r = input.weights[i];
    if (permits[i] && r) cap += r.cols.length;
  }
  return cap;
}

/**
 * weights.ts `epochWeights` into `w`: rows of uids without a (previous) permit empty, entries j >= n dropped, the
 * diagonal dropped except the owner's, weights set before the target's registration dropped, commit-reveal's mask,
 * then each row with a positive sum divided by it (zero entries are kept). `reg` is blockAtRegistration as doubles.
 * The rows of voters are also scattered into the column-major score matrix of the median (later duplicates win, as
 * in `weightedMedianColumns`). Returns whether every row is strictly increasing in its columns.
 */
export function loadWeights(
  input: EpochInput,
  permits: Uint8Array,
  owner: number,
  reg: Float64Array,
  w: Csr,
  voters: Voters,
  scores: Float64Array,
): boolean {
  const n = input.n;
  const rows = input.weights;
  w.reserve(n, weightsEntries(input, permits));
  const { start, col, val } = w;
  const commit = input.params.commitRevealEnabled ? input.commitBlocks : undefined;
  const lastUpdate = input.lastUpdate;
  const pos = voters.pos;
  const nv = voters.count;
  // The newest registration (NaN entries never drop a weight: comparisons with NaN are false).
  let newest = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < n; j++) if (reg[j]! > newest) newest = reg[j]!;
  let nnz = 0;
  let unsorted = 0;
  for (let i = 0; i < n; i++) {
    start[i] = nnz;
    const r = rows[i];
    if (!permits[i] || !r) continue;
    const rc = r.cols;
    const rv = r.vals;
    const lu = lastUpdate[i]!;
    const cb = commit ? (commit[i] ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
    const self = i !== owner ? i : -1;
    const first = nnz;
    // u16 values: an int32 sum is exact below 32768 entries; the double sum of integers is exact in any order.
    let isum = 0;
    let fsum = 0;
    const small = rc.length < 32768;
    let prev = -1;
    if (lu > newest && cb >= newest && small) {
      // No registration can drop a weight of this row: only the range and the diagonal.
      for (let k = 0; k < rc.length; k++) {
        const j = rc[k]!;
        if (j >= n || j === self) continue;
        const v = rv[k]!;
        col[nnz] = j;
        val[nnz++] = v;
        isum = (isum + v) | 0;
        unsorted |= +(j <= prev);
        prev = j;
      }
    } else {
      for (let k = 0; k < rc.length; k++) {
        const j = rc[k]!;
        if (j >= n || j === self) continue;
        const rj = reg[j]!;
        if (lu <= rj || cb < rj) continue;
        const v = rv[k]!;
        col[nnz] = j;
        val[nnz++] = v;
        if (small) isum = (isum + v) | 0;
        else fsum += v;
        unsorted |= +(j <= prev);
        prev = j;
      }
    }
    const sum = small ? isum : fsum;
    const p = pos[i]!;
    if (p >= 0 && sum > 0) {
      for (let e = first; e < nnz; e++) {
        const x = gdiv(val[e]!, sum);
        val[e] = x;
        scores[col[e]! * nv + p] = x;
      }
    } else if (sum > 0) {
      for (let e = first; e < nnz; e++) val[e] = gdiv(val[e]!, sum);
    } else if (p >= 0) {
      for (let e = first; e < nnz; e++) scores[col[e]! * nv + p] = val[e]!;
    }
  }
  start[n] = nnz;
  return unsorted === 0;
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
