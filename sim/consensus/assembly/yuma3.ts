// The fused Yuma3 kernels of fastFloatYuma3.ts (yuma3Pass) and fastFloatDividends.ts (yuma3DividendsAndStore) in
// AssemblyScript: the same operations as the JavaScript on every value, so the same doubles (tested); only sums of
// grid values below 2^21 (exact in any order) and the reading of dense rows differ in order. Matrices
// are CSR regions of the module's memory (row starts i32, columns i32, values f64; the stored bonds as u16 columns
// and values); every argument named as an array is a byte offset chosen by the caller (wasmKernel.ts).
import { exact, gdiv, gdiv2In, gdivBy, gdivIn, gmul, gmul2In, gmulIn, outOfRange, u16p } from './grid';
import { f64At, i32At, setF64, setI32, setU16, storeBond, u16At } from './memory';

@external("env", "alphaOf") declare function alphaOf(combined: f64, k: f64, low: f64, high: f64): f64;

const END: i32 = 0x7fffffff;

/** The first position ≥ k (< e) of a stored bonds row whose column is kept (inside the subnet, not just registered). */
@inline function keptFrom(bCol: usize, e: i32, n: i32, keep: usize, k: i32): i32 {
  let p = k;
  while (p < e) {
    const c = <i32>u16At(bCol, p);
    if (c < n && load<u8>(keep + <usize>c) == 1) break;
    p++;
  }
  return p;
}

// State of the dense row kernel, shared with yuma3Pass.
let lastCombined = 0.0;
let lastAlpha = 0.0;
let rowUnsorted = 0;
let rowTrust = 0.0;

/** The EMA rate for a `combined` argument: alpha at 0 for 0, else alphaOf (its last argument's value reused). */
@inline function rateOf(combined: f64, k: f64, low: f64, high: f64, alphaAtZero: f64): f64 {
  if (combined == 0) return alphaAtZero;
  if (combined != lastCombined) {
    lastCombined = combined;
    lastAlpha = alphaOf(combined, k, low, high);
  }
  return lastAlpha;
}

