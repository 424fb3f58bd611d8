/**
 * Test-only reference ("oracle") of subtensor's Yuma consensus epoch.
 *
 * Written independently from the chain's Rust source (opentensor/subtensor 14bc6f9f,
 * pallets/subtensor/src/epoch/run_epoch.rs and epoch/math.rs; substrate-fixed v0.6.0
 * src/arith.rs and src/transcendental.rs). Deliberately plain and slow: every chain helper has
 * one function here with the same (camelCased) name, working on BigInt raw fixed-point values.
 * It shares no code with sim/ (only the epoch's input/output types are imported).
 *
 *   oracleEpoch(input)          mirrors `epoch_mechanism` (the production sparse epoch)
 *   oracleEpoch(input, true)    mirrors `epoch_dense_mechanism` (the chain's test-only dense epoch)
 *
 * Numeric model:
 *   I32F32  raw i64  (value = raw / 2^32)  — nearly everything
 *   I64F64  raw i128 (value = raw / 2^64)  — stake normalisation only
 *   I96F32  raw i128 (value = raw / 2^32)  — the final `x * rao_emission`
 */
import type { EpochInput, EpochParams, EpochResult, SparseMatrixU16, SparseRowU16 } from '../../sim/consensus/types.ts';

// ============================================================================================
// Fixed point (substrate-fixed v0.6.0)
// ============================================================================================

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const I128_MIN = -(1n << 127n);
const I128_MAX = (1n << 127n) - 1n;
const U64_MAX = (1n << 64n) - 1n;

/** I32F32 raw value. */
type Fx = bigint;
/** I64F64 raw value. */
type Fx64 = bigint;

const ZERO: Fx = 0n;
const ONE: Fx = 1n << 32n;
/** I32F32::from_num(0.5) */
const HALF: Fx = 1n << 31n;
/** transcendental::E is I9F23 bits `consts::E.to_bits() >> 103` = floor(e * 2^23) = 22802600; `D::from` widens it to I32F32. */
const E_FX: Fx = 22802600n << 9n;

function clamp(x: bigint, lo: bigint, hi: bigint): bigint {
  return x < lo ? lo : x > hi ? hi : x;
}
function inI64(x: bigint): boolean {
  return x >= I64_MIN && x <= I64_MAX;
}

/** `I32F32::saturating_from_num(integer)` */
function fxFromInt(v: number | bigint): Fx {
  return clamp(BigInt(v) << 32n, I64_MIN, I64_MAX);
}
/** `saturating_add` */
function satAdd(a: Fx, b: Fx): Fx {
  return clamp(a + b, I64_MIN, I64_MAX);
}
/** `saturating_sub` */
function satSub(a: Fx, b: Fx): Fx {
  return clamp(a - b, I64_MIN, I64_MAX);
}
/** `checked_add` */
function checkedAdd(a: Fx, b: Fx): Fx | null {
  const s = a + b;
  return inI64(s) ? s : null;
}
/** Plain `+` as used by `iter().sum()` (wraps on overflow in a release build). */
function wrapAdd(a: Fx, b: Fx): Fx {
  return BigInt.asIntN(64, a + b);
}
/** `iter().sum()` of I32F32 */
function sumFx(xs: readonly Fx[]): Fx {
  let s = ZERO;
  for (const x of xs) s = wrapAdd(s, x);
  return s;
}
/** arith.rs mul_overflow (widened): floor(a * b / 2^32) via arithmetic shift; overflow iff it does not fit i64. */
function checkedMul(a: Fx, b: Fx): Fx | null {
  const p = (a * b) >> 32n;
  return inI64(p) ? p : null;
}
/** `saturating_mul` */
function satMul(a: Fx, b: Fx): Fx {
  const p = checkedMul(a, b);
  if (p !== null) return p;
  return a < 0n !== b < 0n ? I64_MIN : I64_MAX;
}
/** arith.rs div_overflow: (a << 32) / b truncating toward zero; `checked_div` = None on b == 0 or overflow. */
function checkedDiv(a: Fx, b: Fx): Fx | null {
  if (b === 0n) return null;
  const q = (a << 32n) / b;
  return inI64(q) ? q : null;
}
/** safe_math `safe_div`: checked_div, default 0. */
function safeDiv(a: Fx, b: Fx): Fx {
  return checkedDiv(a, b) ?? ZERO;
}
/** `saturating_div` (panics on a zero divisor). */
function satDiv(a: Fx, b: Fx): Fx {
  if (b === 0n) throw new Error('saturating_div by zero (the chain panics)');
  const q = (a << 32n) / b;
  if (inI64(q)) return q;
  return a < 0n !== b < 0n ? I64_MIN : I64_MAX;
}
function fxMin(a: Fx, b: Fx): Fx {
  return a < b ? a : b;
}
function fxMax(a: Fx, b: Fx): Fx {
  return a > b ? a : b;
}
/** `saturating_to_num::<u16>()` (floor, clamped) */
function fixedToU16(x: Fx): number {
  return Number(clamp(x >> 32n, 0n, 65535n));
}
/** math.rs `fixed_proportion_to_u16` */
function fixedProportionToU16(x: Fx): number {
  return fixedToU16(satMul(x, fxFromInt(65535)));
}
/** math.rs `vec_fixed_proportions_to_u16` */
function vecFixedProportionsToU16(v: readonly Fx[]): number[] {
  return v.map(fixedProportionToU16);
}
/** math.rs `u16_to_fixed` */
function u16ToFixed(x: number): Fx {
  return fxFromInt(x);
}
/** math.rs `fixed_to_fixed_u16_proportion` */
function fixedToFixedU16Proportion(x: Fx): Fx {
  return safeDiv(x, fxFromInt(65535));
}

// --- I64F64 ---
/** safe_div on I64F64: (a << 64) / b truncating, 0 on zero divisor or i128 overflow. */
function safeDiv64(a: Fx64, b: Fx64): Fx64 {
  if (b === 0n) return 0n;
  const q = (a << 64n) / b;
  return q >= I128_MIN && q <= I128_MAX ? q : 0n;
}
/** math.rs `fixed64_to_u64` (saturating_to_num::<u64>: floor, clamped) */
function fixed64ToU64(x: Fx64): bigint {
  return clamp(x >> 64n, 0n, U64_MAX);
}
/** math.rs `fixed64_to_fixed32` (I32F32::saturating_from_num(I64F64): drop 32 fraction bits, saturate) */
function fixed64ToFixed32(x: Fx64): Fx {
  return clamp(x >> 32n, I64_MIN, I64_MAX);
}
/** math.rs `vec_fixed64_to_fixed32` */
function vecFixed64ToFixed32(v: readonly Fx64[]): Fx[] {
  return v.map(fixed64ToFixed32);
}
/** math.rs `inplace_normalize_64` */
function inplaceNormalize64(x: Fx64[]): void {
  let s = 0n;
  for (const v of x) s = BigInt.asIntN(128, s + v);
  if (s === 0n) return;
  for (let i = 0; i < x.length; i++) x[i] = safeDiv64(x[i] as bigint, s);
}

