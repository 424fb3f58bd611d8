// grid.ts of the kernel (sim/consensus/grid.ts) in AssemblyScript: the same operations in the same order, so the
// same doubles, plus two-lane (SIMD) and through-a-reciprocal forms that give the same results. Float mode floors a·b·2^32 and truncates a/b·2^32; exact mode corrects the last rounding with
// Dekker's two-product. Where the JavaScript falls back to bigint (|result·2^32| ≥ 2^52, never met in an epoch),
// this sets `outOfRange` and returns 0: the caller then runs the JavaScript pass instead.
const G: f64 = 4294967296.0;
const LIMIT: f64 = 4503599627370496.0; // 2^52
const SPLIT: f64 = 134217729.0; // 2^27 + 1

export let exact: bool = false;
export let outOfRange: bool = false;

export function setGrid(on: bool): void { exact = on; outOfRange = false; }

@inline function productError(a: f64, b: f64, p: f64): f64 {
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

@inline function mulExact(a: f64, b: f64): f64 {
  const p = a * b;
  const q = p * G;
  if (!(q < LIMIT && q > -LIMIT)) { outOfRange = true; return 0; }
  const f = Math.floor(q);
  if (f != q) return f / G;
  return (productError(a, b, p) < 0 ? f - 1 : f) / G;
}

@inline function divExact(a: f64, b: f64): f64 {
  const q = (a / b) * G;
  if (!(q < LIMIT && q > -LIMIT)) { outOfRange = true; return 0; }
  const t = Math.trunc(q);
  if (t != q || t == 0) return t / G;
  const c = t / G;
  const hi = c * b;
  const lo = productError(c, b, hi);
  const d = a - hi;
  const s: i32 = d > lo ? 1 : d < lo ? -1 : 0;
  const towardZero = s != 0 && (b > 0 ? s : -s) != (t > 0 ? 1 : -1);
  return towardZero ? (t > 0 ? t - 1 : t + 1) / G : c;
}

@inline export function gmul(a: f64, b: f64): f64 {
  return gmulIn(a, b, exact);
}

/** gmul in the given mode (a constant argument lets the compiler drop the other mode's code). */
@inline export function gmulIn(a: f64, b: f64, exact: bool): f64 {
  return exact ? mulExact(a, b) : Math.floor(a * b * 4294967296.0) / 4294967296.0;
}

@inline export function gdiv(a: f64, b: f64): f64 {
  return gdivIn(a, b, exact);
}

/** gdiv in the given mode (see gmulIn). */
@inline export function gdivIn(a: f64, b: f64, exact: bool): f64 {
  return exact ? divExact(a, b) : Math.trunc((a / b) * 4294967296.0) / 4294967296.0;
}

const ONE2: v128 = f64x2(1.0, 1.0);
const ZERO2: v128 = f64x2(0.0, 0.0);
const G2: v128 = f64x2(4294967296.0, 4294967296.0);
const INV_G2: v128 = f64x2(2.3283064365386963e-10, 2.3283064365386963e-10); // 2^-32: f·2^-32 = f/2^32 exactly
const LIMIT2: v128 = f64x2(4503599627370496.0, 4503599627370496.0);
const NEG_LIMIT2: v128 = f64x2(-4503599627370496.0, -4503599627370496.0);
const SPLIT2: v128 = f64x2(134217729.0, 134217729.0);

/**
 * gmul on both lanes: the same floor (and in exact mode the same correction) as the scalar one, lane by lane. For
 * grid values (what the kernel multiplies in exact mode).
 */
@inline export function gmul2(a: v128, b: v128): v128 {
  return gmul2In(a, b, exact);
}

/** gmul2 in the given mode (a constant argument lets the compiler drop the other mode's code). */
@inline export function gmul2In(a: v128, b: v128, exact: bool): v128 {
  const p = f64x2.mul(a, b);
  const q = f64x2.mul(p, G2);
  let f = f64x2.floor(q);
  if (exact) {
    if (v128.any_true(v128.not(v128.and(f64x2.lt(q, LIMIT2), f64x2.gt(q, NEG_LIMIT2))))) outOfRange = true;
    // Only a lane whose rounded product lands on a grid point can need the correction; a zero product of grid
    // values (each 0 or at least 2^-32 in magnitude, so no underflow) is exact and needs none. Most pairs skip it.
    const onPoint = v128.and(f64x2.eq(f, q), f64x2.ne(q, ZERO2));
    if (v128.any_true(onPoint)) {
      let t = f64x2.mul(SPLIT2, a);
      const ah = f64x2.sub(t, f64x2.sub(t, a));
      const al = f64x2.sub(a, ah);
      t = f64x2.mul(SPLIT2, b);
      const bh = f64x2.sub(t, f64x2.sub(t, b));
      const bl = f64x2.sub(b, bh);
      const err = f64x2.add(
        f64x2.add(f64x2.add(f64x2.sub(f64x2.mul(ah, bh), p), f64x2.mul(ah, bl)), f64x2.mul(al, bh)),
        f64x2.mul(al, bl),
      );
      f = f64x2.sub(f, v128.and(v128.and(onPoint, f64x2.lt(err, ZERO2)), ONE2));
    }
  }
  return f64x2.mul(f, INV_G2);
}

/**
 * gdiv on both lanes (b ≠ 0 in both): the same truncation as the scalar one; in exact mode a lane whose non-zero
 * quotient lands on a grid point (rare) is redone by the scalar divExact.
 */
@inline export function gdiv2(a: v128, b: v128): v128 {
  return gdiv2In(a, b, exact);
}

/** gdiv2 in the given mode (see gmul2In). */
@inline export function gdiv2In(a: v128, b: v128, exact: bool): v128 {
  const q = f64x2.mul(f64x2.div(a, b), G2);
  const t = f64x2.trunc(q);
  let r = f64x2.mul(t, INV_G2);
  if (exact) {
    if (v128.any_true(v128.not(v128.and(f64x2.lt(q, LIMIT2), f64x2.gt(q, NEG_LIMIT2))))) outOfRange = true;
    const onPoint = v128.and(f64x2.eq(t, q), f64x2.ne(t, ZERO2));
    if (v128.any_true(onPoint)) {
      if (i64x2.extract_lane(onPoint, 0) != 0)
        r = f64x2.replace_lane(r, 0, divExact(f64x2.extract_lane(a, 0), f64x2.extract_lane(b, 0)));
      if (i64x2.extract_lane(onPoint, 1) != 0)
        r = f64x2.replace_lane(r, 1, divExact(f64x2.extract_lane(a, 1), f64x2.extract_lane(b, 1)));
    }
  }
  return r;
}

/**
 * gdiv(a, b) for a ≥ 0, given r = 1/b as a double (many quotients by one divisor): a·r·2^32 is within
 * 1.5·2^32·2^-52 < 1.5·10^-6 of fl(a/b)·2^32 (and of the exact quotient) when it is below 2^33, so where its
 * fractional part is further than 2·10^-6 from an integer both truncate alike — the quotient the division gives,
 * and no exact-mode correction applies (that needs an integer). Elsewhere, the division.
 */
@inline export function gdivBy(a: f64, b: f64, r: f64): f64 {
  const q = a * r * 4294967296.0;
  const t = Math.trunc(q);
  const f = q - t;
  if (q < 8589934592.0 && f > 2e-6 && f < 0.999998) return t / 4294967296.0;
  return gdiv(a, b);
}

/** v/65535 for a u16 v, as grid.ts `u16p` (its exact table holds divExact(v, 65535)). */
@inline export function u16p(v: u32): f64 {
  return exact ? divExact(<f64>v, 65535.0) : <f64>v / 65535.0;
}

// For tests (the JavaScript grid.ts is their reference).
export function gridMul(a: f64, b: f64): f64 { return gmul(a, b); }
export function gridDiv(a: f64, b: f64): f64 { return gdiv(a, b); }
export function gridDivBy(a: f64, b: f64): f64 { return gdivBy(a, b, 1 / b); }
export function gridU16(v: u32): f64 { return u16p(v); }
/** gdiv2 of (a0, a1)/(b0, b1), the lanes stored at `out` (two doubles). */
export function gridDiv2(a0: f64, a1: f64, b0: f64, b1: f64, out: usize): void {
  v128.store(out, gdiv2(f64x2.replace_lane(f64x2.splat(a0), 1, a1), f64x2.replace_lane(f64x2.splat(b0), 1, b1)));
}

/** gmul2 of (a0, a1)·(b0, b1), the lanes stored at `out` (two doubles). */
export function gridMul2(a0: f64, a1: f64, b0: f64, b1: f64, out: usize): void {
  v128.store(out, gmul2(f64x2.replace_lane(f64x2.splat(a0), 1, a1), f64x2.replace_lane(f64x2.splat(b0), 1, b1)));
}
