import { type Csr, growU8 } from './fastFloatBuffers.ts';
import { alphaOf } from './fastFloatLiquid.ts';
import { gdiv, gmul, u16p } from './grid.ts';
import type { SparseMatrixU16 } from './types.ts';

// Kernel loops index arrays within their bounds: `a[i]!` there is a bounds-known read, not a guess.
// Grid constants are literals: V8 folds a literal (x / 2^32 becomes a multiply), not a module-level constant.

const NONE = new Uint16Array(0);
/** Past the last column: the bonds cursor's end. */
const END = 0x7fffffff;

/** The first position ≥ k of a stored bonds row whose column is kept (inside the subnet and not just registered). */
function keptFrom(cols: Uint16Array, n: number, keep: Uint8Array, k: number): number {
  let p = k;
  while (p < cols.length && !(cols[p]! < n && keep[cols[p]!] === 1)) p++;
  return p;
}
let keep = new Uint8Array(0);

/** What the fused Yuma3 pass reads besides the weights. */
export interface Yuma3Pass {
  readonly n: number;
  readonly bonds: SparseMatrixU16;
  /** Bonds to uids registered at or after this block are dropped. */
  readonly lastTempo: number;
  readonly reg: Float64Array;
  readonly consensus: Float64Array;
  readonly activeStake: Float64Array;
  /** 1: Wb = clipped weights (bonds penalty 1); 0: Wb = the weights (penalty 0). */
  readonly clippedForBonds: number;
  /** Liquid alpha (low, high, steepness) or, when `liquid` is false, the fixed EMA alpha. */
  readonly liquid: boolean;
  readonly alpha: number;
  readonly low: number;
  readonly high: number;
  readonly steepness: number;
}

/**
 * One pass per row for Yuma3 with weights rows strictly increasing and bonds penalty 0 or 1: `col_clip_sparse` with
 * validator trust and ranks (as clipTrustRanks), and the bond EMA (`mat_ema_sparse`, or the liquid-alpha EMA) merged
 * with the stored bonds row read in place (a forward cursor), into `ema` with its column sums. With sorted rows the
 * generic path's per-row scratch (rates by column, cursors, decayed bonds) reduces to this merge. Returns false, with
 * nothing usable written, when a filtered bonds row is not strictly increasing (then the general kernels must run).
 *
 * Exactness of the rewrites: clipped x = th·m + v·(1−m) with m ∈ {0,1} is exactly th or v; a dropped entry adds
 * x·0 = 0 to trust and ranks; the trust sum is of grid values below 2^21 (exact in any order).
 */
export function yuma3Pass(
  p: Yuma3Pass,
  w: Csr,
  trust: Float64Array,
  ranks: Float64Array,
  ema: Csr,
  colSum: Float64Array,
): boolean {
  const n = p.n;
  const bonds = p.bonds;
  const consensus = p.consensus;
  const activeStake = p.activeStake;
  const cf = p.clippedForBonds;
  const liquid = p.liquid;
  const start = w.start;
  const col = w.col;
  const val = w.val;
  keep = growU8(keep, n);
  const kp = keep;
  for (let j = 0; j < n; j++) kp[j] = p.lastTempo <= p.reg[j]! ? 0 : 1;
  let cap = start[n]!;
  if (!liquid) for (let i = 0; i < n; i++) cap += bonds[i]?.cols.length ?? 0;
  ema.reserve(n, cap);
  const oStart = ema.start;
  const oCol = ema.col;
  const oVal = ema.val;
  ranks.fill(0, 0, n);
  colSum.fill(0, 0, n);
  const alpha = p.alpha;
  const rest = 1 - alpha;
  const low = p.low;
  const high = p.high;
  const k = gdiv(p.steepness, -100);
  const alphaAtZero = liquid ? alphaOf(0, k, low, high) : 0;
  let lastCombined = 0;
  let lastAlpha = alphaAtZero;
  let unsorted = 0;
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    oStart[i] = nnz;
    const s = start[i]!;
    const e = start[i + 1]!;
    const r = bonds[i];
    const bc = r ? r.cols : NONE;
    const bv = r ? r.vals : NONE;
    const blen = bc.length;
    trust[i] = 0;
    if (s === e && (liquid || blen === 0)) continue;
    const scale = activeStake[i]!;
    let pb = keptFrom(bc, n, kp, 0);
    let bj = pb < blen ? bc[pb]! : END;
    let t0 = 0;
    let t1 = 0;
    for (let q = s; q < e; q++) {
      const j = col[q]!;
      const v = val[q]!;
      const th = consensus[j]!;
      const m = +(th < v);
      const kept = 1 - (m & +!(th > 0));
      const x = th * m + v * (1 - m);
      if (q & 1) t1 += x * kept;
      else t0 += x * kept;
      ranks[j] = ranks[j]! + gmul(scale, x) * kept;
      if (kept < cf) continue;
      const wv = cf === 1 ? x : v;
      // The bonds cursor: decayed bonds of columns before j (plain EMA), then the bond at j if any.
      while (bj < j) {
        if (!liquid) {
          const d = gmul(rest, u16p(bv[pb]!));
          if (d > 0) {
            oCol[nnz] = bj;
            oVal[nnz++] = d;
            colSum[bj] = colSum[bj]! + d;
          }
        }
        pb = keptFrom(bc, n, kp, pb + 1);
        const next = pb < blen ? bc[pb]! : END;
        unsorted |= +(next <= bj);
        bj = next;
      }
      let b = 0;
      const has = bj === j;
      if (has) {
        b = u16p(bv[pb]!);
        pb = keptFrom(bc, n, kp, pb + 1);
        const next = pb < blen ? bc[pb]! : END;
        unsorted |= +(next <= bj);
        bj = next;
      }
      let out: number;
      if (liquid) {
        // alphaSigmoid's `combined`; with Wb clipped, w ≤ c so w ≥ b gives 0 and w < b gives b − w ∈ (0, 1].
        let combined: number;
        if (cf === 1) combined = (b - wv) * +(wv < b);
        else {
          const ge = +(wv >= b);
          const diff = (wv - th) * ge + (b - wv) * (1 - ge);
          const under = +(diff < 0);
          const over = +(diff > 1);
          combined = diff * (1 - under - over) + over;
        }
        let rate = alphaAtZero;
        if (combined !== 0) {
          if (combined !== lastCombined) {
            lastCombined = combined;
            lastAlpha = alphaOf(combined, k, low, high);
          }
          rate = lastAlpha;
        }
        const inc = gmul(rate, wv);
        const total = gmul(1 - rate, b) + (inc > 0 ? inc : 0);
        out = total < 1 ? total : 1;
      } else {
        out = gmul(alpha, wv);
        if (has) out = out + gmul(rest, b);
      }
      if (out > 0) {
        oCol[nnz] = j;
        oVal[nnz++] = out;
        colSum[j] = colSum[j]! + out;
      }
    }
    trust[i] = t0 + t1;
    // The rest of the bonds row: decayed bonds after the last weight (plain EMA), and the order check.
    while (bj !== END) {
      if (!liquid) {
        const d = gmul(rest, u16p(bv[pb]!));
        if (d > 0) {
          oCol[nnz] = bj;
          oVal[nnz++] = d;
          colSum[bj] = colSum[bj]! + d;
        }
      }
      pb = keptFrom(bc, n, kp, pb + 1);
      const next = pb < blen ? bc[pb]! : END;
      unsorted |= +(next <= bj);
      bj = next;
    }
  }
  oStart[n] = nnz;
  return unsorted === 0;
}