// --- I96F32: `I96F32::saturating_from_num(x).saturating_mul(I96F32::saturating_from_num(rao)).saturating_to_num::<u64>()` ---
function fixedTimesRaoToU64(x: Fx, rao: bigint): bigint {
  const raoRaw = clamp(rao << 32n, I128_MIN, I128_MAX);
  const prod = clamp((x * raoRaw) >> 32n, I128_MIN, I128_MAX);
  return clamp(prod >> 32n, 0n, U64_MAX);
}

// ============================================================================================
// Transcendental (substrate-fixed transcendental.rs) and math.rs scalar helpers
// ============================================================================================

/** transcendental.rs `exp` with S = D = I32F32; null = Err(()). */
function fixedExp(operandIn: Fx): Fx | null {
  let operand = operandIn;
  if (operand === ZERO) return ONE;
  if (operand === ONE) return E_FX;
  const neg = operand < 0n;
  if (neg) {
    if (operand === I64_MIN) return null; // checked_neg
    operand = -operand;
  }
  let result = checkedAdd(operand, ONE);
  if (result === null) return null;
  let term: Fx | null = operand;
  for (let i = 2; i < 32; i++) {
    term = checkedMul(term, operand);
    if (term === null) return null;
    term = checkedDiv(term, fxFromInt(i));
    if (term === null) return null;
    result = checkedAdd(result, term);
    if (result === null) return null;
  }
  if (neg) return checkedDiv(ONE, result);
  return result;
}

/** math.rs `exp_safe` */
export function expSafe(input: Fx): Fx {
  const minInput = fxFromInt(-20);
  const maxInput = fxFromInt(20);
  let safeInput = input;
  if (input < minInput) safeInput = minInput;
  else if (maxInput < input) safeInput = maxInput;
  const r = fixedExp(safeInput);
  if (r !== null) return r;
  return safeInput <= 0n ? ZERO : I64_MAX;
}

/** math.rs `clamp_value` (min with high first, then max with low) */
function clampValue(value: Fx, low: Fx, high: Fx): Fx {
  return fxMax(fxMin(value, high), low);
}

/** math.rs `get_safe` */
function getSafe(slice: readonly Fx[], idx: number): Fx {
  return slice[idx] ?? ZERO;
}

// ============================================================================================
// Vector helpers (math.rs)
// ============================================================================================

/** math.rs `is_zero` */
function isZero(v: readonly Fx[]): boolean {
  return sumFx(v) === ZERO;
}

/** math.rs `is_topk_nonzero` */
function isTopkNonzero(vector: readonly Fx[], k: number): boolean[] {
  const n = vector.length;
  const result = vector.map((x) => x !== ZERO);
  if (n < k) return result;
  const idxs = vector.map((_, i) => i);
  idxs.sort((a, b) => {
    const va = getSafe(vector, a);
    const vb = getSafe(vector, b);
    return va < vb ? -1 : va > vb ? 1 : 0;
  }); // Array.prototype.sort is stable, like Rust's sort_by_key
  for (const idx of idxs.slice(0, Math.max(0, n - k))) result[idx] = false;
  return result;
}

/** math.rs `inplace_normalize` */
function inplaceNormalize(x: Fx[]): void {
  const s = sumFx(x);
  if (s === ZERO) return;
  for (let i = 0; i < x.length; i++) x[i] = safeDiv(x[i] as Fx, s);
}

/** math.rs `inplace_normalize_using_sum` */
function inplaceNormalizeUsingSum(x: Fx[], s: Fx): void {
  if (s === ZERO) return;
  for (let i = 0; i < x.length; i++) x[i] = safeDiv(x[i] as Fx, s);
}

/** math.rs `inplace_mask_vector` (mask true = set to 0) */
function inplaceMaskVector(mask: readonly boolean[], vector: Fx[]): void {
  if (mask.length === 0) return;
  for (let i = 0; i < vector.length; i++) if (mask[i] ?? true) vector[i] = ZERO;
}

/** math.rs `vec_mul` (checked_mul, 0 on overflow; length = shorter input) */
function vecMul(a: readonly Fx[], b: readonly Fx[]): Fx[] {
  const out: Fx[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) out.push(checkedMul(a[i] as Fx, b[i] as Fx) ?? ZERO);
  return out;
}

/**
 * math.rs `weighted_median`: mid-pivot partition search over `partitionIdx` in its current order.
 * Exported so the test can run the chain's weighted-median cases against it.
 */
export function weightedMedian(
  stake: readonly Fx[],
  score: readonly Fx[],
  partitionIdx: readonly number[],
  minority: Fx,
  partitionLoIn: Fx,
  partitionHiIn: Fx,
): Fx {
  let partitionLo = partitionLoIn;
  let partitionHi = partitionHiIn;
  if (stake.length !== score.length) return ZERO;
  let current = partitionIdx.slice();
  let iterationCounter = 0;
  const iterationLimit = partitionIdx.length;
  for (;;) {
    const n = current.length;
    if (n === 0) return ZERO;
    if (n === 1) return getSafe(score, current[0] as number);
    const midIdx = Math.floor(n / 2);
    const pivot = getSafe(score, current[midIdx] ?? 0);
    let loStake = ZERO;
    let hiStake = ZERO;
    const lower: number[] = [];
    const upper: number[] = [];
    for (const idx of current) {
      const s = getSafe(score, idx);
      if (s === pivot) continue;
      if (s < pivot) {
        loStake = satAdd(loStake, getSafe(stake, idx));
        lower.push(idx);
      } else {
        hiStake = satAdd(hiStake, getSafe(stake, idx));
        upper.push(idx);
      }
    }
    if (minority < satAdd(partitionLo, loStake) && lower.length > 0) {
      current = lower;
      partitionHi = satAdd(partitionLo, loStake);
    } else if (satSub(partitionHi, hiStake) <= minority && upper.length > 0) {
      current = upper;
      partitionLo = satSub(partitionHi, hiStake);
    } else {
      return pivot;
    }
    iterationCounter += 1;
    if (iterationCounter > iterationLimit) break;
  }
  return ZERO;
}

// ============================================================================================
// Sparse matrix helpers (math.rs). A sparse row is a list of [column, value] in storage order.
// ============================================================================================

type SEntry = [number, Fx];
type SRow = SEntry[];
type SMat = SRow[];

function cloneSparse(m: SMat): SMat {
  return m.map((row) => row.map(([j, v]): SEntry => [j, v]));
}

/** math.rs `mask_rows_sparse` */
function maskRowsSparse(mask: readonly boolean[], m: SMat): SMat {
  return m.map((row, i) => ((mask[i] ?? true) ? [] : row.map(([j, v]): SEntry => [j, v])));
}

/** math.rs `mask_diag_sparse` */
function maskDiagSparse(m: SMat): SMat {
  return m.map((row, i) => row.filter(([j]) => i !== j));
}

/** math.rs `mask_diag_sparse_except_index` */
function maskDiagSparseExceptIndex(m: SMat, exceptIndex: number): SMat {
  return m.map((row, i) => row.filter(([j]) => i !== j || (i === exceptIndex && j === exceptIndex)));
}

/** math.rs `vec_mask_sparse_matrix`: drop (i, j) where maskFn(first[i], second[j]). */
function vecMaskSparseMatrix(
  m: SMat,
  firstVector: readonly number[],
  secondVector: readonly number[],
  maskFn: (a: number, b: number) => boolean,
): SMat {
  return m.map((row, i) => {
    const fv = firstVector[i] ?? 0;
    return row.filter(([j]) => !maskFn(fv, secondVector[j] ?? 0));
  });
}