/** denseRow's loop over the columns, two at a time; `liquid`, `cf1` and `ex` are constants at every call. */
@inline function denseLoop(
  liquid: bool, cf1: bool, ex: bool, consensus: usize, W: usize, PW: usize, B: usize, ranks: usize,
  colSum: usize, slot: usize, np: i32, nnz: i32, scale: f64, alpha: f64, alphaAtZero: f64, k: f64,
  low: f64, high: f64,
): i32 {
  const one = f64x2.splat(1);
  const zero = f64x2.splat(0);
  const scaleV = f64x2.splat(scale);
  const alphaV = f64x2.splat(alpha);
  const restV = f64x2.splat(1 - alpha);
  const zeroRate = f64x2.splat(alphaAtZero);
  const u16Max = f64x2.splat(65535);
  let tacc = zero;
  let at = nnz;
  for (let j = 0; j < np; j += 2) {
    const o = <usize>j << 3;
    const th = v128.load(consensus + o);
    const v = v128.load(W + o);
    const present = f64x2.ne(v128.load(PW + o), zero);
    const raw = v128.load(B + o);
    const b = ex ? gdiv2In(raw, u16Max, true) : f64x2.div(raw, u16Max); // u16p
    // The sparse loop's 0/1 factors as lane masks: clipped (m = th < v) gives x = th·m + v·(1−m), the clipped
    // weight; it is dropped (kept = 0) when clipped to a consensus that is not positive. A factor of 1 or 0 on a
    // finite value ≥ 0 is the value or +0, as a mask's `and` gives.
    const clip = f64x2.lt(th, v);
    const x = v128.bitselect(th, v, clip);
    const dropped = v128.and(clip, v128.not(f64x2.gt(th, zero)));
    const keptHere = v128.andnot(present, dropped);
    tacc = f64x2.add(tacc, v128.and(x, keptHere));
    v128.store(ranks + o, f64x2.add(v128.load(ranks + o), v128.and(gmul2In(scaleV, x, ex), keptHere)));
    // A kept weight here (what the sparse loop goes on with: kept ≥ cf and present).
    const withWeight = cf1 ? keptHere : present;
    const wv = cf1 ? x : v;
    let out: v128;
    if (liquid) {
      let combined: v128;
      // (b − wv)·[wv < b]; where the factor is 0 this gives +0 for a −0 product: the same rate (α at 0) follows.
      if (cf1) combined = v128.and(f64x2.sub(b, wv), f64x2.lt(wv, b));
      else {
        // diff = (wv − th)·ge + (b − wv)·(1 − ge), then diff·(1 − under − over) + over: a choice of one term
        // (adding a ±0 changes nothing), then 0 below 0 (−0 + 0 is +0), 1 above 1, else diff.
        const diff = v128.bitselect(f64x2.sub(wv, th), f64x2.sub(b, wv), f64x2.ge(wv, b));
        combined = v128.bitselect(one, v128.bitselect(zero, diff, f64x2.lt(diff, zero)), f64x2.gt(diff, one));
      }
      let rate = zeroRate;
      if (v128.any_true(v128.and(f64x2.ne(combined, zero), withWeight))) {
        const r0 = i64x2.extract_lane(withWeight, 0) != 0
          ? rateOf(f64x2.extract_lane(combined, 0), k, low, high, alphaAtZero) : alphaAtZero;
        const r1 = i64x2.extract_lane(withWeight, 1) != 0
          ? rateOf(f64x2.extract_lane(combined, 1), k, low, high, alphaAtZero) : alphaAtZero;
        rate = f64x2.replace_lane(f64x2.splat(r0), 1, r1);
      }
      const inc = gmul2In(rate, wv, ex);
      const total = f64x2.add(gmul2In(f64x2.sub(one, rate), b, ex), v128.and(inc, f64x2.gt(inc, zero)));
      out = v128.and(v128.bitselect(total, one, f64x2.lt(total, one)), withWeight);
    } else {
      // Without a bond here b is 0 and so is its decayed value: no presence flag needed for the bonds.
      const decayed = gmul2In(restV, b, ex);
      out = v128.bitselect(f64x2.add(gmul2In(alphaV, wv, ex), decayed), decayed, withWeight);
    }
    const positive = f64x2.gt(out, zero);
    const kept2 = v128.and(out, positive);
    v128.store(colSum + o, f64x2.add(v128.load(colSum + o), kept2));
    // The row stays dense (its positive entries are the sparse row's); the count advances past them (a lane mask
    // is −1 where true). The padding lane is 0.
    v128.store(slot + o, kept2);
    at -= <i32>(i64x2.extract_lane(positive, 0) + i64x2.extract_lane(positive, 1));
  }
  rowTrust = f64x2.extract_lane(tacc, 0) + f64x2.extract_lane(tacc, 1);
  return at;
}

/**
 * Row i of yuma3Pass on dense rows, two columns at a time (f64x2): the weights row and the kept bonds of the row are
 * scattered into zeroed scratch rows (W with its presence flags PW, and B, each `np` doubles: an absent bond is a 0,
 * whose decayed value is 0 too), every column then
 * gets the sparse loop's arithmetic with absent entries contributing nothing (a flag of 0 multiplies them away or
 * selects 0), and the results stay a dense row at `slot` (np doubles, 0 where not positive): its positive entries,
 * in column order, are the sparse loop's row, since both rows are strictly increasing (bonds: else `rowUnsorted`).
 * The CSR's row starts count them (`yuma3DenseToCsr` writes them in when the JavaScript needs the CSR). Adds to
 * ranks and column sums, sets `rowTrust` (a sum of grid values below 2^21: exact in any order). Returns the new
 * entry count.
 */
