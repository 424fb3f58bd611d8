import { loadBonds } from './fastFloatBonds.ts';
import type { Csr } from './fastFloatBuffers.ts';
import { EMPTY_ROW, storageBuffer, storedRow } from './fastFloatOutput.ts';
import { gdiv, gmul } from './grid.ts';
import type { EpochInput, SparseRowU16 } from './types.ts';

// Kernel loops index arrays within their bounds: `a[i]!` there is a bounds-known read, not a guess.

/**
 * Original Yuma's stored bonds as raw u16 values (bonds to uids registered at or after `lastTempo` dropped) with
 * their column sums (integers: exact). Returns whether every filtered row is strictly increasing.
 */
export function loadRawBonds(
  input: EpochInput,
  lastTempo: number,
  reg: Float64Array,
  out: Csr,
  colSum: Float64Array,
): boolean {
  loadBonds(input, lastTempo, reg, false, out);
  const n = input.n;
  const { start, col, val } = out;
  colSum.fill(0, 0, n);
  let unsorted = 0;
  for (let i = 0; i < n; i++) {
    let prev = -1;
    const end = start[i + 1]!;
    for (let q = start[i]!; q < end; q++) {
      const j = col[q]!;
      colSum[j] = colSum[j]! + val[q]!;
      unsorted |= +(j <= prev);
      prev = j;
    }
  }
  return unsorted === 0;
}

/**
 * `col_clip_sparse` with validator trust and ranks (as clipTrustRanks), and ΔB = Wb∘S (Wb the clipped weights or
 * the weights) into `delta` with its column sums. Sums of grid values: exact in any order.
 */
export function clipDelta(
  w: Csr,
  n: number,
  consensus: Float64Array,
  activeStake: Float64Array,
  clippedForBonds: boolean,
  trust: Float64Array,
  ranks: Float64Array,
  delta: Csr,
  colSum: Float64Array,
): void {
  const { start, col, val } = w;
  delta.reserve(n, start[n]!);
  const dStart = delta.start;
  const dCol = delta.col;
  const dVal = delta.val;
  ranks.fill(0, 0, n);
  colSum.fill(0, 0, n);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    dStart[i] = nnz;
    const scale = activeStake[i]!;
    let t0 = 0;
    let t1 = 0;
    const end = start[i + 1]!;
    for (let q = start[i]!; q < end; q++) {
      const j = col[q]!;
      const v = val[q]!;
      const th = consensus[j]!;
      const m = +(th < v);
      const removed = m & +!(th > 0); // 0/1 without a branch on m (unpredictable: about half the entries clip)
      const x = th * m + v * (1 - m);
      let d = 0;
      if (removed === 0) {
        if (q & 1) t1 += x;
        else t0 += x;
        d = gmul(scale, x);
        ranks[j] = ranks[j]! + d;
        if (!clippedForBonds) d = gmul(v, scale);
      } else if (clippedForBonds) continue;
      else d = gmul(v, scale);
      dCol[nnz] = j;
      dVal[nnz++] = d;
      colSum[j] = colSum[j]! + d;
    }
    trust[i] = t0 + t1;
  }
  dStart[n] = nnz;
}

/**
 * `mat_ema_sparse(colNormalize(ΔB), colNormalize(B), α)` with both normalisations applied on the fly, as a merge of
 * the two (strictly increasing) rows; the result's column sums into `colSumE` and column maxima into `colMaxE`.
 */
export function emaMerge(
  delta: Csr,
  colSumD: Float64Array,
  old: Csr,
  colSumB: Float64Array,
  n: number,
  alpha: number,
  ema: Csr,
  colSumE: Float64Array,
  colMaxE: Float64Array,
): void {
  const rest = 1 - alpha;
  ema.reserve(n, delta.start[n]! + old.start[n]!);
  const { col: dc, val: dv } = delta;
  const { col: bc, val: bv } = old;
  const oStart = ema.start;
  const oCol = ema.col;
  const oVal = ema.val;
  colSumE.fill(0, 0, n);
  colMaxE.fill(0, 0, n);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    oStart[i] = nnz;
    let p = delta.start[i]!;
    const pe = delta.start[i + 1]!;
    let q = old.start[i]!;
    const qe = old.start[i + 1]!;
    while (p < pe || q < qe) {
      const jd = p < pe ? dc[p]! : 0x7fffffff;
      const jb = q < qe ? bc[q]! : 0x7fffffff;
      const j = jd < jb ? jd : jb;
      let v = 0;
      if (jd === j) {
        const s = colSumD[j]!;
        const x = s !== 0 ? gdiv(dv[p]!, s) : dv[p]!;
        v = gmul(alpha, x);
        p++;
      }
      if (jb === j) {
        const s = colSumB[j]!;
        const x = s !== 0 ? gdiv(bv[q]!, s) : bv[q]!;
        v = v + gmul(rest, x);
        q++;
      }
      if (v > 0) {
        oCol[nnz] = j;
        oVal[nnz++] = v;
        colSumE[j] = colSumE[j]! + v;
        if (v > colMaxE[j]!) colMaxE[j] = v;
      }
    }
  }
  oStart[n] = nnz;
}

/**
 * The end of original Yuma in one pass over the EMA bonds: each value column-normalised (`colSum`), the dividends
 * Σ_j I_j·B̂_ij (not yet normalised), and the bonds storage (storeBonds: rows of uids with a new permit as
 * (col, floor(B̂/max_col B̂ · 65535)), the others empty). The column maximum of B̂ is gdiv(max_col B, colSum):
 * gdiv is non-decreasing in its dividend (a correctly rounded or exact quotient, truncated), so the largest
 * normalised value is the normalised largest one — the same value `colMaxima` of B̂ gives, without a pass for it.
 */
export function normalizeStoreEma(
  ema: Csr,
  n: number,
  colSum: Float64Array,
  colMax: Float64Array,
  incentive: Float64Array,
  newPermits: Uint8Array,
  dividends: Float64Array,
): SparseRowU16[] {
  const { start, col, val } = ema;
  // colMax holds the raw maxima (emaMerge's); normalised in place.
  for (let j = 0; j < n; j++) {
    const s = colSum[j]!;
    const m = colMax[j]!;
    colMax[j] = s !== 0 ? gdiv(m, s) : m;
  }
  const { buf, size } = storageBuffer(start, n, newPermits);
  const rows: SparseRowU16[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const first = start[i]!;
    const end = start[i + 1]!;
    const stored = newPermits[i] !== 0;
    let s0 = 0;
    let s1 = 0;
    for (let q = first; q < end; q++) {
      const j = col[q]!;
      const sum = colSum[j]!;
      const x = sum !== 0 ? gdiv(val[q]!, sum) : val[q]!;
      const term = gmul(incentive[j]!, x);
      if (q & 1) s1 += term;
      else s0 += term;
      if (stored) {
        const d = colMax[j]!;
        const u = Math.floor((d !== 0 ? gdiv(x, d) : x) * 65535);
        buf[at + q - first] = j;
        buf[size + at + q - first] = u < 0 ? 0 : u > 65535 ? 65535 : u;
      }
    }
    dividends[i] = s0 + s1;
    if (stored) {
      const len = end - first;
      rows.push(storedRow(buf, size, at, len));
      at += len;
    } else rows.push(EMPTY_ROW);
  }
  return rows;
}