/** math.rs `scalar_vec_mask_sparse_matrix`: drop (i, j) where maskFn(scalar, vector[j]). */
function scalarVecMaskSparseMatrix(
  m: SMat,
  scalar: number,
  vector: readonly number[],
  maskFn: (a: number, b: number) => boolean,
): SMat {
  return m.map((row) => row.filter(([j]) => !maskFn(scalar, vector[j] ?? 0)));
}

/** math.rs `inplace_row_normalize_sparse` (rows with sum <= 0 untouched) */
function inplaceRowNormalizeSparse(m: SMat): void {
  for (const row of m) {
    const s = sumFx(row.map(([, v]) => v));
    if (s > ZERO) for (const e of row) e[1] = safeDiv(e[1], s);
  }
}

/** math.rs `row_sum_sparse` */
function rowSumSparse(m: SMat): Fx[] {
  return m.map((row) => sumFx(row.map(([, v]) => v)));
}

/** math.rs `inplace_col_normalize_sparse` */
function inplaceColNormalizeSparse(m: SMat, columns: number): void {
  const colSum: Fx[] = new Array<Fx>(columns).fill(ZERO);
  for (const row of m) for (const [j, v] of row) if (j < columns) colSum[j] = satAdd(colSum[j] as Fx, v);
  for (const row of m) {
    for (const e of row) {
      const denom = colSum[e[0]] ?? ZERO;
      if (denom !== ZERO) e[1] = safeDiv(e[1], denom);
    }
  }
}

/** math.rs `inplace_col_max_upscale_sparse` */
function inplaceColMaxUpscaleSparse(m: SMat, columns: number): void {
  const colMax: Fx[] = new Array<Fx>(columns).fill(ZERO);
  for (const row of m) for (const [j, v] of row) if (j < columns && (colMax[j] as Fx) < v) colMax[j] = v;
  for (const row of m) {
    for (const e of row) {
      const mx = colMax[e[0]] ?? ZERO;
      if (mx !== ZERO) e[1] = safeDiv(e[1], mx);
    }
  }
}

/** math.rs `row_hadamard_sparse`: row i scaled by vector[i]; rows past the vector's end are dropped. */
function rowHadamardSparse(m: SMat, vector: readonly Fx[]): SMat {
  const out: SMat = [];
  for (let i = 0; i < m.length; i++) {
    if (i >= vector.length) break;
    const scale = vector[i] as Fx;
    out.push((m[i] as SRow).map(([j, v]): SEntry => [j, satMul(v, scale)]));
  }
  return out;
}

/** math.rs `matmul_sparse`: result_j = sum_i vector_i * m_ij, accumulated row by row. */
function matmulSparse(m: SMat, vector: readonly Fx[], columns: number): Fx[] {
  const result: Fx[] = new Array<Fx>(columns).fill(ZERO);
  m.forEach((row, i) => {
    const scale = vector[i] ?? ZERO;
    for (const [j, v] of row) if (j < columns) result[j] = satAdd(result[j] as Fx, satMul(scale, v));
  });
  return result;
}

/** math.rs `matmul_transpose_sparse`: result_i = sum_j vector_j * m_ij. */
function matmulTransposeSparse(m: SMat, vector: readonly Fx[]): Fx[] {
  return m.map((row) => {
    let acc = ZERO;
    for (const [j, v] of row) acc = satAdd(acc, satMul(vector[j] ?? ZERO, v));
    return acc;
  });
}

/** math.rs `col_clip_sparse`: min(w, c_j); an entry above a threshold <= 0 is dropped. */
function colClipSparse(m: SMat, colThreshold: readonly Fx[]): SMat {
  return m.map((row) => {
    const out: SRow = [];
    for (const [j, v] of row) {
      const th = colThreshold[j] ?? ZERO;
      if (th < v) {
        if (th > ZERO) out.push([j, th]);
      } else {
        out.push([j, v]);
      }
    }
    return out;
  });
}

/** math.rs `weighted_median_col_sparse` */
function weightedMedianColSparse(stake: readonly Fx[], score: SMat, columns: number, majority: Fx): Fx[] {
  const useStake = stake.filter((s) => s > ZERO);
  inplaceNormalize(useStake);
  const stakeSum = sumFx(useStake);
  const minority = satSub(stakeSum, majority);
  const stakeIdx = useStake.map((_, i) => i);
  const useScore: Fx[][] = [];
  for (let c = 0; c < columns; c++) useScore.push(new Array<Fx>(useStake.length).fill(ZERO));
  let k = 0;
  for (let i = 0; i < Math.min(stake.length, score.length); i++) {
    if ((stake[i] as Fx) > ZERO) {
      for (const [c, v] of score[i] as SRow) {
        const colVec = useScore[c];
        if (colVec !== undefined && k < colVec.length) colVec[k] = v;
      }
      k += 1;
    }
  }
  return useScore.map((colVec) => weightedMedian(useStake, colVec, stakeIdx, minority, ZERO, stakeSum));
}

/** math.rs `interpolate_sparse`: mat1 + ratio * (mat2 - mat1); ratio 0 / 1 return a copy of mat1 / mat2 as-is. */
function interpolateSparse(mat1: SMat, mat2: SMat, columns: number, ratio: Fx): SMat {
  if (ratio === ZERO) return cloneSparse(mat1);
  if (ratio === ONE) return cloneSparse(mat2);
  if (mat1.length !== mat2.length) return cloneSparse(mat2);
  const result: SMat = [];
  for (let i = 0; i < mat1.length; i++) {
    const row1: Fx[] = new Array<Fx>(columns).fill(ZERO);
    for (const [j, v] of mat1[i] as SRow) if (j < columns) row1[j] = v;
    const row2: Fx[] = new Array<Fx>(columns).fill(ZERO);
    for (const [j, v] of mat2[i] as SRow) if (j < columns) row2[j] = v;
    const out: SRow = [];
    for (let j = 0; j < columns; j++) {
      const v1 = row1[j] as Fx;
      const v2 = row2[j] as Fx;
      const interp = satAdd(v1, satMul(ratio, satSub(v2, v1)));
      if (ZERO < interp) out.push([j, interp]);
    }
    result.push(out);
  }
  return result;
}

/** math.rs `mat_vec_mul_sparse`: m_ij * vector_j, zero products dropped. */
function matVecMulSparse(m: SMat, vector: readonly Fx[]): SMat {
  return m.map((row) => {
    const out: SRow = [];
    for (const [j, v] of row) {
      const vj = vector[j];
      if (vj !== undefined) {
        const nv = satMul(v, vj);
        if (nv !== ZERO) out.push([j, nv]);
      }
    }
    return out;
  });
}