function denseRow(
  n: i32, np: i32, s: i32, e: i32, bs: i32, be: i32, wCol: usize, wVal: usize, bCol: usize, bVal: usize,
  keep: usize, consensus: usize, scale: f64, cf: i32, liquid: bool, alpha: f64, low: f64, high: f64, k: f64,
  alphaAtZero: f64, ranks: usize, colSum: usize, slot: usize, nnz: i32, rows: usize,
): i32 {
  const W = rows;
  const PW = rows + (<usize>np << 3);
  const B = rows + (<usize>np << 4);
  memory.fill(rows, 0, <usize>np * 24);
  for (let q = s; q < e; q++) {
    const j = i32At(wCol, q);
    setF64(W, j, f64At(wVal, q));
    setF64(PW, j, 1);
  }
  let prev = -1;
  for (let p = keptFrom(bCol, be, n, keep, bs); p < be; p = keptFrom(bCol, be, n, keep, p + 1)) {
    const c = <i32>u16At(bCol, p);
    rowUnsorted |= <i32>(c <= prev);
    prev = c;
    setF64(B, c, <f64>u16At(bVal, p)); // the raw u16: u16p below, two at a time
  }
  // One copy of the loop per (liquid, clipped weights for bonds, exact) with those as constants: each copy keeps
  // only what its mode computes live (fewer vectors spilled to the stack).
  if (liquid) {
    if (cf == 1) return exact ? denseLoop(true, true, true, consensus, W, PW, B, ranks, colSum, slot, np, nnz, scale, alpha, alphaAtZero, k, low, high) : denseLoop(true, true, false, consensus, W, PW, B, ranks, colSum, slot, np, nnz, scale, alpha, alphaAtZero, k, low, high);
    return exact ? denseLoop(true, false, true, consensus, W, PW, B, ranks, colSum, slot, np, nnz, scale, alpha, alphaAtZero, k, low, high) : denseLoop(true, false, false, consensus, W, PW, B, ranks, colSum, slot, np, nnz, scale, alpha, alphaAtZero, k, low, high);
  }
  if (cf == 1) return exact ? denseLoop(false, true, true, consensus, W, PW, B, ranks, colSum, slot, np, nnz, scale, alpha, alphaAtZero, k, low, high) : denseLoop(false, true, false, consensus, W, PW, B, ranks, colSum, slot, np, nnz, scale, alpha, alphaAtZero, k, low, high);
  return exact ? denseLoop(false, false, true, consensus, W, PW, B, ranks, colSum, slot, np, nnz, scale, alpha, alphaAtZero, k, low, high) : denseLoop(false, false, false, consensus, W, PW, B, ranks, colSum, slot, np, nnz, scale, alpha, alphaAtZero, k, low, high);
}

/**
 * Returns 0, 1 when a kept bonds row is not strictly increasing, 2 when a grid operation left the fast range. Rows
 * with entries for at least a quarter of the columns go through the dense kernel (denseRow), the others through the
 * sparse merge below; both give the same doubles. `rows`: scratch for 4·np doubles (np: n rounded up to even), and
 * consensus, ranks and column sums must have room for np doubles (the padding column reads a consensus of 0). A
 * dense row's results stay in the next of the `dense` region's rows (np doubles each: room for every row that may
 * go dense), its index in `slots` (i32 per row, −1 for the sparse ones), for yuma3Dividends.
 */
