// The weights loader of the epoch (weights.ts `epochWeights`) in AssemblyScript: the stored rows (u16 CSR copied in
// by wasmKernel.ts) filtered, normalised and scattered into the median's score matrix. Arguments named as arrays
// are byte offsets chosen by the caller.
import { exact, gdiv, gdiv2In, gdivBy, outOfRange } from './grid';
import { f64At, i32At, setF64, setI32, u16At } from './memory';

/** Lane 0 of a row's first block of columns has no column before it to be compared with. */
const NOT_FIRST: v128 = i16x8(0, -1, -1, -1, -1, -1, -1, -1);

/**
 * The one entry of stored entries [rs, re) that the loader drops (a uid ≥ n, or `self`): its position, −1 when
 * none is, −2 when several are. Eight columns at a time (a row rarely drops any: the diagonal at most).
 */
function dropAt(rCol: usize, rs: i32, re: i32, n: i32, self: i32): i32 {
  // Beyond the lanes' signed range, or a row so long (repeated columns) that convert's i32 lane sums could overflow:
  // the scalar filter.
  if (n > 32767 || re - rs > 65536) return -2;
  const nv = i16x8.splat(<i16>n);
  const sv = i16x8.splat(<i16>(self < 0 ? n : self)); // no self: a column that is dropped anyway
  let hit = v128.splat<i32>(0);
  let k = rs;
  for (; k + 8 <= re; k += 8) {
    const c = v128.load(rCol + (<usize>k << 1));
    hit = v128.or(hit, v128.or(i16x8.ge_u(c, nv), i16x8.eq(c, sv)));
  }
  let at = -1;
  let from = k;
  if (v128.any_true(hit)) from = rs;
  for (k = from; k < re; k++) {
    const j = u16At(rCol, k);
    if (j >= n || j == self) {
      if (at >= 0) return -2;
      at = k;
    }
  }
  return at;
}

// The row being loaded: its sum (u16 values: an exact integer), last column and whether its columns fell out of order.
let rowSum: i64 = 0;
let rowPrev = -1;
let rowUnsorted = 0;

/**
 * Stored entries [a, b) into the CSR from `nnz` unchanged (columns to i32, values to doubles), eight at a time, with
 * the row's sum, last column and order carried in `rowSum`, `rowPrev`, `rowUnsorted`. Returns the new entry count.
 */
function convert(rCol: usize, rVal: usize, a: i32, b: i32, wCol: usize, wVal: usize, nnz: i32): i32 {
  let k = a;
  let acc = i32x4.splat(0);
  let later = v128.splat<i32>(0); // lanes whose column is not above the one before it
  let prev = rowPrev;
  for (; k + 8 <= b; k += 8) {
    const c = v128.load(rCol + (<usize>k << 1));
    const v = v128.load(rVal + (<usize>k << 1));
    v128.store(wCol + (<usize>nnz << 2), i32x4.extend_low_i16x8_u(c));
    v128.store(wCol + (<usize>(nnz + 4) << 2), i32x4.extend_high_i16x8_u(c));
    const lo = i32x4.extend_low_i16x8_u(v);
    const hi = i32x4.extend_high_i16x8_u(v);
    acc = i32x4.add(acc, i32x4.add(lo, hi));
    const at = wVal + (<usize>nnz << 3);
    v128.store(at, f64x2.convert_low_i32x4_s(lo));
    v128.store(at + 16, f64x2.convert_low_i32x4_s(i32x4.shuffle(lo, lo, 2, 3, 0, 1)));
    v128.store(at + 32, f64x2.convert_low_i32x4_s(hi));
    v128.store(at + 48, f64x2.convert_low_i32x4_s(i32x4.shuffle(hi, hi, 2, 3, 0, 1)));
    // Each column against the one before it: lane 0 against the previous block's last (none before the first).
    const before = i16x8.replace_lane(i16x8.shuffle(c, c, 0, 0, 1, 2, 3, 4, 5, 6), 0, <i16>prev);
    const le = i16x8.le_u(c, before);
    later = v128.or(later, prev < 0 ? v128.and(le, NOT_FIRST) : le);
    prev = <i32>i16x8.extract_lane_u(c, 7);
    nnz += 8;
  }
  // Each lane holds at most 65536 / 4 values below 2^16 (dropAt): below 2^30, summed here as i64.
  rowSum += <i64>i32x4.extract_lane(acc, 0) + <i64>i32x4.extract_lane(acc, 1) +
    <i64>i32x4.extract_lane(acc, 2) + <i64>i32x4.extract_lane(acc, 3);
  rowUnsorted |= <i32>v128.any_true(later);
  rowPrev = prev;
  for (; k < b; k++) nnz = take(wCol, wVal, nnz, u16At(rCol, k), u16At(rVal, k));
  return nnz;
}