/** math.rs `mat_ema_sparse`: alpha*new + (1-alpha)*old densified per row; output sorted by column, values > 0. */
function matEmaSparse(newM: SMat, old: SMat, alpha: Fx): SMat {
  const oneMinusAlpha = satSub(ONE, alpha);
  const n = newM.length; // the chain assumes square
  if (n === 0) return [];
  const result: SMat = [];
  newM.forEach((newRow, i) => {
    const acc: Fx[] = new Array<Fx>(n).fill(ZERO);
    for (const [j, v] of newRow) if (j < n) acc[j] = satAdd(acc[j] as Fx, satMul(alpha, v));
    const oldRow = old[i];
    if (oldRow !== undefined)
      for (const [j, v] of oldRow) if (j < n) acc[j] = satAdd(acc[j] as Fx, satMul(oneMinusAlpha, v));
    const out: SRow = [];
    acc.forEach((v, j) => {
      if (v > ZERO) out.push([j, v]);
    });
    result.push(out);
  });
  return result;
}

/**
 * math.rs `mat_ema_alpha_sparse`: per-entry alpha; only columns present in the `new` (weights for bonds) row
 * survive, in that row's order. Old entries are written (not added) into the decay buffer.
 */
function matEmaAlphaSparse(newM: SMat, old: SMat, alpha: readonly Fx[][]): SMat {
  if (newM.length !== old.length || newM.length !== alpha.length) return cloneSparse(newM);
  const result: SMat = [];
  for (let i = 0; i < newM.length; i++) {
    const newRow = newM[i] as SRow;
    const oldRow = old[i] as SRow;
    const alphaRow = alpha[i] as Fx[];
    const decayed: Fx[] = new Array<Fx>(alphaRow.length).fill(ZERO);
    for (const [j, oldVal] of oldRow) {
      if (j < alphaRow.length) decayed[j] = satMul(satSub(ONE, alphaRow[j] as Fx), oldVal);
    }
    const out: SRow = [];
    for (const [j, newVal] of newRow) {
      if (j < alphaRow.length) {
        const inc = fxMax(satMul(alphaRow[j] as Fx, newVal), ZERO);
        const val = fxMin(satAdd(decayed[j] as Fx, inc), ONE);
        if (val > ZERO) out.push([j, val]);
      }
    }
    result.push(out);
  }
  return result;
}

// ============================================================================================
// Dense matrix helpers (math.rs), used only by the dense epoch
// ============================================================================================

type DMat = Fx[][];

/** math.rs `inplace_mask_rows` */
function inplaceMaskRows(mask: readonly boolean[], m: DMat): void {
  const first = m[0];
  if (first === undefined) return;
  const cols = first.length;
  for (let r = 0; r < m.length; r++) if (mask[r] ?? true) m[r] = new Array<Fx>(cols).fill(ZERO);
}

/** math.rs `inplace_mask_cols` */
function inplaceMaskCols(mask: readonly boolean[], m: DMat): void {
  for (const row of m) for (let c = 0; c < row.length; c++) if (mask[c] ?? true) row[c] = ZERO;
}

/** math.rs `inplace_mask_matrix` */
function inplaceMaskMatrix(mask: readonly boolean[][], m: DMat): void {
  const first = mask[0];
  if (first === undefined || first.length === 0) return;
  m.forEach((row, r) => {
    for (let c = 0; c < row.length; c++) if (mask[r]?.[c] ?? true) row[c] = ZERO;
  });
}

/** math.rs `inplace_mask_diag` */
function inplaceMaskDiag(m: DMat): void {
  const first = m[0];
  if (first === undefined || first.length === 0) return;
  if (m.length !== first.length) return;
  m.forEach((row, i) => {
    if (i < row.length) row[i] = ZERO;
  });
}

/** math.rs `inplace_mask_diag_except_index` */
function inplaceMaskDiagExceptIndex(m: DMat, exceptIndex: number): void {
  const first = m[0];
  if (first === undefined || first.length === 0) return;
  if (m.length !== first.length) return;
  const kept = m[exceptIndex]?.[exceptIndex];
  inplaceMaskDiag(m);
  const row = m[exceptIndex];
  if (row !== undefined && exceptIndex < row.length && kept !== undefined) row[exceptIndex] = kept;
}

/** math.rs `inplace_row_normalize` */
function inplaceRowNormalize(m: DMat): void {
  for (const row of m) {
    const s = sumFx(row);
    if (s > ZERO) for (let j = 0; j < row.length; j++) row[j] = safeDiv(row[j] as Fx, s);
  }
}

/** math.rs `row_sum` */
function rowSum(m: DMat): Fx[] {
  const first = m[0];
  if (first !== undefined && first.length === 0) return [];
  return m.map(sumFx);
}

/** math.rs `inplace_col_normalize` */
function inplaceColNormalize(m: DMat): void {
  const colSums: Fx[] = [];
  for (const row of m) {
    while (colSums.length < row.length) colSums.push(ZERO);
    row.forEach((v, c) => {
      colSums[c] = satAdd(colSums[c] as Fx, v);
    });
  }
  if (colSums.length === 0) return;
  for (const row of m) {
    for (let c = 0; c < row.length && c < colSums.length; c++) {
      const s = colSums[c] as Fx;
      if (s !== ZERO) row[c] = safeDiv(row[c] as Fx, s);
    }
  }
}

/** math.rs `inplace_col_max_upscale` */
function inplaceColMaxUpscale(m: DMat): void {
  const maxCols = Math.max(0, ...m.map((r) => r.length));
  if (maxCols === 0) return;
  const colMaxes: Fx[] = new Array<Fx>(maxCols).fill(ZERO);
  for (const row of m)
    row.forEach((v, c) => {
      if ((colMaxes[c] as Fx) < v) colMaxes[c] = v;
    });
  for (const row of m) {
    for (let c = 0; c < row.length; c++) {
      const mx = colMaxes[c] as Fx;
      if (mx !== ZERO) row[c] = safeDiv(row[c] as Fx, mx);
    }
  }
}

/** math.rs `inplace_col_clip`: value = min(threshold_c, value) */
function inplaceColClip(m: DMat, colThreshold: readonly Fx[]): void {
  for (const row of m) {
    for (let c = 0; c < row.length && c < colThreshold.length; c++) row[c] = fxMin(colThreshold[c] as Fx, row[c] as Fx);
  }
}

/** math.rs `matmul`: result_j = sum_i vector_i * m_ij (width of the first row). */
function matmul(m: DMat, vector: readonly Fx[]): Fx[] {
  const first = m[0];
  if (first === undefined || first.length === 0) return [];
  const cols = first.length;
  const acc: Fx[] = new Array<Fx>(cols).fill(ZERO);
  m.forEach((row, i) => {
    const scale = vector[i] ?? ZERO;
    for (let c = 0; c < row.length && c < cols; c++) acc[c] = satAdd(acc[c] as Fx, satMul(scale, row[c] as Fx));
  });
  return acc;
}

/** math.rs `matmul_transpose`: result_i = sum_j vector_j * m_ij. */
function matmulTranspose(m: DMat, vector: readonly Fx[]): Fx[] {
  const first = m[0];
  if (first === undefined || first.length === 0) return [];
  return m.map((row) => {
    let s = ZERO;
    for (let c = 0; c < row.length && c < vector.length; c++) s = satAdd(s, satMul(row[c] as Fx, vector[c] as Fx));
    return s;
  });
}

/** math.rs `row_hadamard` */
function rowHadamard(m: DMat, vector: readonly Fx[]): DMat {
  const first = m[0];
  if (first === undefined || first.length === 0) return [[]];
  const out: DMat = [];
  for (let i = 0; i < m.length; i++) {
    if (i >= vector.length) break;
    const scale = vector[i] as Fx;
    out.push((m[i] as Fx[]).map((v) => satMul(scale, v)));
  }
  return out;
}

