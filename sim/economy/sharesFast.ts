/**
 * The block's TAO emission per subnet by moving-price shares (`subnetShares` + `taoEmissionPerSubnet` for the rules
 * 'priceEma' and 'priceEmaUnburned' with nothing burned, every subnet enabled) on doubles, exact: the same U96F32 bits,
 * as two 32-bit halves. The bigint path costs ~ten allocating operations per subnet and block; this none. Every
 * floor below is exact: a double quotient's floor, off by at most one, corrected by an exactly computed remainder.
 * Outside its scope it returns `null` (the caller takes the bigint path). `test/economy/sharesFast.test.ts` compares
 * both.
 *
 * With m_i the moving prices (I96F32 bits, 0 ≤ m_i ≤ 2^32) and P = Σ m_i (0 < P < 2^40):
 * 1. s_i = floor(m_i·2^64 / P) (`normalise` of the U64F64 prices: the 2^32 factors cancel) as h·2^32 + l:
 *    h = floor(m_i·2^32 / P) from a double quotient (error < 2^-21, so off by at most one), corrected by the exact
 *    remainder r = m_i·2^32 − h·P (P split into 20-bit halves: every partial product below 2^53); l = floor(r·2^32/P)
 *    the same way. A subnet holding all of P (s = 2^64) is left to bigint.
 * 2. 'priceEmaUnburned' normalises again: with S = Σ s_i ∈ (2^64 − n, 2^64] and D = 2^64 − S (exact, < n),
 *    floor(s·2^64/S) = s + floor(s·D/S), the last from a double quotient (error < n·2^-51: off by at most one)
 *    corrected by the exact remainder s·D − k·S in two 32-bit-aligned parts (n ≤ 256 keeps them below 2^48).
 * 3. U96F32 emission = floor(E·share / 2^32) = E·h + floor(E·l/2^32) with E < 2^31 the block emission (rao), formed
 *    exactly from 16-bit pieces (every product below 2^48); its rao are the high half.
 */

const TWO16 = 65536;
const TWO20 = 1048576;
const TWO32 = 4294967296;
const P_LIMIT = 2 ** 40;
const E_LIMIT = 2n ** 31n;
const PRICE_LIMIT = 1n << 32n;

/** The result: U96F32 emission of subnet i = hi[i]·2^32 + lo[i] (both integers below 2^32); hi[i] is its rao. */
export interface EmissionHalves {
  readonly hi: Float64Array;
  readonly lo: Float64Array;
}

let hiBuf = new Float64Array(0);
let loBuf = new Float64Array(0);

/**
 * The per-subnet U96F32 TAO emission of `blockEmissionRao` by the moving prices' shares ('priceEma': one
 * normalisation; 'priceEmaUnburned' with nothing burned: two), or null where the doubles path does not apply. The
 * arrays are scratch, valid until the next call.
 */
export function priceEmissionHalves(
  movingPriceI96F32: readonly bigint[],
  blockEmissionRao: bigint,
  normaliseTwice: boolean,
): EmissionHalves | null {
  if (blockEmissionRao < 0n || blockEmissionRao >= E_LIMIT) return null;
  const shares = priceShareHalves(movingPriceI96F32, normaliseTwice);
  if (!shares) return null;
  emissionFromShares(shares, movingPriceI96F32.length, Number(blockEmissionRao));
  return shares;
}

/**
 * Steps 1 and 2: each subnet's share (U64F64 bits, `subnetShares` for these rules) = hi[i]·2^32 + lo[i], both
 * integers in [0, 2^32), or null. The arrays are scratch, valid until the next call.
 */
