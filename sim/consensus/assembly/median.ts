// The consensus median of fastFloatMedian.ts (consensusColumns: columnMedian, narrowedMedian, selectPairs) in
// AssemblyScript, compiled into kernel.wasm by `npm run build:wasm` (the .wasm is committed; a test rebuilds it and
// compares). Same operations in the same order as the JavaScript, so the same doubles come out (also tested); the
// histogram's bucket indices are computed two voters at a time, and voters outside the median's bucket are
// skipped four at a time when gathering its pairs (the same pairs in the same order).
// Memory regions are byte offsets chosen by the caller (wasmKernel.ts); offsets inside them count doubles.
import { f64At, setF64 } from './memory';

const BUCKETS: i32 = 32;
const SMALL: i32 = 8;

function selectPairs(h: usize, start: i32, count: i32, nv: i32, minority: f64, stakeBelow: f64, stakeUpTo: f64): f64 {
  const slot = 2 * nv;
  let a = 0; let b = 1; let c = 2;
  let cur = start; let len = count; let lo = stakeBelow; let hi = stakeUpTo;
  for (let iteration = 0; iteration <= count; iteration++) {
    if (len == 1) return f64At(h, cur);
    const pivot = f64At(h, cur + 2 * (len >> 1));
    const lower = a * slot; const upper = b * slot;
    let nl = 0; let nu = 0; let loStake = 0.0; let hiStake = 0.0;
    for (let k = cur; k < cur + 2 * len; k += 2) {
      const s = f64At(h, k); const w = f64At(h, k + 1);
      const l = <i32>(s < pivot); const u = <i32>(s > pivot);
      setF64(h, lower + nl, s); setF64(h, lower + nl + 1, w);
      setF64(h, upper + nu, s); setF64(h, upper + nu + 1, w);
      nl += 2 * l; nu += 2 * u;
      loStake += w * <f64>l; hiStake += w * <f64>u;
    }
    if (minority < lo + loStake && nl > 0) { cur = lower; const t = c; c = a; a = t; len = nl >> 1; hi = lo + loStake; }
    else if (hi - hiStake <= minority && nu > 0) { cur = upper; const t = c; c = b; b = t; len = nu >> 1; lo = hi - hiStake; }
    else return pivot;
  }
  return 0;
}

function columnMedian(h: usize, sc: usize, base: i32, stake: usize, nv: i32, minority: f64, stakeSum: f64): f64 {
  const cur = 4 * nv;
  for (let k = 0; k < nv; k++) { setF64(h, cur + 2 * k, f64At(sc, base + k)); setF64(h, cur + 2 * k + 1, f64At(stake, k)); }
  return selectPairs(h, cur, nv, nv, minority, 0, stakeSum);
}