/** math.rs `mat_vec_mul` */
function matVecMul(m: DMat, vector: readonly Fx[]): DMat {
  const first = m[0];
  if (first === undefined || first.length === 0) return [[]];
  return m.map((row) => vecMul(row, vector));
}

/** math.rs `weighted_median_col` */
function weightedMedianCol(stake: readonly Fx[], score: DMat, majority: Fx): Fx[] {
  const columns = score[0]?.length ?? 0;
  const median: Fx[] = new Array<Fx>(columns).fill(ZERO);
  for (let c = 0; c < columns; c++) {
    const useStake: Fx[] = [];
    const useScore: Fx[] = [];
    for (let r = 0; r < stake.length; r++) {
      const st = getSafe(stake, r);
      if (st > ZERO) {
        const row = score[r];
        if (row !== undefined && row.length === columns) {
          useStake.push(st);
          useScore.push(row[c] ?? ZERO);
        } else {
          useStake.push(ZERO);
          useScore.push(ZERO);
        }
      }
    }
    if (useStake.length > 0) {
      inplaceNormalize(useStake);
      const stakeSum = sumFx(useStake);
      const minority = satSub(stakeSum, majority);
      median[c] = weightedMedian(
        useStake,
        useScore,
        useStake.map((_, i) => i),
        minority,
        ZERO,
        stakeSum,
      );
    }
  }
  return median;
}

/** math.rs `interpolate` */
function interpolate(mat1: DMat, mat2: DMat, ratio: Fx): DMat {
  if (ratio === ZERO) return mat1.map((r) => r.slice());
  if (ratio === ONE) return mat2.map((r) => r.slice());
  const first = mat1[0];
  if (first === undefined || first.length === 0) return [[]];
  const cols = first.length;
  const result: DMat = mat1.map(() => new Array<Fx>(cols).fill(ZERO));
  for (let i = 0; i < mat1.length; i++) {
    const row1 = mat1[i] as Fx[];
    const row2 = mat2[i];
    if (row2 === undefined) break;
    const out = result[i] as Fx[];
    for (let j = 0; j < row1.length && j < row2.length && j < out.length; j++) {
      const v1 = row1[j] as Fx;
      out[j] = satAdd(v1, satMul(ratio, satSub(row2[j] as Fx, v1)));
    }
  }
  return result;
}

/** math.rs `mat_ema` */
function matEma(newM: DMat, old: DMat, alpha: Fx): DMat {
  const first = newM[0];
  if (first === undefined) return [[]];
  if (first.length === 0) return [[]];
  const oneMinusAlpha = satSub(ONE, alpha);
  const out: DMat = [];
  for (let i = 0; i < newM.length; i++) {
    const oldRow = old[i];
    if (oldRow === undefined) break;
    const newRow = newM[i] as Fx[];
    const row: Fx[] = [];
    for (let j = 0; j < Math.min(newRow.length, oldRow.length); j++) {
      row.push(satAdd(satMul(alpha, newRow[j] as Fx), satMul(oneMinusAlpha, oldRow[j] as Fx)));
    }
    out.push(row);
  }
  return out;
}

/** math.rs `mat_ema_alpha` (dense: every bond decays, no dropping) */
function matEmaAlpha(newM: DMat, old: DMat, alpha: DMat): DMat {
  const first = newM[0];
  if (first === undefined || first.length === 0) return [[]];
  if (newM.length !== old.length || newM.length !== alpha.length) return old.map((r) => r.slice());
  for (let i = 0; i < newM.length; i++) {
    const nl = (newM[i] as Fx[]).length;
    if (nl !== (old[i] as Fx[]).length || nl !== (alpha[i] as Fx[]).length) return newM.map((r) => r.slice());
  }
  return newM.map((nrow, i) =>
    nrow.map((nv, j) => {
      const a = (alpha[i] as Fx[])[j] as Fx;
      const o = (old[i] as Fx[])[j] as Fx;
      const decayed = satMul(satSub(ONE, a), o);
      const inc = fxMax(satMul(a, nv), ZERO);
      return fxMin(satAdd(decayed, inc), ONE);
    }),
  );
}

// ============================================================================================
// run_epoch.rs pallet helpers
// ============================================================================================

/** run_epoch.rs `get_float_kappa` */
function getFloatKappa(p: EpochParams): Fx {
  return safeDiv(fxFromInt(p.kappa), fxFromInt(65535));
}
/** run_epoch.rs `get_float_bonds_penalty` */
function getFloatBondsPenalty(p: EpochParams): Fx {
  return safeDiv(fxFromInt(p.bondsPenalty), fxFromInt(65535));
}
/** utils/misc.rs `get_alpha_values_32` */
function getAlphaValues32(p: EpochParams): [Fx, Fx] {
  return [safeDiv(fxFromInt(p.alphaLow), fxFromInt(65535)), safeDiv(fxFromInt(p.alphaHigh), fxFromInt(65535))];
}
/** utils/misc.rs `get_alpha_sigmoid_steepness` */
function getAlphaSigmoidSteepness(p: EpochParams): Fx {
  return fxFromInt(p.alphaSigmoidSteepness);
}

/**
 * `compute_ema_bonds_normal(_sparse)` and `compute_disabled_liquid_alpha`:
 * alpha = 1 - I32F32(I64F64(bma) / I64F64(1_000_000)). (The liquid-alpha-disabled variant uses
 * `I32F32::from_num`, which panics instead of saturating when bma / 1e6 >= 2^31.)
 */
function emaAlphaFromMovingAverage(bondsMovingAverage: number, panicOnOverflow: boolean): Fx {
  const bma64 = safeDiv64(BigInt(bondsMovingAverage) << 64n, 1_000_000n << 64n);
  const as32 = bma64 >> 32n;
  if (panicOnOverflow && !inI64(as32)) throw new Error('I32F32::from_num overflow (the chain panics)');
  return satSub(ONE, clamp(as32, I64_MIN, I64_MAX));
}

/** run_epoch.rs `alpha_sigmoid` */
function alphaSigmoid(consensus: Fx, weight: Fx, bond: Fx, alphaLow: Fx, alphaHigh: Fx, steepness: Fx): Fx {
  const diffBuy = clampValue(satSub(weight, consensus), ZERO, ONE);
  const diffSell = clampValue(satSub(bond, weight), ZERO, ONE);
  const combinedDiff = weight >= bond ? diffBuy : diffSell;
  const sigmoid = satDiv(
    ONE,
    satAdd(ONE, expSafe(satMul(satDiv(steepness, fxFromInt(-100)), satSub(combinedDiff, HALF)))),
  );
  const alpha = satAdd(alphaLow, satMul(sigmoid, satSub(alphaHigh, alphaLow)));
  return clampValue(alpha, alphaLow, alphaHigh);
}

/**
 * run_epoch.rs `compute_liquid_alpha_values_sparse`: a dense n-wide alpha row per validator. Weight and bond of
 * column j are found with a forward-only peek over the row (it assumes rows sorted by column): an entry is
 * skipped while its column < j, read (not consumed) when equal, and the scan stops at the first larger column.
 */