export function yuma3Pass(
  n: i32, wStart: usize, wCol: usize, wVal: usize,
  bStart: usize, bCol: usize, bVal: usize,
  lastTempo: f64, reg: usize, keep: usize, consensus: usize, activeStake: usize,
  cf: i32, liquid: bool, alpha: f64, low: f64, high: f64, k: f64, alphaAtZero: f64,
  trust: usize, ranks: usize, eStart: usize, eCol: usize, eVal: usize, colSum: usize, rows: usize,
  slots: usize, dense: usize,
): i32 {
  const np = n + (n & 1);
  let slotCount = 0;
  for (let j = 0; j < n; j++) store<u8>(keep + <usize>j, lastTempo <= f64At(reg, j) ? 0 : 1);
  for (let j = 0; j < np; j++) { setF64(ranks, j, 0); setF64(colSum, j, 0); }
  if (n & 1) setF64(consensus, n, 0);
  const rest = 1 - alpha;
  const cff = <f64>cf;
  lastCombined = 0.0;
  lastAlpha = alphaAtZero;
  rowUnsorted = 0;
  let unsorted = 0;
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    setI32(eStart, i, nnz);
    setI32(slots, i, -1);
    const s = i32At(wStart, i);
    const e = i32At(wStart, i + 1);
    const bs = i32At(bStart, i);
    const be = i32At(bStart, i + 1);
    setF64(trust, i, 0);
    if (s == e && (liquid || bs == be)) continue;
    const scale = f64At(activeStake, i);
    if (4 * (e - s + be - bs) >= n) {
      const slot = dense + ((<usize>slotCount * <usize>np) << 3);
      setI32(slots, i, slotCount++);
      nnz = denseRow(n, np, s, e, bs, be, wCol, wVal, bCol, bVal, keep, consensus, scale, cf, liquid, alpha, low, high,
        k, alphaAtZero, ranks, colSum, slot, nnz, rows);
      setF64(trust, i, rowTrust);
      continue;
    }
    let pb = keptFrom(bCol, be, n, keep, bs);
    let bj = pb < be ? <i32>u16At(bCol, pb) : END;
    let t0 = 0.0;
    let t1 = 0.0;
    for (let q = s; q < e; q++) {
      const j = i32At(wCol, q);
      const v = f64At(wVal, q);
      const th = f64At(consensus, j);
      const mi = <i32>(th < v);
      const m = <f64>mi;
      const kept = 1.0 - <f64>(mi & <i32>!(th > 0));
      const x = th * m + v * (1 - m);
      if (q & 1) t1 += x * kept;
      else t0 += x * kept;
      setF64(ranks, j, f64At(ranks, j) + gmul(scale, x) * kept);
      if (kept < cff) continue;
      const wv = cf == 1 ? x : v;
      while (bj < j) {
        if (!liquid) {
          const d = gmul(rest, u16p(<u32>u16At(bVal, pb)));
          if (d > 0) {
            setI32(eCol, nnz, bj);
            setF64(eVal, nnz++, d);
            setF64(colSum, bj, f64At(colSum, bj) + d);
          }
        }
        pb = keptFrom(bCol, be, n, keep, pb + 1);
        const next = pb < be ? <i32>u16At(bCol, pb) : END;
        unsorted |= <i32>(next <= bj);
        bj = next;
      }
      let b = 0.0;
      const has = bj == j;
      if (has) {
        b = u16p(<u32>u16At(bVal, pb));
        pb = keptFrom(bCol, be, n, keep, pb + 1);
        const next = pb < be ? <i32>u16At(bCol, pb) : END;
        unsorted |= <i32>(next <= bj);
        bj = next;
      }
      let out: f64;
      if (liquid) {
        let combined: f64;
        if (cf == 1) combined = (b - wv) * <f64>(wv < b);
        else {
          const ge = <f64>(wv >= b);
          const diff = (wv - th) * ge + (b - wv) * (1 - ge);
          const under = <f64>(diff < 0);
          const over = <f64>(diff > 1);
          combined = diff * (1 - under - over) + over;
        }
        const rate = rateOf(combined, k, low, high, alphaAtZero);
        const inc = gmul(rate, wv);
        const total = gmul(1 - rate, b) + (inc > 0 ? inc : 0);
        out = total < 1 ? total : 1;
      } else {
        out = gmul(alpha, wv);
        if (has) out = out + gmul(rest, b);
      }
      if (out > 0) {
        setI32(eCol, nnz, j);
        setF64(eVal, nnz++, out);
        setF64(colSum, j, f64At(colSum, j) + out);
      }
    }
    setF64(trust, i, t0 + t1);
    while (bj != END) {
      if (!liquid) {
        const d = gmul(rest, u16p(<u32>u16At(bVal, pb)));
        if (d > 0) {
          setI32(eCol, nnz, bj);
          setF64(eVal, nnz++, d);
          setF64(colSum, bj, f64At(colSum, bj) + d);
        }
      }
      pb = keptFrom(bCol, be, n, keep, pb + 1);
      const next = pb < be ? <i32>u16At(bCol, pb) : END;
      unsorted |= <i32>(next <= bj);
      bj = next;
    }
  }
  setI32(eStart, n, nnz);
  return outOfRange ? 2 : (unsorted | rowUnsorted) != 0 ? 1 : 0;
}

/**
 * One row of yuma3Dividends: Σ_j I_j·(B_ij / S_j) (two accumulators by entry parity, as the JavaScript), storing the
 * row's bonds when `stored`. `ex` is a constant at each call: in exact mode the quotient is a multiplication by the
 * column's reciprocal where that truncates alike (gdivBy); in float mode the division is cheaper than that test.
 */
@inline function dividendRow(
  s: i32, e: i32, eCol: usize, eVal: usize, colSum: usize, recip: usize, incentive: usize, stored: bool,
  store: usize, size: i32, at: i32, ex: bool,
): f64 {
  let s0 = 0.0;
  let s1 = 0.0;
  for (let q = s; q < e; q++) {
    const j = i32At(eCol, q);
    const v = f64At(eVal, q);
    const d = f64At(colSum, j);
    const x = d != 0 ? (ex ? gdivBy(v, d, f64At(recip, j)) : gdivIn(v, d, false)) : v;
    const term = gmulIn(f64At(incentive, j), x, ex);
    if (q & 1) s1 += term;
    else s0 += term;
    if (stored) storeBond(store, size, at + q - s, j, v);
  }
  return s0 + s1;
}