function narrowed(h: usize, sc: usize, base: i32, stake: usize, nv: i32, minority: f64, stakeSum: f64, bucketOf: usize, bstake: usize): f64 {
  let lo = f64At(sc, base); let hi = lo;
  for (let k = 8; k < nv; k += 8) { const s = f64At(sc, base + k); lo = s < lo ? s : lo; hi = s > hi ? s : hi; }
  if (!(stakeSum > minority)) { for (let k = 0; k < nv; k++) { const s = f64At(sc, base + k); hi = s > hi ? s : hi; } return hi; }
  if (lo == hi) {
    // All scores equal — a uid nobody weights has a column of zeros — is its own median: no selection needed.
    let k = 0;
    while (k < nv && f64At(sc, base + k) == lo) k++;
    return k == nv ? lo : columnMedian(h, sc, base, stake, nv, minority, stakeSum);
  }
  const scale = <f64>BUCKETS / (hi - lo);
  for (let b = 0; b < BUCKETS; b++) setF64(bstake, b, 0);
  // Bucket indices two voters at a time (the scalar clamp lane by lane: below 0 → 0, from BUCKETS → the last,
  // NaN → the last), the bucket stakes added in voter order.
  const loV = f64x2.splat(lo);
  const scaleV = f64x2.splat(scale);
  const zeroV = f64x2.splat(0);
  const topV = f64x2.splat(<f64>BUCKETS);
  const lastV = f64x2.splat(<f64>(BUCKETS - 1));
  let k = 0;
  for (; k + 1 < nv; k += 2) {
    const x = f64x2.mul(f64x2.sub(v128.load(sc + (<usize>(base + k) << 3)), loV), scaleV);
    const t = v128.bitselect(zeroV, v128.bitselect(f64x2.trunc(x), lastV, f64x2.lt(x, topV)), f64x2.lt(x, zeroV));
    const bi = i32x4.trunc_sat_f64x2_s_zero(t);
    const b0 = i32x4.extract_lane(bi, 0);
    const b1 = i32x4.extract_lane(bi, 1);
    store<i32>(bucketOf + (<usize>k << 2), b0);
    store<i32>(bucketOf + (<usize>(k + 1) << 2), b1);
    setF64(bstake, b0, f64At(bstake, b0) + f64At(stake, k));
    setF64(bstake, b1, f64At(bstake, b1) + f64At(stake, k + 1));
  }
  for (; k < nv; k++) {
    const x = (f64At(sc, base + k) - lo) * scale;
    const b = x < 0 ? 0 : x < <f64>BUCKETS ? <i32>x : BUCKETS - 1;
    store<i32>(bucketOf + (<usize>k << 2), b);
    setF64(bstake, b, f64At(bstake, b) + f64At(stake, k));
  }
  let below = 0.0; let at = 0;
  while (at < BUCKETS - 1 && !(minority < below + f64At(bstake, at))) { below += f64At(bstake, at); at++; }
  // The bucket's pairs in voter order; groups of four voters none of which is in it are skipped (the scalar loop
  // writes every pair and advances past the bucket's: what it writes beyond them is never read).
  const cur = 4 * nv; let m = 0;
  const atV = i32x4.splat(at);
  let g = 0;
  for (; g + 3 < nv; g += 4) {
    if (!v128.any_true(i32x4.eq(v128.load(bucketOf + (<usize>g << 2)), atV))) continue;
    for (let q = g; q < g + 4; q++) {
      setF64(h, cur + m, f64At(sc, base + q)); setF64(h, cur + m + 1, f64At(stake, q));
      m += load<i32>(bucketOf + (<usize>q << 2)) == at ? 2 : 0;
    }
  }
  for (; g < nv; g++) {
    setF64(h, cur + m, f64At(sc, base + g)); setF64(h, cur + m + 1, f64At(stake, g));
    m += load<i32>(bucketOf + (<usize>g << 2)) == at ? 2 : 0;
  }
  m >>= 1;
  if (m > SMALL) return selectPairs(h, cur, m, nv, minority, below, below + f64At(bstake, at));
  let best = Infinity;
  for (let x = 0; x < m; x++) {
    const s = f64At(h, cur + 2 * x); let upTo = below;
    for (let y = 0; y < m; y++) upTo += f64At(h, cur + 2 * y) <= s ? f64At(h, cur + 2 * y + 1) : 0;
    if (minority < upTo && s < best) best = s;
  }
  return best;
}

/** Columns of at least this many voters are narrowed to one histogram bucket before the selection. */
const NARROW_FROM: i32 = 16;

export function consensus(sc: usize, n: i32, nv: i32, stake: usize, stakeSum: f64, minority: f64, out: usize, h: usize, bucketOf: usize, bstake: usize): void {
  if (nv < NARROW_FROM) {
    for (let j = 0; j < n; j++) setF64(out, j, columnMedian(h, sc, j * nv, stake, nv, minority, stakeSum));
    return;
  }
  for (let j = 0; j < n; j++) setF64(out, j, narrowed(h, sc, j * nv, stake, nv, minority, stakeSum, bucketOf, bstake));
}