function computeLiquidAlphaValuesSparse(p: EpochParams, weights: SMat, bonds: SMat, consensus: readonly Fx[]): Fx[][] {
  const alphas: Fx[][] = [];
  if (weights.length !== bonds.length) return alphas;
  const steepness = getAlphaSigmoidSteepness(p);
  const [alphaLow, alphaHigh] = getAlphaValues32(p);
  for (let r = 0; r < weights.length; r++) {
    const wRow = weights[r] as SRow;
    const bRow = bonds[r] as SRow;
    let wPos = 0;
    let bPos = 0;
    const rowAlphas: Fx[] = [];
    for (let j = 0; j < consensus.length; j++) {
      let weight = ZERO;
      while (wPos < wRow.length) {
        const [i, val] = wRow[wPos] as SEntry;
        if (i < j) {
          wPos += 1;
        } else {
          if (i === j) weight = val;
          break;
        }
      }
      let bond = ZERO;
      while (bPos < bRow.length) {
        const [i, val] = bRow[bPos] as SEntry;
        if (i < j) {
          bPos += 1;
        } else {
          if (i === j) bond = val;
          break;
        }
      }
      rowAlphas.push(alphaSigmoid(consensus[j] as Fx, weight, bond, alphaLow, alphaHigh, steepness));
    }
    alphas.push(rowAlphas);
  }
  return alphas;
}

/** run_epoch.rs `compute_liquid_alpha_values` (dense: zip of weight row, bond row and consensus) */
function computeLiquidAlphaValues(p: EpochParams, weights: DMat, bonds: DMat, consensus: readonly Fx[]): DMat {
  if (weights.length !== bonds.length) return [];
  const steepness = getAlphaSigmoidSteepness(p);
  const [alphaLow, alphaHigh] = getAlphaValues32(p);
  return weights.map((wRow, r) => {
    const bRow = bonds[r] as Fx[];
    const out: Fx[] = [];
    for (let j = 0; j < Math.min(wRow.length, bRow.length, consensus.length); j++) {
      out.push(alphaSigmoid(consensus[j] as Fx, wRow[j] as Fx, bRow[j] as Fx, alphaLow, alphaHigh, steepness));
    }
    return out;
  });
}

/** run_epoch.rs `compute_bonds_sparse` (Yuma3) */
function computeBondsSparse(p: EpochParams, weights: SMat, bonds: SMat, consensus: readonly Fx[]): SMat {
  if (p.liquidAlphaEnabled && consensus.length > 0 && consensus.some((c) => c !== ZERO)) {
    const alphas = computeLiquidAlphaValuesSparse(p, weights, bonds, consensus);
    return matEmaAlphaSparse(weights, bonds, alphas);
  }
  return matEmaSparse(weights, bonds, emaAlphaFromMovingAverage(p.bondsMovingAverage, true));
}

/** run_epoch.rs `compute_bonds` (Yuma3, dense) */
function computeBonds(p: EpochParams, weights: DMat, bonds: DMat, consensus: readonly Fx[]): DMat {
  if (p.liquidAlphaEnabled && consensus.length > 0 && consensus.some((c) => c !== ZERO)) {
    const alphas = computeLiquidAlphaValues(p, weights, bonds, consensus);
    return matEmaAlpha(weights, bonds, alphas);
  }
  return matEma(weights, bonds, emaAlphaFromMovingAverage(p.bondsMovingAverage, true));
}

/** run_epoch.rs `get_weights_sparse`: rows/columns >= n ignored, values as raw u16 integers. */
function getWeightsSparse(stored: SparseMatrixU16, n: number): SMat {
  const w: SMat = [];
  for (let i = 0; i < n; i++) {
    const row = stored[i];
    const out: SRow = [];
    if (row !== undefined) {
      for (let k = 0; k < row.cols.length; k++) {
        const j = row.cols[k] as number;
        if (j < n) out.push([j, fxFromInt(row.vals[k] as number)]);
      }
    }
    w.push(out);
  }
  return w;
}

/** run_epoch.rs `get_weights`: dense n x n, later duplicates overwrite earlier ones. */
function getWeights(stored: SparseMatrixU16, n: number): DMat {
  const w: DMat = [];
  for (let i = 0; i < n; i++) {
    const out: Fx[] = new Array<Fx>(n).fill(ZERO);
    const row = stored[i];
    if (row !== undefined) {
      for (let k = 0; k < row.cols.length; k++) {
        const j = row.cols[k] as number;
        if (j < n) out[j] = fxFromInt(row.vals[k] as number);
      }
    }
    w.push(out);
  }
  return w;
}

/** run_epoch.rs `get_bonds_sparse`: raw u16 as I32F32 integer; columns are NOT filtered against n. */
function getBondsSparse(stored: SparseMatrixU16, n: number): SMat {
  const b: SMat = [];
  for (let i = 0; i < n; i++) {
    const row = stored[i];
    const out: SRow = [];
    if (row !== undefined)
      for (let k = 0; k < row.cols.length; k++) out.push([row.cols[k] as number, u16ToFixed(row.vals[k] as number)]);
    b.push(out);
  }
  return b;
}

/** run_epoch.rs `get_bonds`: dense n x n raw u16 integers (columns >= n ignored). */
function getBonds(stored: SparseMatrixU16, n: number): DMat {
  const b: DMat = [];
  for (let i = 0; i < n; i++) {
    const out: Fx[] = new Array<Fx>(n).fill(ZERO);
    const row = stored[i];
    if (row !== undefined) {
      for (let k = 0; k < row.cols.length; k++) {
        const j = row.cols[k] as number;
        if (j < n) out[j] = u16ToFixed(row.vals[k] as number);
      }
    }
    b.push(out);
  }
  return b;
}

/** run_epoch.rs `get_bonds_sparse_fixed_proportion`: u16 / 65535 */
function getBondsSparseFixedProportion(stored: SparseMatrixU16, n: number): SMat {
  return getBondsSparse(stored, n).map((row) => row.map(([j, v]): SEntry => [j, fixedToFixedU16Proportion(v)]));
}

/** run_epoch.rs `get_bonds_fixed_proportion`: u16 / 65535, dense */
function getBondsFixedProportion(stored: SparseMatrixU16, n: number): DMat {
  return getBonds(stored, n).map((row) => row.map(fixedToFixedU16Proportion));
}

// ============================================================================================
// Shared pieces of both epochs
// ============================================================================================

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** `last_tempo`: LastMechansimStepBlock + 1, or current_block.saturating_sub(tempo) when it was never set. */
function lastTempoOf(inp: EpochInput): number {
  return inp.lastMechanismStepBlock === 0
    ? Math.max(0, inp.currentBlock - inp.params.tempo)
    : inp.lastMechanismStepBlock + 1;
}