/** One entry (column j, value v) appended to the CSR at `nnz`, into the row's sum and order; returns nnz + 1. */
@inline function take(wCol: usize, wVal: usize, nnz: i32, j: i32, v: i32): i32 {
  setI32(wCol, nnz, j);
  setF64(wVal, nnz, <f64>v);
  rowSum += v;
  rowUnsorted |= <i32>(j <= rowPrev);
  rowPrev = j;
  return nnz + 1;
}

/**
 * Rows of uids with a permit (`permits`, u8), entries j >= n dropped, the diagonal dropped except the owner's, weights
 * set (`lastUpdate`, per row) at or before the target's registration (`reg`) dropped, and commit-reveal's mask
 * (`commit`, per row, +∞ without one); each row with a positive sum divided by it (zero entries kept), into the CSR
 * (wStart, wCol, wVal). Voters' rows (`pos`: voter index or -1) also go to the column-major score matrix (column j
 * at j·nv; later duplicates win). Returns 1 when some row is not strictly increasing in its columns, 2 when a quotient left the grid's fast range
 * (impossible: it is at most 1), else 0. The
 * row sums are of u16 values, exact as integers.
 */
export function loadWeights(
  n: i32, rStart: usize, rCol: usize, rVal: usize, permits: usize, lastUpdate: usize, commit: usize, reg: usize,
  owner: i32, pos: usize, nv: i32, wStart: usize, wCol: usize, wVal: usize, scores: usize,
): i32 {
  // The newest registration: a row set after it (and committed no earlier) has no weight dropped by registration.
  let newest = -Infinity;
  for (let j = 0; j < n; j++) { const r = f64At(reg, j); if (r > newest) newest = r; }
  let nnz = 0;
  let unsorted = 0;
  for (let i = 0; i < n; i++) {
    setI32(wStart, i, nnz);
    if (load<u8>(permits + <usize>i) == 0) continue;
    const lu = f64At(lastUpdate, i);
    const cb = f64At(commit, i);
    const self = i != owner ? i : -1;
    const first = nnz;
    rowSum = 0;
    rowPrev = -1;
    rowUnsorted = 0;
    const rs = i32At(rStart, i);
    const re = i32At(rStart, i + 1);
    const drop = lu > newest && cb >= newest ? dropAt(rCol, rs, re, n, self) : -2;
    // Two loops on purpose: one test of a loop-invariant flag inside a single loop measured 72 µs against 57 at
    // 64 × 256 (the optimiser does not split the loop itself).
    if (drop != -2) {
      // No weight dropped by registration, at most one entry dropped (the diagonal, say): the rest converted as is.
      nnz = convert(rCol, rVal, rs, drop < 0 ? re : drop, wCol, wVal, nnz);
      if (drop >= 0) nnz = convert(rCol, rVal, drop + 1, re, wCol, wVal, nnz);
    } else {
      // Weights set at or before some registration, or several entries to drop (rare): each entry checked.
      for (let k = rs; k < re; k++) {
        const j = u16At(rCol, k);
        if (j >= n || j == self) continue;
        const rj = f64At(reg, j);
        if (lu <= rj || cb < rj) continue;
        nnz = take(wCol, wVal, nnz, j, u16At(rVal, k));
      }
    }
    unsorted |= rowUnsorted;
    const s = <f64>rowSum;
    const p = i32At(pos, i);
    // Exact mode divides through the sum's reciprocal where that truncates alike (gdivBy; in float mode the
    // division is cheaper than that test).
    const r = 1 / s;
    if (p >= 0 && s > 0) {
      // Two entries at a time (gdiv2: the same quotients as gdiv, and gdivBy's are gdiv's).
      const s2 = f64x2.splat(s);
      let e = first;
      for (; e + 2 <= nnz; e += 2) {
        const at = wVal + (<usize>e << 3);
        const x = exact ? gdiv2In(v128.load(at), s2, true) : gdiv2In(v128.load(at), s2, false);
        v128.store(at, x);
        setF64(scores, i32At(wCol, e) * nv + p, f64x2.extract_lane(x, 0));
        setF64(scores, i32At(wCol, e + 1) * nv + p, f64x2.extract_lane(x, 1));
      }
      for (; e < nnz; e++) {
        const v = f64At(wVal, e);
        const x = exact ? gdivBy(v, s, r) : gdiv(v, s);
        setF64(wVal, e, x);
        setF64(scores, i32At(wCol, e) * nv + p, x);
      }
    } else if (s > 0) {
      for (let e = first; e < nnz; e++) {
        const v = f64At(wVal, e);
        setF64(wVal, e, exact ? gdivBy(v, s, r) : gdiv(v, s));
      }
    } else if (p >= 0) {
      for (let e = first; e < nnz; e++) setF64(scores, i32At(wCol, e) * nv + p, f64At(wVal, e));
    }
  }
  setI32(wStart, n, nnz);
  return outOfRange ? 2 : unsorted;
}
