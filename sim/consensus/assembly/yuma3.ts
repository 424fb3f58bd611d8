// The fused Yuma3 kernels of fastFloatYuma3.ts (yuma3Pass) and fastFloatDividends.ts (yuma3DividendsAndStore) in
// AssemblyScript: the same operations in the same order as the JavaScript, so the same doubles (tested). Matrices
// are CSR regions of the module's memory (row starts i32, columns i32, values f64; the stored bonds as u16 columns
// and values); every argument named as an array is a byte offset chosen by the caller (wasmKernel.ts).
import { gdiv, gmul, outOfRange, u16p } from './grid';

@external("env", "alphaOf") declare function alphaOf(combined: f64, k: f64, low: f64, high: f64): f64;

@inline function f64At(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function setF64(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
@inline function i32At(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function setI32(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }
@inline function u16At(p: usize, i: i32): u32 { return <u32>load<u16>(p + (<usize>i << 1)); }
@inline function setU16(p: usize, i: i32, v: u32): void { store<u16>(p + (<usize>i << 1), <u16>v); }

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

/** Returns 0, 1 when a kept bonds row is not strictly increasing, 2 when a grid operation left the fast range. */
export function yuma3Pass(
  n: i32, wStart: usize, wCol: usize, wVal: usize,
  bStart: usize, bCol: usize, bVal: usize,
  lastTempo: f64, reg: usize, keep: usize, consensus: usize, activeStake: usize,
  cf: i32, liquid: bool, alpha: f64, low: f64, high: f64, k: f64, alphaAtZero: f64,
  trust: usize, ranks: usize, eStart: usize, eCol: usize, eVal: usize, colSum: usize,
): i32 {
  for (let j = 0; j < n; j++) store<u8>(keep + <usize>j, lastTempo <= f64At(reg, j) ? 0 : 1);
  for (let j = 0; j < n; j++) { setF64(ranks, j, 0); setF64(colSum, j, 0); }
  const rest = 1 - alpha;
  const cff = <f64>cf;
  let lastCombined = 0.0;
  let lastAlpha = alphaAtZero;
  let unsorted = 0;
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    setI32(eStart, i, nnz);
    const s = i32At(wStart, i);
    const e = i32At(wStart, i + 1);
    const bs = i32At(bStart, i);
    const be = i32At(bStart, i + 1);
    setF64(trust, i, 0);
    if (s == e && (liquid || bs == be)) continue;
    const scale = f64At(activeStake, i);
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
          const d = gmul(rest, u16p(u16At(bVal, pb)));
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
        b = u16p(u16At(bVal, pb));
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
        let rate = alphaAtZero;
        if (combined != 0) {
          if (combined != lastCombined) {
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
        setI32(eCol, nnz, j);
        setF64(eVal, nnz++, out);
        setF64(colSum, j, f64At(colSum, j) + out);
      }
    }
    setF64(trust, i, t0 + t1);
    while (bj != END) {
      if (!liquid) {
        const d = gmul(rest, u16p(u16At(bVal, pb)));
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
  return outOfRange ? 2 : unsorted != 0 ? 1 : 0;
}

/**
 * Yuma3 dividends from the EMA bonds and their column sums, normalised into `out`, and the bonds storage of the rows
 * with a new permit: their columns at `store`, their floor(b·65535) values `size` entries further. Returns 2 when a
 * grid operation left the fast range, else 0.
 */
export function yuma3Dividends(
  n: i32, eStart: usize, eCol: usize, eVal: usize, colSum: usize, incentive: usize, activeStake: usize,
  newPermits: usize, out: usize, store: usize, size: i32,
): i32 {
  let at = 0;
  let total = 0.0;
  for (let i = 0; i < n; i++) {
    const s = i32At(eStart, i);
    const e = i32At(eStart, i + 1);
    const stored = load<u8>(newPermits + <usize>i) != 0;
    let s0 = 0.0;
    let s1 = 0.0;
    for (let q = s; q < e; q++) {
      const j = i32At(eCol, q);
      const v = f64At(eVal, q);
      const d = f64At(colSum, j);
      const x = d != 0 ? gdiv(v, d) : v;
      const term = gmul(f64At(incentive, j), x);
      if (q & 1) s1 += term;
      else s0 += term;
      if (stored) {
        const u = Math.floor(v * 65535);
        setU16(store, at + q - s, <u32>j);
        setU16(store, size + at + q - s, u < 0 ? 0 : u > 65535 ? 65535 : <u32>u);
      }
    }
    const dv = gmul(s0 + s1, f64At(activeStake, i));
    setF64(out, i, dv);
    total += dv;
    if (stored) at += e - s;
  }
  if (total != 0) for (let i = 0; i < n; i++) setF64(out, i, gdiv(f64At(out, i), total));
  return outOfRange ? 2 : 0;
}