/** Steps shared verbatim by `epoch_mechanism` and `epoch_dense_mechanism`: the emission split and u16 outputs. */
function emissionAndOutputs(
  inp: EpochInput,
  active: readonly boolean[],
  stake: readonly Fx[],
  activeStake: readonly Fx[],
  consensus: readonly Fx[],
  incentive: readonly Fx[],
  dividends: readonly Fx[],
  validatorTrust: readonly Fx[],
  newValidatorPermits: readonly boolean[],
  bonds: SparseMatrixU16,
): EpochResult {
  const n = inp.n;
  const combinedEmission: Fx[] = [];
  for (let i = 0; i < Math.min(incentive.length, dividends.length); i++) {
    combinedEmission.push(satAdd(incentive[i] as Fx, dividends[i] as Fx));
  }
  const emissionSum = sumFx(combinedEmission);
  const normalizedServerEmission = incentive.slice();
  let normalizedValidatorEmission = dividends.slice();
  let normalizedCombinedEmission = combinedEmission.slice();
  inplaceNormalizeUsingSum(normalizedServerEmission, emissionSum);
  inplaceNormalizeUsingSum(normalizedValidatorEmission, emissionSum);
  inplaceNormalize(normalizedCombinedEmission);
  if (emissionSum === ZERO) {
    if (isZero(activeStake)) {
      normalizedValidatorEmission = stake.slice();
      normalizedCombinedEmission = stake.slice();
    } else {
      normalizedValidatorEmission = activeStake.slice();
      normalizedCombinedEmission = activeStake.slice();
    }
  }
  const rao = inp.raoEmission;
  const toRao = (v: readonly Fx[]): BigUint64Array => {
    const out = new BigUint64Array(n);
    for (let i = 0; i < n; i++) out[i] = fixedTimesRaoToU64(v[i] ?? ZERO, rao);
    return out;
  };
  const toU16 = (v: readonly Fx[]): Uint16Array => {
    const out = new Uint16Array(n);
    for (let i = 0; i < n; i++) out[i] = fixedProportionToU16(v[i] ?? ZERO);
    return out;
  };
  const toU8 = (v: readonly boolean[]): Uint8Array => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = v[i] === true ? 1 : 0;
    return out;
  };
  return {
    active: toU8(active),
    stakeWeight: toU16(stake),
    consensus: toU16(consensus),
    incentive: toU16(incentive),
    dividends: toU16(dividends),
    validatorTrust: toU16(validatorTrust),
    serverEmission: toRao(normalizedServerEmission),
    validatorEmission: toRao(normalizedValidatorEmission),
    emission: toRao(normalizedCombinedEmission),
    newValidatorPermits: toU8(newValidatorPermits),
    bonds,
  };
}

function u16Row(entries: readonly (readonly [number, number])[]): SparseRowU16 {
  return { cols: Uint16Array.from(entries.map((e) => e[0])), vals: Uint16Array.from(entries.map((e) => e[1])) };
}

// ============================================================================================
// epoch_mechanism (sparse, production)
// ============================================================================================

/** run_epoch.rs `epoch_mechanism`; bonds returned exactly as the chain would store them (row order, zero values kept). */
function epochMechanism(inp: EpochInput): EpochResult {
  const n = inp.n;
  const p = inp.params;
  const currentBlock = inp.currentBlock;
  const lastUpdate = range(n).map((i) => inp.lastUpdate[i] ?? 0);
  const blockAtRegistration = range(n).map((i) => inp.blockAtRegistration[i] ?? 0);

  // == Active & updated ==
  const inactive = lastUpdate.map((u) => u + p.activityCutoff < currentBlock);
  const active = inactive.map((b) => !b);

  // == Stake ==
  const ownerUid = inp.ownerUid;
  const filteredStake: Fx64[] = range(n).map((uid) => {
    const s = inp.stake[uid] ?? 0n;
    if (ownerUid !== uid && fixed64ToU64(s) < p.stakeThreshold) return 0n;
    return s;
  });
  inplaceNormalize64(filteredStake);
  const stake = vecFixed64ToFixed32(filteredStake);

  // == Validator permits ==
  const validatorPermits = range(n).map((i) => (inp.validatorPermits[i] ?? 0) !== 0);
  if (ownerUid !== null && ownerUid < validatorPermits.length) validatorPermits[ownerUid] = true;
  const validatorForbids = validatorPermits.map((b) => !b);
  const newValidatorPermits = isTopkNonzero(stake, p.maxAllowedValidators);
  if (ownerUid !== null && ownerUid < newValidatorPermits.length) newValidatorPermits[ownerUid] = true;

  // == Active stake ==
  const activeStake = stake.slice();
  inplaceMaskVector(inactive, activeStake);
  inplaceMaskVector(validatorForbids, activeStake);
  inplaceNormalize(activeStake);

  // == Weights ==
  let weights = getWeightsSparse(inp.weights, n);
  weights = maskRowsSparse(validatorForbids, weights);
  weights = ownerUid !== null ? maskDiagSparseExceptIndex(weights, ownerUid) : maskDiagSparse(weights);
  weights = vecMaskSparseMatrix(
    weights,
    lastUpdate,
    blockAtRegistration,
    (updated, registered) => updated <= registered,
  );
  if (p.commitRevealEnabled) {
    const commitBlocks = range(n).map((i) => inp.commitBlocks?.[i] ?? Number.POSITIVE_INFINITY); // +inf = u64::MAX
    weights = vecMaskSparseMatrix(weights, commitBlocks, blockAtRegistration, (cb, reg) => cb < reg);
  }
  inplaceRowNormalizeSparse(weights);

  // == Consensus, validator trust ==
  const kappa = getFloatKappa(p);
  const consensus = weightedMedianColSparse(activeStake, weights, n, kappa);
  const clippedWeights = colClipSparse(weights, consensus);
  const validatorTrust = rowSumSparse(clippedWeights);

  // == Ranks, incentive ==
  const ranks = matmulSparse(clippedWeights, activeStake, n);
  inplaceNormalize(ranks);
  const incentive = ranks.slice();

  // == Bonds and dividends ==
  const bondsPenalty = getFloatBondsPenalty(p);
  const weightsForBonds = interpolateSparse(weights, clippedWeights, n, bondsPenalty);
  const lastTempo = lastTempoOf(inp);
  let dividends: Fx[];
  let emaBonds: SMat;
  if (p.yuma3Enabled) {
    let bonds = getBondsSparseFixedProportion(inp.bonds, n);
    bonds = scalarVecMaskSparseMatrix(bonds, lastTempo, blockAtRegistration, (lt, registered) => lt <= registered);
    emaBonds = computeBondsSparse(p, weightsForBonds, bonds, consensus);
    const emaBondsNorm = cloneSparse(emaBonds);
    inplaceColNormalizeSparse(emaBondsNorm, n);
    const totalBondsPerValidator = rowSumSparse(matVecMulSparse(emaBondsNorm, incentive));
    dividends = vecMul(totalBondsPerValidator, activeStake);
    inplaceNormalize(dividends);
  } else {
    let bonds = getBondsSparse(inp.bonds, n);
    bonds = scalarVecMaskSparseMatrix(bonds, lastTempo, blockAtRegistration, (lt, registered) => lt <= registered);
    inplaceColNormalizeSparse(bonds, n);
    const bondsDelta = rowHadamardSparse(weightsForBonds, activeStake);
    inplaceColNormalizeSparse(bondsDelta, n);
    emaBonds = matEmaSparse(bondsDelta, bonds, emaAlphaFromMovingAverage(p.bondsMovingAverage, false)); // compute_ema_bonds_normal_sparse
    inplaceColNormalizeSparse(emaBonds, n);
    dividends = matmulTransposeSparse(emaBonds, incentive);
    inplaceNormalize(dividends);
    inplaceColMaxUpscaleSparse(emaBonds, n);
  }

  // == Bonds storage: a uid with a new permit gets its EMA row; every other uid's row is written empty. ==
  const storedBonds: SparseRowU16[] = range(n).map((i) => {
    if (newValidatorPermits[i] === true) {
      return u16Row((emaBonds[i] ?? []).map(([j, v]) => [j, fixedProportionToU16(v)] as const));
    }
    return u16Row([]);
  });

  return emissionAndOutputs(
    inp,
    active,
    stake,
    activeStake,
    consensus,
    incentive,
    dividends,
    validatorTrust,
    newValidatorPermits,
    storedBonds,
  );
}