export function priceShareHalves(movingPriceI96F32: readonly bigint[], normaliseTwice: boolean): EmissionHalves | null {
  const n = movingPriceI96F32.length;
  // n ≤ 256 keeps step 2's exact products below 2^48.
  if (n === 0 || n > 256) return null;
  if (hiBuf.length < n) {
    hiBuf = new Float64Array(n);
    loBuf = new Float64Array(n);
  }
  const hi = hiBuf;
  const lo = loBuf;
  // 1. s_i = floor(m_i·2^64 / P), as (h, l) in hi/lo.
  let p = 0;
  for (let i = 0; i < n; i++) {
    const m = movingPriceI96F32[i]!;
    if (!(m >= 0n && m <= PRICE_LIMIT)) return null;
    hi[i] = Number(m); // exact: m ≤ 2^32
    p += hi[i]!;
  }
  if (!(p > 0 && p < P_LIMIT)) return null;
  const pHigh = Math.floor(p / TWO20);
  const pLow = p - pHigh * TWO20;
  for (let i = 0; i < n; i++) {
    const m = hi[i]!;
    if (m === p) return null; // s = 2^64: one subnet holds every share
    // h = floor(m·2^32 / P): the double quotient's floor is off by at most one — upwards only, as rounding to nearest
    // never goes below an integer the quotient reaches (the other branch is a guard) —; the exact remainder says.
    let h = Math.floor((m * TWO32) / p);
    let r = (m * 4096 - h * pHigh) * TWO20 - h * pLow; // m·2^32 − h·P, exact
    if (r < 0) {
      h--;
      r += p;
    } else if (r >= p) {
      h++;
      r -= p;
    }
    // l = floor(r·2^32 / P) the same way (r·2^12 < 2^52).
    let l = Math.floor((r * TWO32) / p);
    const r2 = (r * 4096 - l * pHigh) * TWO20 - l * pLow;
    if (r2 < 0) l--;
    else if (r2 >= p) l++;
    hi[i] = h;
    lo[i] = l;
  }
  // 2. share = s + floor(s·D / S) with D = 2^64 − S.
  if (normaliseTwice) {
    let sumH = 0;
    let sumL = 0;
    for (let i = 0; i < n; i++) {
      sumH += hi[i]!;
      sumL += lo[i]!;
    }
    const d = (TWO32 - sumH) * TWO32 - sumL;
    if (!(d >= 0 && d < n)) return null;
    if (d > 0) {
      const s = sumH * TWO32 + sumL;
      const carryS = Math.floor(sumL / TWO32);
      const sHigh = sumH + carryS; // S = sHigh·2^32 + sLow, sLow < 2^32
      const sLow = sumL - carryS * TWO32;
      for (let i = 0; i < n; i++) {
        // k = floor(s_i·D / S): the double's floor is off by at most one (four roundings; a search over millions of
        // price vectors found no case, but the result is exact by construction); the exact remainder
        // s_i·D − k·S = (h·D − k·ΣH)·2^32 + (l·D − k·ΣL) (every product below 2^48) says which.
        let k = Math.floor(((hi[i]! * TWO32 + lo[i]!) / s) * d);
        let remHigh = hi[i]! * d - k * sumH;
        let remLow = lo[i]! * d - k * sumL;
        const carry = Math.floor(remLow / TWO32);
        remHigh += carry;
        remLow -= carry * TWO32;
        if (remHigh < 0) k--;
        else if (remHigh > sHigh || (remHigh === sHigh && remLow >= sLow)) k++;
        const l = lo[i]! + k;
        if (l >= TWO32) {
          hi[i] = hi[i]! + 1;
          lo[i] = l - TWO32;
        } else lo[i] = l;
      }
    }
  }
  return { hi, lo };
}

/** Step 3, in place: U = E·h + floor(E·l / 2^32) for each share (h, l), as (U >> 32, U mod 2^32). */
function emissionFromShares(shares: EmissionHalves, n: number, e: number): void {
  const { hi, lo } = shares;
  for (let i = 0; i < n; i++) {
    const h = hi[i]!;
    const l = lo[i]!;
    const hh = Math.floor(h / TWO16);
    const a = e * hh; // E·h = a·2^16 + b
    const b = e * (h - hh * TWO16);
    const lh = Math.floor(l / TWO16);
    const c = e * lh; // E·l = c·2^16 + e·(l mod 2^16)
    const c1 = Math.floor(c / TWO16);
    const g = c1 + Math.floor(((c - c1 * TWO16) * TWO16 + e * (l - lh * TWO16)) / TWO32); // floor(E·l / 2^32)
    const a1 = Math.floor(a / TWO16);
    const t = (a - a1 * TWO16) * TWO16 + b + g; // U − a1·2^32, below 2^48
    const carry = Math.floor(t / TWO32);
    hi[i] = a1 + carry;
    lo[i] = t - carry * TWO32;
  }
}
