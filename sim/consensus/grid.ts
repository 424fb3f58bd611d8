/**
 * Grid arithmetic for the typed-array epoch kernel (fastFloat*.ts): values are doubles on the Q32.32 grid
 * (x = R / 2^32, R an integer), products floored and quotients truncated to the grid, as substrate_fixed's I32F32.
 *
 * Two modes, chosen per epoch with `setExactGrid`:
 * - float (the initial state): `floor(a·b·2^32)/2^32` on the double product — the generic `floatArith`, which can differ from
 *   the chain when a rounded product or quotient lands on a grid point its exact value misses (≤ 1 LSB in a u16
 *   output on random subnets);
 * - exact: the same operations with that last rounding corrected, so every result equals substrate_fixed's bit for
 *   bit (`fixedArith`, bigint), while values stay doubles.
 *
 * Why exactness is cheap. For grid values with |R| < 2^53 and a result below 2^20 in magnitude, q = fl(a·b)·2^32 is
 * within half an ulp of the exact q*, and ulp(q) ≤ 1/2. If q is not an integer, q and the integers around it are
 * multiples of ulp(q), so no integer lies between q and q*: floor(q*) = floor(q). Only when q is an integer can q*
 * be just below it; then the sign of the product's rounding error — Dekker's exact two-product, no FMA needed —
 * decides. Quotients likewise: if q = fl(a/b)·2^32 is an integer, an exact product c·b (c = q/2^32) compared with
 * a tells whether a/b is below c in magnitude. Out of that range (never met in an epoch, where values are
 * proportions, sums over uids or an exponential below 2^20) the bigint operation is used.
 */

const G = 4294967296;
const LIMIT = 2 ** 52;
const SPLIT = 134217729; // 2^27 + 1: Veltkamp's splitter for doubles

let exact = false;

/** Choose the mode of the grid operations for the epoch about to run (module state: kernels are not reentrant). */
export function setExactGrid(on: boolean): void {
  exact = on;
}

export const isExactGrid = (): boolean => exact;

/** The exact rounding error of p = fl(a·b): a·b − p (Dekker's two-product; a, b far from overflow). */
function productError(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);
const raw = (x: number): bigint => BigInt(x * G); // exact for grid values with |x| < 2^21
const fromRaw = (r: bigint): number => Number(r) / G;

function bigMul(a: number, b: number): number {
  const p = (raw(a) * raw(b)) >> 32n;
  return fromRaw(p > I64_MAX ? I64_MAX : p < I64_MIN ? I64_MIN : p);
}

function bigDiv(a: number, b: number): number {
  const q = (raw(a) << 32n) / raw(b);
  return q > I64_MAX || q < I64_MIN ? 0 : fromRaw(q);
}

function mulExact(a: number, b: number): number {
  const p = a * b;
  const q = p * G;
  if (!(q < LIMIT && q > -LIMIT)) return bigMul(a, b);
  const f = Math.floor(q);
  if (f !== q) return f / G;
  return (productError(a, b, p) < 0 ? f - 1 : f) / G;
}

function divExact(a: number, b: number): number {
  const q = (a / b) * G;
  if (!(q < LIMIT && q > -LIMIT)) return bigDiv(a, b);
  const t = Math.trunc(q);
  if (t !== q || t === 0) return t / G;
  // q is a non-zero integer: a/b may lie just inside it (toward zero), where truncation gives t − sign(t).
  const c = t / G;
  const hi = c * b;
  const lo = productError(c, b, hi); // c·b = hi + lo exactly
  const d = a - hi; // exact (Sterbenz: hi is within a few ulps of a)
  const s = d > lo ? 1 : d < lo ? -1 : 0; // sign(a − c·b)
  const towardZero = s !== 0 && (b > 0 ? s : -s) !== (t > 0 ? 1 : -1);
  return towardZero ? (t > 0 ? t - 1 : t + 1) / G : c;
}

/** a·b floored to the grid (`saturating_mul`; I32F32 floors toward −∞). */
export function gmul(a: number, b: number): number {
  return exact ? mulExact(a, b) : Math.floor(a * b * 4294967296) / 4294967296;
}

/** a/b truncated to the grid (`safe_div` for b ≠ 0; callers test b). */
export function gdiv(a: number, b: number): number {
  return exact ? divExact(a, b) : Math.trunc((a / b) * 4294967296) / 4294967296;
}

let u16Exact: Float64Array | null = null;

/** v/65535 for a u16 v: exactly as the generic float path (untruncated) or as the chain (`u16Proportion`). */
export function u16p(v: number): number {
  if (!exact) return v / 65535;
  if (u16Exact === null) {
    u16Exact = new Float64Array(65536);
    for (let k = 0; k < 65536; k++) u16Exact[k] = divExact(k, 65535);
  }
  return u16Exact[v]!;
}
