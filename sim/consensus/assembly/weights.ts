// The weights loader of the epoch (weights.ts `epochWeights`) in AssemblyScript: the stored rows (u16 CSR copied in
// by wasmKernel.ts) filtered, normalised and scattered into the median's score matrix. Arguments named as arrays
// are byte offsets chosen by the caller.
import { exact, gdiv, gdivBy, outOfRange } from './grid';
import { f64At, i32At, setF64, setI32, u16At } from './memory';

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
    let sum: i64 = 0;
    let prev = -1;
    const re = i32At(rStart, i + 1);
    // Two copies of the filter on purpose: one test of a loop-invariant flag inside a single loop measured 72 µs
    // against 57 at 64 × 256 (the optimiser does not split the loop itself).
    if (lu > newest && cb >= newest) {
      for (let k = i32At(rStart, i); k < re; k++) {
        const j = u16At(rCol, k);
        if (j >= n || j == self) continue;
        const v = u16At(rVal, k);
        setI32(wCol, nnz, j);
        setF64(wVal, nnz++, <f64>v);
        sum += v;
        unsorted |= <i32>(j <= prev);
        prev = j;
      }
    } else {
      for (let k = i32At(rStart, i); k < re; k++) {
        const j = u16At(rCol, k);
        if (j >= n || j == self) continue;
        const rj = f64At(reg, j);
        if (lu <= rj || cb < rj) continue;
        const v = u16At(rVal, k);
        setI32(wCol, nnz, j);
        setF64(wVal, nnz++, <f64>v);
        sum += v;
        unsorted |= <i32>(j <= prev);
        prev = j;
      }
    }
    const s = <f64>sum;
    const p = i32At(pos, i);
    // Exact mode divides through the sum's reciprocal where that truncates alike (gdivBy; in float mode the
    // division is cheaper than that test).
    const r = 1 / s;
    if (p >= 0 && s > 0) {
      for (let e = first; e < nnz; e++) {
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
