import { growF64, growI32 } from './fastFloatBuffers.ts';
import { gdiv } from './grid.ts';
import { wasmConsensus } from './wasmKernel.ts';

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
 * median-of-3 pivot would give the same results ~20% faster; the chain's pivot rule is kept.) Columns of 16+ voters
 * are first narrowed to one histogram bucket (narrowedMedian). The epoch runs it in WebAssembly (wasmKernel.ts, built
 * from assembly/median.ts); `consensusColumnsJs` is the same code in JavaScript, its reference.
 */
export function consensusColumns(sc: Float64Array, n: number, v: Voters, kappa: number, out: Float64Array): void {
  if (v.count === 0) out.fill(0, 0, n);
  else wasmConsensus(sc, n, v.count, v.stake, v.stakeSum, v.stakeSum - kappa, out);
}

/**
 * consensusColumns in JavaScript: the reference the WebAssembly build (assembly/median.ts, the same code line for
 * line) is tested against.
 */
export function consensusColumnsJs(sc: Float64Array, n: number, v: Voters, kappa: number, out: Float64Array): void {
  const nv = v.count;
  if (nv === 0) {
    out.fill(0, 0, n);
    return;
  }
  lists = growF64(lists, 6 * nv + 2);
  bucketOf = growI32(bucketOf, nv);
  const minority = v.stakeSum - kappa;
  if (nv < NARROW_FROM) {
    for (let j = 0; j < n; j++) out[j] = columnMedian(lists, sc, j * nv, v.stake, nv, minority, v.stakeSum);
    return;
  }
  for (let j = 0; j < n; j++) out[j] = narrowedMedian(lists, sc, j * nv, v.stake, nv, minority, v.stakeSum);
}

/** Columns of at least this many voters are narrowed to one histogram bucket before the selection. */
const NARROW_FROM = 16;
const BUCKETS = 32;
/** Bucket sizes up to which the selection is a direct count (m² steps) rather than the chain's partitions. */
const SMALL = 8;
const bucketStake = new Float64Array(BUCKETS);
let bucketOf = new Int32Array(0);

/**
 * columnMedian's result computed on fewer pairs: the column's scores are binned into equal-width buckets over the
 * range of a sample of it (the bucket index is a monotone function of the score, so a bucket holds a contiguous
 * range of scores and equal scores share one); the stake below each bucket tells which bucket holds the first
 * score whose cumulative stake exceeds `minority`, and only that bucket's pairs go to the selection, with the stake
 * below it as the selection's starting bound. Stakes are grid values below 1, so every sum is exact (and
 * `minority`, not a grid value in float mode, is only compared, never rounded).
 */
function narrowedMedian(
  h: Float64Array,
  sc: Float64Array,
  base: number,
  stake: Float64Array,
  nv: number,
  minority: number,
  stakeSum: number,
): number {
  // The buckets span the range of a sample of the column (every 8th score); scores outside it are clamped into the
  // first or last bucket, which keeps the bucket index monotone in the score.
  let lo = sc[base]!;
  let hi = lo;
  for (let k = 8; k < nv; k += 8) {
    const s = sc[base + k]!;
    lo = s < lo ? s : lo;
    hi = s > hi ? s : hi;
  }
  // No score's cumulative stake above the minority: the selection ends on the largest score.
  if (!(stakeSum > minority)) {
    for (let k = 0; k < nv; k++) hi = sc[base + k]! > hi ? sc[base + k]! : hi;
    return hi;
  }
  if (lo === hi) {
    // All scores equal — a uid nobody weights has a column of zeros — is its own median: no selection needed.
    let k = 0;
    while (k < nv && sc[base + k] === lo) k++;
    return k === nv ? lo : columnMedian(h, sc, base, stake, nv, minority, stakeSum);
  }
  const scale = BUCKETS / (hi - lo);
  for (let b = 0; b < BUCKETS; b++) bucketStake[b] = 0;
  for (let k = 0; k < nv; k++) {
    const x = (sc[base + k]! - lo) * scale;
    const b = x < 0 ? 0 : x < BUCKETS ? x | 0 : BUCKETS - 1;
    bucketOf[k] = b;
    bucketStake[b] = bucketStake[b]! + stake[k]!;
  }
  let below = 0;
  let at = 0;
  while (at < BUCKETS - 1 && !(minority < below + bucketStake[at]!)) below += bucketStake[at++]!;
  // The bucket's pairs into the current slot of columnMedian (slot 2), in voter order.
  const cur = 4 * nv;
  let m = 0;
  for (let k = 0; k < nv; k++) {
    h[cur + m] = sc[base + k]!;
    h[cur + m + 1] = stake[k]!;
    m += bucketOf[k] === at ? 2 : 0;
  }
  m >>= 1;
  if (m > SMALL) return selectPairs(h, cur, m, nv, minority, below, below + bucketStake[at]!);
  // A few pairs: the smallest score whose stake up to it (pairs with scores ≤ it, plus all below) exceeds minority.
  let best = Number.POSITIVE_INFINITY;
  for (let x = 0; x < m; x++) {
    const s = h[cur + 2 * x]!;
    let upTo = below;
    for (let y = 0; y < m; y++) upTo += h[cur + 2 * y]! <= s ? h[cur + 2 * y + 1]! : 0;
    if (minority < upTo && s < best) best = s;
  }
  return best;
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
  // The column as (score, stake) pairs in the current slot, in voter order (the chain's starting list).
  const cur = 4 * nv;
  for (let k = 0; k < nv; k++) {
    h[cur + 2 * k] = sc[base + k]!;
    h[cur + 2 * k + 1] = stake[k]!;
  }
  return selectPairs(h, cur, nv, nv, minority, 0, stakeSum);
}

/**
 * The chain's selection on the `len` (score, stake) pairs at `h[start..]` (slot 2 of three slots of `2·nv` doubles):
 * pivot the middle pair, keep the side holding the minority boundary, until one pair is left or the pivot is it.
 * `stakeBelow` is the stake of scores below the pairs' (outside them), `stakeUpTo` that plus the pairs' own.
 */
function selectPairs(
  h: Float64Array,
  start: number,
  count: number,
  nv: number,
  minority: number,
  stakeBelow: number,
  stakeUpTo: number,
): number {
  const slot = 2 * nv;
  let a = 0; // slot receiving `lower`
  let b = 1; // slot receiving `upper`
  let c = 2; // slot of the current list
  let cur = start;
  let len = count;
  let lo = stakeBelow;
  let hi = stakeUpTo;
  for (let iteration = 0; iteration <= count; iteration++) {
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
