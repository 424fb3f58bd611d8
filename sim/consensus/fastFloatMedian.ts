import { growF64, growI32 } from './fastFloatBuffers.ts';
import { gdiv } from './grid.ts';

// Kernel loops index arrays within their bounds: `a[i]!` there is a bounds-known read, not a guess.

/** The voters of `weighted_median_col_sparse`: uids with positive active stake, their stake re-normalised. */
export class Voters {
  count = 0;
  /** uid of voter k. */
  uid = new Int32Array(16);
  /** voter index of uid i, or -1. */
  pos = new Int32Array(16);
  stake = new Float64Array(16);
  stakeSum = 0;

  build(activeStake: Float64Array, n: number): void {
    this.uid = growI32(this.uid, n);
    this.pos = growI32(this.pos, n);
    this.stake = growF64(this.stake, n);
    const { uid, pos, stake } = this;
    let nv = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const s = activeStake[i]!;
      pos[i] = -1;
      if (s > 0) {
        pos[i] = nv;
        uid[nv++] = i;
        total += s;
      }
    }
    let sum = 0;
    for (let k = 0; k < nv; k++) {
      const s = activeStake[uid[k]!]!;
      const v = total === 0 ? s : gdiv(s, total);
      stake[k] = v;
      sum += v;
    }
    this.count = nv;
    this.stakeSum = sum;
  }
}

let scores = new Float64Array(0);

/** The column-major score matrix (column j at j·nv), zeroed; the weights loader scatters the voters' rows into it. */
export function scoreMatrix(n: number, nv: number): Float64Array {
  scores = growF64(scores, n * nv);
  scores.fill(0, 0, n * nv);
  return scores;
}

let lists = new Float64Array(0);

/**
 * `weighted_median` per column (weightedMedian.ts), run on copies of the (score, stake) pairs instead of index lists:
 * the same lists in the same order, so the same pivots (the middle element of the current list). The three lists
 * (current, lower, upper) are slots of one array of interleaved pairs whose roles rotate; the column is first
 * copied into the current slot. The partition is branch-free: `+(s < pivot)` is a 0/1 flag, each pair is written to both the
 * lower and the upper list and only the flagged list advances. w·flag is w or 0 exactly.
 *
 * (The stake sums are of grid values below 1, exact in any order, so the result is a function of the column's
 * (score, stake) multiset alone: the smallest score s with stake(score ≤ s) > minority, else the largest score. A
 * median-of-3 pivot would give the same results ~20% faster; the chain's pivot rule is kept.)
 */
export function consensusColumns(sc: Float64Array, n: number, v: Voters, kappa: number, out: Float64Array): void {
  const nv = v.count;
  if (nv === 0) {
    out.fill(0, 0, n);
    return;
  }
  lists = growF64(lists, 6 * nv);
  const minority = v.stakeSum - kappa;
  for (let j = 0; j < n; j++) out[j] = columnMedian(lists, sc, j * nv, v.stake, nv, minority, v.stakeSum);
}

function columnMedian(
  h: Float64Array,
  sc: Float64Array,
  base: number,
  stake: Float64Array,
  nv: number,
  minority: number,
  stakeSum: number,
): number {
  const slot = 2 * nv;
  let a = 0; // slot receiving `lower`
  let b = 1; // slot receiving `upper`
  let c = 2; // slot of the current list
  // The column as (score, stake) pairs in the current slot, in voter order (the chain's starting list).
  let cur = c * slot;
  for (let k = 0; k < nv; k++) {
    h[cur + 2 * k] = sc[base + k]!;
    h[cur + 2 * k + 1] = stake[k]!;
  }
  let len = nv;
  let lo = 0;
  let hi = stakeSum;
  for (let iteration = 0; iteration <= nv; iteration++) {
    if (len === 1) return h[cur]!;
    const pivot = h[cur + 2 * (len >> 1)]!;
    const lower = a * slot;
    const upper = b * slot;
    let nl = 0;
    let nu = 0;
    let loStake = 0;
    let hiStake = 0;
    for (let k = cur; k < cur + 2 * len; k += 2) {
      const s = h[k]!;
      const w = h[k + 1]!;
      const l = +(s < pivot);
      const u = +(s > pivot);
      h[lower + nl] = s;
      h[lower + nl + 1] = w;
      h[upper + nu] = s;
      h[upper + nu + 1] = w;
      nl += 2 * l;
      nu += 2 * u;
      loStake += w * l;
      hiStake += w * u;
    }
    if (minority < lo + loStake && nl > 0) {
      cur = lower;
      const t = c;
      c = a;
      a = t;
      len = nl >> 1;
      hi = lo + loStake;
    } else if (hi - hiStake <= minority && nu > 0) {
      cur = upper;
      const t = c;
      c = b;
      b = t;
      len = nu >> 1;
      lo = hi - hiStake;
    } else {
      return pivot;
    }
  }
  return 0;
}