// ============================================================================================
// epoch_dense_mechanism (test-only dense variant)
// ============================================================================================

/** run_epoch.rs `epoch_dense_mechanism`; bonds returned as the chain would store them. */
function epochDenseMechanism(inp: EpochInput): EpochResult {
  const n = inp.n;
  const p = inp.params;
  const currentBlock = inp.currentBlock;
  const lastUpdate = range(n).map((i) => inp.lastUpdate[i] ?? 0);
  const blockAtRegistration = range(n).map((i) => inp.blockAtRegistration[i] ?? 0);

  const inactive = lastUpdate.map((u) => u + p.activityCutoff < currentBlock);
  const active = inactive.map((b) => !b);
  const outdated = lastUpdate.map((updated) => blockAtRegistration.map((registered) => updated <= registered));
  const lastTempo = lastTempoOf(inp);
  const recentlyRegistered = blockAtRegistration.map((registered) => lastTempo <= registered);

  // == Stake (no owner exemption) ==
  const filteredStake: Fx64[] = range(n).map((uid) => {
    const s = inp.stake[uid] ?? 0n;
    return fixed64ToU64(s) < p.stakeThreshold ? 0n : s;
  });
  inplaceNormalize64(filteredStake);
  const stake = vecFixed64ToFixed32(filteredStake);

  // == Validator permits (no owner forcing) ==
  const validatorPermits = range(n).map((i) => (inp.validatorPermits[i] ?? 0) !== 0);
  const validatorForbids = validatorPermits.map((b) => !b);
  const newValidatorPermits = isTopkNonzero(stake, p.maxAllowedValidators);

  const activeStake = stake.slice();
  inplaceMaskVector(inactive, activeStake);
  inplaceMaskVector(validatorForbids, activeStake);
  inplaceNormalize(activeStake);

  // == Weights ==
  const weights = getWeights(inp.weights, n);
  inplaceMaskRows(validatorForbids, weights);
  if (inp.ownerUid !== null) inplaceMaskDiagExceptIndex(weights, inp.ownerUid);
  else inplaceMaskDiag(weights);
  inplaceMaskDiag(weights); // the dense epoch masks the whole diagonal again, owner included
  inplaceMaskMatrix(outdated, weights);
  inplaceRowNormalize(weights);

  // == Consensus, validator trust ==
  const kappa = getFloatKappa(p);
  const consensus = weightedMedianCol(activeStake, weights, kappa);
  const clippedWeights = weights.map((r) => r.slice());
  inplaceColClip(clippedWeights, consensus);
  const validatorTrust = rowSum(clippedWeights);

  // == Ranks, incentive ==
  const ranks = matmul(clippedWeights, activeStake);
  inplaceNormalize(ranks);
  const incentive = ranks.slice();

  // == Bonds and dividends ==
  const bondsPenalty = getFloatBondsPenalty(p);
  const weightsForBonds = interpolate(weights, clippedWeights, bondsPenalty);
  let dividends: Fx[];
  let emaBonds: DMat;
  if (p.yuma3Enabled) {
    const bonds = getBondsFixedProportion(inp.bonds, n);
    inplaceMaskCols(recentlyRegistered, bonds);
    emaBonds = computeBonds(p, weightsForBonds, bonds, consensus);
    const emaBondsNorm = emaBonds.map((r) => r.slice());
    inplaceColNormalize(emaBondsNorm);
    const totalBondsPerValidator = rowSum(matVecMul(emaBondsNorm, incentive));
    dividends = vecMul(totalBondsPerValidator, activeStake);
    inplaceNormalize(dividends);
  } else {
    const bonds = getBonds(inp.bonds, n);
    inplaceMaskCols(recentlyRegistered, bonds);
    inplaceColNormalize(bonds);
    const bondsDelta = rowHadamard(weightsForBonds, activeStake);
    inplaceColNormalize(bondsDelta);
    emaBonds = matEma(bondsDelta, bonds, emaAlphaFromMovingAverage(p.bondsMovingAverage, false)); // compute_ema_bonds_normal
    inplaceColNormalize(emaBonds);
    dividends = matmulTranspose(emaBonds, incentive);
    inplaceNormalize(dividends);
    inplaceColMaxUpscale(emaBonds);
  }

  // == Bonds storage: new permit -> full row (0..n zipped with the EMA row); old permit only -> empty; neither -> untouched ==
  const storedBonds: SparseRowU16[] = range(n).map((i) => {
    if (newValidatorPermits[i] === true) {
      const vals = vecFixedProportionsToU16(emaBonds[i] ?? []);
      const entries: [number, number][] = [];
      for (let j = 0; j < Math.min(n, vals.length); j++) entries.push([j, vals[j] as number]);
      return u16Row(entries);
    }
    if (validatorPermits[i] === true) return u16Row([]);
    const prev = inp.bonds[i];
    return prev === undefined ? u16Row([]) : { cols: Uint16Array.from(prev.cols), vals: Uint16Array.from(prev.vals) };
  });

  return emissionAndOutputs(
    inp,
    active,
    stake,
    activeStake,
    consensus,
    incentive,
    dividends,
    validatorTrust,
    newValidatorPermits,
    storedBonds,
  );
}

// ============================================================================================
// Public entry points
// ============================================================================================

/** A bond row in the canonical representation: sorted by column (stable), zero values omitted. */
export function normaliseBondRow(row: SparseRowU16): SparseRowU16 {
  const entries: [number, number][] = [];
  for (let k = 0; k < row.cols.length; k++) {
    const v = row.vals[k] as number;
    if (v !== 0) entries.push([row.cols[k] as number, v]);
  }
  entries.sort((a, b) => a[0] - b[0]);
  return u16Row(entries);
}

/**
 * The epoch with bonds exactly as the chain writes them to storage: in the order the chain builds each row
 * (mat_ema_alpha_sparse keeps the weights row's order, which need not be sorted) and with zero values kept.
 * Use this to carry bonds from one epoch to the next when fidelity to storage order matters.
 */
export function oracleEpochStorageOrder(input: EpochInput, dense = false): EpochResult {
  return dense ? epochDenseMechanism(input) : epochMechanism(input);
}

/** One Yuma epoch as the chain computes it (sparse `epoch_mechanism`, or `epoch_dense_mechanism` when dense). Bond rows are normalised: sorted by column, zeros omitted. */
export function oracleEpoch(input: EpochInput, dense = false): EpochResult {
  const r = oracleEpochStorageOrder(input, dense);
  return { ...r, bonds: r.bonds.map(normaliseBondRow) };
}
