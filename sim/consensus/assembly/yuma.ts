// Original Yuma's fused kernels of fastFloatYuma.ts (loadRawBonds, clipDelta, emaMerge, normalizeStoreEma) in
// AssemblyScript: the same operations in the same order as the JavaScript, so the same doubles (tested through the
// fast-kernel tests, which hold the epoch to the generic one in both modes). Matrices are CSR regions of the
// module's memory (row starts i32, columns i32, values f64); arguments named as arrays are byte offsets chosen by
// the caller (wasmKernel.ts).
import { exact, gdiv, gdiv2In, gdivBy, gdivIn, gmul, gmul2In, gmulIn, outOfRange } from './grid';
import { f64At, i32At, setF64, setI32, storeBond, u16At } from './memory';

const END: i32 = 0x7fffffff;

/**
 * The stored bonds as raw u16 values, bonds to uids registered at or after `lastTempo` dropped, into the CSR
 * (oStart, oCol, oVal) with their column sums (integers: exact). Returns 1 when a filtered row is not strictly
 * increasing, else 0.
 */
function rawBonds(
  n: i32, bStart: usize, bCol: usize, bVal: usize, lastTempo: f64, reg: usize,
  oStart: usize, oCol: usize, oVal: usize, colSum: usize,
): i32 {
  for (let j = 0; j < n + (n & 1); j++) setF64(colSum, j, 0); // with the padding column of the dense EMA rows
  let nnz = 0;
  let unsorted = 0;
  for (let i = 0; i < n; i++) {
    setI32(oStart, i, nnz);
    let prev = -1;
    const end = i32At(bStart, i + 1);
    for (let k = i32At(bStart, i); k < end; k++) {
      const j = u16At(bCol, k);
      if (j >= n || lastTempo <= f64At(reg, j)) continue;
      const v = <f64>u16At(bVal, k);
      setI32(oCol, nnz, j);
      setF64(oVal, nnz++, v);
      setF64(colSum, j, f64At(colSum, j) + v);
      unsorted |= <i32>(j <= prev);
      prev = j;
    }
  }
  setI32(oStart, n, nnz);
  return unsorted;
}

/** col_clip_sparse with trust and ranks, and ΔB = Wb∘S into (dStart, dCol, dVal) with its column sums. */
function clipDelta(
  n: i32, wStart: usize, wCol: usize, wVal: usize, consensus: usize, activeStake: usize, clippedForBonds: bool,
  trust: usize, ranks: usize, dStart: usize, dCol: usize, dVal: usize, colSum: usize,
): void {
  for (let j = 0; j < n; j++) setF64(ranks, j, 0);
  for (let j = 0; j < n + (n & 1); j++) setF64(colSum, j, 0); // with the padding column of the dense EMA rows
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    setI32(dStart, i, nnz);
    const scale = f64At(activeStake, i);
    let t0 = 0.0;
    let t1 = 0.0;
    const end = i32At(wStart, i + 1);
    for (let q = i32At(wStart, i); q < end; q++) {
      const j = i32At(wCol, q);
      const v = f64At(wVal, q);
      const th = f64At(consensus, j);
      const mi = <i32>(th < v);
      const m = <f64>mi;
      const removed = mi & <i32>!(th > 0);
      const x = th * m + v * (1 - m);
      let d = 0.0;
      if (removed == 0) {
        if (q & 1) t1 += x;
        else t0 += x;
        d = gmul(scale, x);
        setF64(ranks, j, f64At(ranks, j) + d);
        if (!clippedForBonds) d = gmul(v, scale);
      } else if (clippedForBonds) continue;
      else d = gmul(v, scale);
      setI32(dCol, nnz, j);
      setF64(dVal, nnz++, d);
      setF64(colSum, j, f64At(colSum, j) + d);
    }
    setF64(trust, i, t0 + t1);
  }
  setI32(dStart, n, nnz);
}

/**
 * mat_ema_sparse(colNormalize(ΔB), colNormalize(B), α), both normalisations on the fly, as a merge of the two
 * strictly increasing rows; the result's column sums and column maxima. `ex` is a constant at each call: in exact
 * mode the normalisations divide through the column sums' reciprocals (`recipD`, `recipB`) where that truncates
 * alike (gdivBy); in float mode the division is cheaper than that test.
 */