/**
 * dividendRow on a dense row (`slot`: np doubles, 0 where the sparse row has no entry), two columns at a time. A
 * column sum of 0 means every entry of the column is 0, whose quotient is 0 either way (divided by 1 here). The
 * terms are grid values below 2^21 in sum: exact in any order, so the lanes' sums equal the sparse loop's.
 */
@inline function denseDividendRow(
  np: i32, slot: usize, colSum: usize, incentive: usize, stored: bool, store: usize, size: i32, at: i32, ex: bool,
): f64 {
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const u16Max = f64x2.splat(65535);
  let acc = zero;
  let pos = at;
  for (let j = 0; j < np; j += 2) {
    const o = <usize>j << 3;
    const v = v128.load(slot + o);
    const d = v128.load(colSum + o);
    const x = gdiv2In(v, v128.bitselect(one, d, f64x2.eq(d, zero)), ex);
    acc = f64x2.add(acc, gmul2In(v128.load(incentive + o), x, ex));
    if (stored) {
      // storeBond's floor(v·65535) clamped to [0, 65535] on both lanes at once (v > 0 here, so NaN cannot occur).
      const u = i32x4.trunc_sat_f64x2_s_zero(f64x2.pmin(f64x2.floor(f64x2.mul(v, u16Max)), u16Max));
      if (f64x2.extract_lane(v, 0) > 0) {
        setU16(store, pos, <u32>j);
        setU16(store, size + pos++, <u32>i32x4.extract_lane(u, 0));
      }
      if (f64x2.extract_lane(v, 1) > 0) {
        setU16(store, pos, <u32>(j + 1));
        setU16(store, size + pos++, <u32>i32x4.extract_lane(u, 1));
      }
    }
  }
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}

/**
 * Yuma3 dividends from the EMA bonds and their column sums, normalised into `out`, and the bonds storage of the rows
 * with a new permit: their columns at `store`, their floor(b·65535) values `size` entries further. Returns 2 when a
 * grid operation left the fast range, else 0.
 */
export function yuma3Dividends(
  n: i32, eStart: usize, eCol: usize, eVal: usize, colSum: usize, incentive: usize, activeStake: usize,
  newPermits: usize, out: usize, store: usize, size: i32, recip: usize, slots: usize, dense: usize,
): i32 {
  const np = n + (n & 1);
  if (exact) for (let j = 0; j < n; j++) { const d = f64At(colSum, j); setF64(recip, j, d != 0 ? 1 / d : 0); }
  let at = 0;
  let total = 0.0;
  for (let i = 0; i < n; i++) {
    const s = i32At(eStart, i);
    const e = i32At(eStart, i + 1);
    const stored = load<u8>(newPermits + <usize>i) != 0;
    const k = i32At(slots, i);
    const slot = dense + ((<usize>k * <usize>np) << 3);
    const rowSum = k >= 0
      ? exact
        ? denseDividendRow(np, slot, colSum, incentive, stored, store, size, at, true)
        : denseDividendRow(np, slot, colSum, incentive, stored, store, size, at, false)
      : exact
        ? dividendRow(s, e, eCol, eVal, colSum, recip, incentive, stored, store, size, at, true)
        : dividendRow(s, e, eCol, eVal, colSum, recip, incentive, stored, store, size, at, false);
    const dv = gmul(rowSum, f64At(activeStake, i));
    setF64(out, i, dv);
    total += dv;
    if (stored) at += e - s;
  }
  if (total != 0) for (let i = 0; i < n; i++) setF64(out, i, gdiv(f64At(out, i), total));
  return outOfRange ? 2 : 0;
}

/**
 * The dense rows of yuma3Pass (`slots`) written into the EMA bonds' CSR where their entries belong (their positive
 * entries in column order), for the JavaScript kernels that read the CSR when a WebAssembly pass declines.
 */
export function yuma3DenseToCsr(n: i32, eStart: usize, eCol: usize, eVal: usize, slots: usize, dense: usize): void {
  const np = n + (n & 1);
  for (let i = 0; i < n; i++) {
    const k = i32At(slots, i);
    if (k < 0) continue;
    const slot = dense + ((<usize>k * <usize>np) << 3);
    let at = i32At(eStart, i);
    for (let j = 0; j < n; j++) {
      const v = f64At(slot, j);
      if (v > 0) {
        setI32(eCol, at, j);
        setF64(eVal, at++, v);
      }
    }
  }
}
