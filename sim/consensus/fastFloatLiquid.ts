import { expSafe as expSafeGeneric } from './exp.ts';
import { type Csr, growF64, growI32, growU8, sortedColumns } from './fastFloatBuffers.ts';
import { fixedArith } from './fixed.ts';
import { gdiv, gmul, isExactGrid } from './grid.ts';

// Kernel loops index arrays within their bounds: `a[i]!` there is a bounds-known read, not a guess.

const E = 22802600 / 2 ** 23; // floor(e·2^23)/2^23, as fixed.ts and float.ts

/**
 * exp.ts `expSafe`, same operations in the same order (float mode: with its grid-rounded Math.exp on |x| ≤ 8; exact
 * mode: always the series, whose terms and sum stay below 2^20 for |x| ≤ 13 — `alphaOf` takes larger exponents to
 * bigint).
 */
function expSafe(input: number): number {
  const x0 = input < -20 ? -20 : input > 20 ? 20 : input;
  if (x0 === 0) return 1;
  if (x0 === 1) return E;
  if (!isExactGrid() && x0 >= -8 && x0 <= 8) return Math.floor(Math.exp(x0) * 4294967296) / 4294967296;
  const neg = x0 < 0;
  const x = neg ? 0 - x0 : x0;
  let result = x + 1;
  let term = x;
  for (let i = 2; i < 32; i++) {
    term = gdiv(gmul(term, x), i);
    result = result + term;
  }
  return neg ? gdiv(1, result) : result;
}

const G = 4294967296n;
/** alphaOf in fixedArith (bigint), for an exponent whose exponential does not fit the double grid. */
function alphaOfBig(exponent: number, low: number, high: number): number {
  const e = expSafeGeneric(fixedArith, BigInt(exponent * 4294967296));
  const sigmoid = Number(fixedArith.satDiv(G, G + e)) / 4294967296;
  return low + gmul(sigmoid, high - low);
}

/**
 * bonds.ts `alphaSigmoid` from its `combined` argument (the rest of it is a function of `combined` alone):
 * k = steepness / −100 (satDiv), exponent k·(combined − ½), sigmoid 1/(1 + exp), alpha low + sigmoid·(high − low)
 * clamped to [low, high].
 */
export function alphaOf(combined: number, k: number, low: number, high: number): number {
  const exponent = gmul(k, combined - 0.5);
  const alpha =
    isExactGrid() && (exponent > 13 || exponent < -13)
      ? alphaOfBig(exponent, low, high)
      : low + gmul(gdiv(1, 1 + expSafe(exponent)), high - low);
  const capped = alpha < high ? alpha : high;
  return capped > low ? capped : low;
}

let rate = new Float64Array(0);
let decayed = new Float64Array(0);
let inRow = new Uint8Array(0);
let mark = new Uint8Array(0);
let order = new Int32Array(0);

/**
 * bonds.ts `matEmaLiquid` (`compute_liquid_alpha_values_sparse` + `mat_ema_alpha_sparse`): per entry of a Wb row,
 * bond' = min((1−α)·bond + max(α·w, 0), 1) kept when positive, in the Wb row's entry order. α is computed for the
 * row's distinct columns in ascending order, reading w and the old bond through forward-only cursors (the chain's
 * reading of an unsorted row). α depends only on `combined`; its values at 0 and at the previous argument are reused.
 */
export function matEmaLiquid(
  wb: Csr,
  old: Csr,
  n: number,
  consensus: Float64Array,
  low: number,
  high: number,
  steepness: number,
  out: Csr,
): void {
  const k = gdiv(steepness, -100);
  const alphaAtZero = alphaOf(0, k, low, high);
  let lastCombined = 0;
  let lastAlpha = alphaAtZero;
  const { start, col, val } = wb;
  const bStart = old.start;
  const bCol = old.col;
  const bVal = old.val;
  out.reserve(n, start[n]!);
  rate = growF64(rate, n);
  decayed = growF64(decayed, n);
  inRow = growU8(inRow, n);
  mark = growU8(mark, n);
  order = growI32(order, n);
  inRow.fill(0, 0, n);
  mark.fill(0, 0, n);
  const oStart = out.start;
  const oCol = out.col;
  const oVal = out.val;
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    oStart[i] = nnz;
    const s = start[i]!;
    const e = start[i + 1]!;
    if (s === e) continue;
    const bs = bStart[i]!;
    const be = bStart[i + 1]!;
    const count = sortedColumns(col, s, e, mark, order);
    const m = count < 0 ? e - s : count;
    let pw = s;
    let pb = bs;
    for (let q = 0; q < m; q++) {
      const j = count < 0 ? col[s + q]! : order[q]!;
      while (pw < e && col[pw]! < j) pw++;
      const w = pw < e && col[pw] === j ? val[pw]! : 0;
      while (pb < be && bCol[pb]! < j) pb++;
      const b = pb < be && bCol[pb] === j ? bVal[pb]! : 0;
      const c = consensus[j]!;
      const x = w >= b ? w - c : b - w;
      const combined = x > 1 ? 1 : x < 0 ? 0 : x;
      let alpha: number;
      if (combined === 0) alpha = alphaAtZero;
      else if (combined === lastCombined) alpha = lastAlpha;
      else {
        alpha = alphaOf(combined, k, low, high);
        lastCombined = combined;
        lastAlpha = alpha;
      }
      rate[j] = alpha;
      decayed[j] = 0;
      inRow[j] = 1;
    }
    for (let q = bs; q < be; q++) {
      const j = bCol[q]!;
      if (inRow[j]) decayed[j] = gmul(1 - rate[j]!, bVal[q]!);
    }
    for (let q = s; q < e; q++) {
      const j = col[q]!;
      const inc = gmul(rate[j]!, val[q]!);
      const total = decayed[j]! + (inc > 0 ? inc : 0);
      const v = total < 1 ? total : 1;
      if (v > 0) {
        oCol[nnz] = j;
        oVal[nnz++] = v;
      }
    }
    for (let q = s; q < e; q++) inRow[col[q]!] = 0;
  }
  oStart[n] = nnz;
}