@inline function emaMerge(
  n: i32, dStart: usize, dCol: usize, dVal: usize, colSumD: usize, oStart: usize, oCol: usize, oVal: usize,
  colSumB: usize, alpha: f64, eStart: usize, eCol: usize, eVal: usize, colSumE: usize, colMaxE: usize,
  recipD: usize, recipB: usize, ex: bool, rows: usize,
): void {
  const rest = 1 - alpha;
  const np = n + (n & 1);
  for (let j = 0; j < np; j++) { setF64(colSumE, j, 0); setF64(colMaxE, j, 0); }
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    setI32(eStart, i, nnz);
    let p = i32At(dStart, i);
    const pe = i32At(dStart, i + 1);
    let q = i32At(oStart, i);
    const qe = i32At(oStart, i + 1);
    if (!ex && 4 * (pe - p + qe - q) >= n) {
      nnz = denseEmaRow(np, p, pe, q, qe, dCol, dVal, oCol, oVal, colSumD, colSumB, alpha, rest, rows, eCol, eVal, nnz,
        colSumE, colMaxE);
      continue;
    }
    while (p < pe || q < qe) {
      const jd = p < pe ? i32At(dCol, p) : END;
      const jb = q < qe ? i32At(oCol, q) : END;
      const j = jd < jb ? jd : jb;
      let v = 0.0;
      if (jd == j) {
        const s = f64At(colSumD, j);
        const d = f64At(dVal, p);
        const x = s != 0 ? (ex ? gdivBy(d, s, f64At(recipD, j)) : gdivIn(d, s, false)) : d;
        v = gmulIn(alpha, x, ex);
        p++;
      }
      if (jb == j) {
        const s = f64At(colSumB, j);
        const b = f64At(oVal, q);
        const x = s != 0 ? (ex ? gdivBy(b, s, f64At(recipB, j)) : gdivIn(b, s, false)) : b;
        v = v + gmulIn(rest, x, ex);
        q++;
      }
      if (v > 0) {
        setI32(eCol, nnz, j);
        setF64(eVal, nnz++, v);
        setF64(colSumE, j, f64At(colSumE, j) + v);
        if (v > f64At(colMaxE, j)) setF64(colMaxE, j, v);
      }
    }
  }
  setI32(eStart, n, nnz);
}

/**
 * One row of emaMerge in float mode on dense rows, two columns at a time: ΔB's and B's rows scattered into zeroed
 * scratch rows (D and B, np doubles each, in `rows`), each column's EMA as the merge computes it (a quotient by a
 * column sum of 0 is the entry itself). An absent entry is a 0, whose quotient and product are +0, and adding +0
 * changes no sum — so no presence flags are needed, and a column with neither entry gives 0, which is not packed.
 * The positive results are packed in column order (the merge's, both rows being strictly increasing) with the column
 * sums and maxima. The padding column has no entries. Returns the new entry count.
 */
function denseEmaRow(
  np: i32, p: i32, pe: i32, q: i32, qe: i32, dCol: usize, dVal: usize, oCol: usize, oVal: usize, colSumD: usize,
  colSumB: usize, alpha: f64, rest: f64, rows: usize, eCol: usize, eVal: usize, nnz: i32, colSumE: usize,
  colMaxE: usize,
): i32 {
  const D = rows;
  const B = rows + (<usize>np << 3);
  memory.fill(rows, 0, <usize>np << 4);
  for (; p < pe; p++) setF64(D, i32At(dCol, p), f64At(dVal, p));
  for (; q < qe; q++) setF64(B, i32At(oCol, q), f64At(oVal, q));
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const alphaV = f64x2.splat(alpha);
  const restV = f64x2.splat(rest);
  let at = nnz;
  for (let j = 0; j < np; j += 2) {
    const o = <usize>j << 3;
    const d = v128.load(D + o);
    const b = v128.load(B + o);
    const sD = v128.load(colSumD + o);
    const sB = v128.load(colSumB + o);
    const noD = f64x2.eq(sD, zero);
    const noB = f64x2.eq(sB, zero);
    const xd = v128.bitselect(d, gdiv2In(d, v128.bitselect(one, sD, noD), false), noD);
    const xb = v128.bitselect(b, gdiv2In(b, v128.bitselect(one, sB, noB), false), noB);
    const v = f64x2.add(gmul2In(alphaV, xd, false), gmul2In(restV, xb, false));
    const positive = f64x2.gt(v, zero);
    v128.store(colSumE + o, f64x2.add(v128.load(colSumE + o), v128.and(v, positive)));
    v128.store(colMaxE + o, f64x2.pmax(v128.load(colMaxE + o), v));
    // Packed without a branch: both lanes written, the count advanced past the positive ones (the EMA bonds have
    // one entry of slack).
    const v0 = f64x2.extract_lane(v, 0);
    const v1 = f64x2.extract_lane(v, 1);
    setI32(eCol, at, j);
    setF64(eVal, at, v0);
    at += <i32>(v0 > 0);
    setI32(eCol, at, j + 1);
    setF64(eVal, at, v1);
    at += <i32>(v1 > 0);
  }
  return at;
}

/** 1/x of each non-zero x (0 for 0): the divisors' reciprocals for gdivBy. */
function reciprocals(n: i32, xs: usize, out: usize): void {
  for (let j = 0; j < n; j++) { const x = f64At(xs, j); setF64(out, j, x != 0 ? 1 / x : 0); }
}

/**
 * Original Yuma's fused bonds (fastFloatEpoch's fused branch up to the EMA): raw bonds, clip and ΔB, the EMA merge.
 * Returns 0, 1 when a filtered bonds row is not strictly increasing (nothing usable written: run the general
 * kernels), 2 when a grid operation left the fast range (run the JavaScript ones).
 */
export function yumaPass(
  n: i32, wStart: usize, wCol: usize, wVal: usize, bStart: usize, bCol: usize, bVal: usize, lastTempo: f64,
  reg: usize, consensus: usize, activeStake: usize, clippedForBonds: bool, alpha: f64, trust: usize, ranks: usize,
  oStart: usize, oCol: usize, oVal: usize, colSumB: usize, dStart: usize, dCol: usize, dVal: usize, colSumD: usize,
  eStart: usize, eCol: usize, eVal: usize, colSumE: usize, colMaxE: usize, recipD: usize, recipB: usize,
  rows: usize,
): i32 {
  if (rawBonds(n, bStart, bCol, bVal, lastTempo, reg, oStart, oCol, oVal, colSumB) != 0) return 1;
  clipDelta(n, wStart, wCol, wVal, consensus, activeStake, clippedForBonds, trust, ranks, dStart, dCol, dVal, colSumD);
  if (exact) {
    reciprocals(n, colSumD, recipD);
    reciprocals(n, colSumB, recipB);
    emaMerge(n, dStart, dCol, dVal, colSumD, oStart, oCol, oVal, colSumB, alpha, eStart, eCol, eVal, colSumE,
      colMaxE, recipD, recipB, true, rows);
  } else {
    emaMerge(n, dStart, dCol, dVal, colSumD, oStart, oCol, oVal, colSumB, alpha, eStart, eCol, eVal, colSumE,
      colMaxE, recipD, recipB, false, rows);
  }
  return outOfRange ? 2 : 0;
}

/**
 * normalizeStoreEma: each EMA value column-normalised, the dividends Σ_j I_j·B̂_ij (not normalised) into `out`,
 * and the bonds storage of the rows with a new permit (floor(B̂/max_col B̂ · 65535)) at `store`, values `size`
 * entries after the columns. `colMax` holds the raw column maxima and is normalised in place (gdiv is monotone in
 * its dividend). Returns 2 when a grid operation left the fast range, else 0.
 */
export function yumaDividends(
  n: i32, eStart: usize, eCol: usize, eVal: usize, colSum: usize, incentive: usize, colMax: usize,
  newPermits: usize, out: usize, store: usize, size: i32, recipS: usize, recipM: usize,
): i32 {
  for (let j = 0; j < n; j++) {
    const s = f64At(colSum, j);
    const m = f64At(colMax, j);
    setF64(colMax, j, s != 0 ? gdiv(m, s) : m);
  }
  if (exact) {
    reciprocals(n, colSum, recipS);
    reciprocals(n, colMax, recipM);
  }
  let at = 0;
  for (let i = 0; i < n; i++) {
    const first = i32At(eStart, i);
    const end = i32At(eStart, i + 1);
    const stored = load<u8>(newPermits + <usize>i) != 0;
    const rowSum = exact
      ? yumaDividendRow(first, end, eCol, eVal, colSum, colMax, recipS, recipM, incentive, stored, store, size, at, true)
      : yumaDividendRowFloat(first, end, eCol, eVal, colSum, colMax, incentive, stored, store, size, at);
    setF64(out, i, rowSum);
    if (stored) at += end - first;
  }
  return outOfRange ? 2 : 0;
}

/**
 * yumaDividendRow in float mode, two entries at a time (their columns' sums, maxima and incentives gathered into
 * lanes): the same quotients and products lane by lane (gdiv2/gmul2), a column sum or maximum of 0 giving the
 * entry itself as the scalar loop does. The terms are grid values below 2^21 in sum: exact in any order.
 */
@inline function yumaDividendRowFloat(
  first: i32, end: i32, eCol: usize, eVal: usize, colSum: usize, colMax: usize, incentive: usize, stored: bool,
  store: usize, size: i32, at: i32,
): f64 {
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  let acc = zero;
  let q = first;
  for (; q + 1 < end; q += 2) {
    const j0 = i32At(eCol, q);
    const j1 = i32At(eCol, q + 1);
    const v = v128.load(eVal + (<usize>q << 3));
    const sum = f64x2.replace_lane(f64x2.splat(f64At(colSum, j0)), 1, f64At(colSum, j1));
    const noSum = f64x2.eq(sum, zero);
    const x = v128.bitselect(v, gdiv2In(v, v128.bitselect(one, sum, noSum), false), noSum);
    const inc = f64x2.replace_lane(f64x2.splat(f64At(incentive, j0)), 1, f64At(incentive, j1));
    acc = f64x2.add(acc, gmul2In(inc, x, false));
    if (stored) {
      const d = f64x2.replace_lane(f64x2.splat(f64At(colMax, j0)), 1, f64At(colMax, j1));
      const noMax = f64x2.eq(d, zero);
      const y = v128.bitselect(x, gdiv2In(x, v128.bitselect(one, d, noMax), false), noMax);
      storeBond(store, size, at + q - first, j0, f64x2.extract_lane(y, 0));
      storeBond(store, size, at + q + 1 - first, j1, f64x2.extract_lane(y, 1));
    }
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (q < end) {
    const j = i32At(eCol, q);
    const sum = f64At(colSum, j);
    const v = f64At(eVal, q);
    const x = sum != 0 ? gdivIn(v, sum, false) : v;
    s += gmulIn(f64At(incentive, j), x, false);
    if (stored) {
      const d = f64At(colMax, j);
      storeBond(store, size, at + q - first, j, d != 0 ? gdivIn(x, d, false) : x);
    }
  }
  return s;
}

/** One row of yumaDividends; `ex` a constant at each call (exact mode: quotients through reciprocals, gdivBy). */
@inline function yumaDividendRow(
  first: i32, end: i32, eCol: usize, eVal: usize, colSum: usize, colMax: usize, recipS: usize, recipM: usize,
  incentive: usize, stored: bool, store: usize, size: i32, at: i32, ex: bool,
): f64 {
  let s0 = 0.0;
  let s1 = 0.0;
  for (let q = first; q < end; q++) {
    const j = i32At(eCol, q);
    const sum = f64At(colSum, j);
    const v = f64At(eVal, q);
    const x = sum != 0 ? (ex ? gdivBy(v, sum, f64At(recipS, j)) : gdivIn(v, sum, false)) : v;
    const term = gmulIn(f64At(incentive, j), x, ex);
    if (q & 1) s1 += term;
    else s0 += term;
    if (stored) {
      const d = f64At(colMax, j);
      storeBond(store, size, at + q - first, j, d != 0 ? (ex ? gdivBy(x, d, f64At(recipM, j)) : gdivIn(x, d, false)) : x);
    }
  }
  return s0 + s1;
}
