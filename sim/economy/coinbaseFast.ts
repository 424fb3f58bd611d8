import { MAX_SWAP_INPUT_RESERVE_MULTIPLIER, type SubnetPool, SWAP_MINIMUM_RESERVE_RAO } from './pool.ts';

/**
 * The coinbase's per-subnet terms on doubles, exact by construction or not at all (then the caller runs the bigint
 * path): every result is a floor of a quantity computed with a known relative (or absolute) error, and it is taken
 * only when the floor is the same at both ends of that error interval — the filter approach `grid.ts` uses for the
 * epoch. The errors here are a few units of 2^-53; the slack allowed is 2^-45 relative (2^-18 rao absolute for the
 * validators' part), so a floor is refused only when its quantity lies within that slack of an integer (and always
 * when it is one exactly). On the full network 281 of 460 800 subnet-blocks went to the bigint path.
 *
 * Scope: dynamic pools whose TAO reserve and alpha issuance are below 2^53 rao (9 M TAO / alpha: exact doubles) and
 * the default alpha emission of 1 alpha a block (before the subnet's first alpha halving, at 10.5 M alpha); with the
 * cap binding (alpha_in above root_prop × the alpha emission) the excess TAO's chain buy too — the usual case of a
 * small network with much root stake, where every shipped scenario but the full network spends most of its time.
 * Outside it, or whenever a filter refuses, `fastTerms` returns null.
 */

const TWO32 = 4294967296;
const TWO33 = 8589934592;
/** Alpha issuance (reserve + outstanding, before and after the block's ≤ 2 alpha) stays an exact double below this. */
const ISSUANCE_LIMIT = 2 ** 53 - 2 ** 40;
const TAO_LIMIT = 2 ** 53;
const EPS = 2 ** -45;
/** Absolute slack (rao) of the validators' part: its error is below 2^-20 (see `fastTerms`) plus 2^-32. */
const DELTA = 2 ** -18;
/** 1 alpha, in rao: the alpha emission `fastTerms` is written for. */
export const FAST_ALPHA_EMISSION_RAO = 1_000_000_000;

let enabled = true;

/** Turn the fast path off (tests compare both paths) or on (the default). */
export function setCoinbaseFastPath(on: boolean): void {
  enabled = on;
}

export const coinbaseFastPath = (): boolean => enabled;

/**
 * Subnet-blocks computed on doubles (`capped`: of them, those with the cap binding; `bought`: with a chain buy), and
 * those handed back to the bigint path (for tests and the bench).
 */
export const coinbaseFastStats = { taken: 0, capped: 0, bought: 0, refused: 0 };

/** floor(v) for v ≥ 0 known within relative error EPS, or NaN when the interval holds an integer boundary. */
function sureFloor(v: number): number {
  const f = Math.floor(v * (1 - EPS));
  return f === Math.floor(v * (1 + EPS)) ? f : Number.NaN;
}

/**
 * `rootProportionOf` = floor(2^32·wr / (wr + s)) (U96F32 `safe_div`: 0 when the divisor is 0) from a rounded wr
 * (relative error 2^-53) and an exact s: relative error below 2^-51.
 */
function rootProportion(wr: number, s: number): number {
  if (wr === 0) return 0;
  return sureFloor((TWO32 * wr) / (wr + s));
}

/** Per block and per owner-cut setting: the split's constants, as doubles (relative error 2^-53). */
export interface FastSplit {
  /** alpha_out after the owner cut, U96F32 bits. */
  readonly alphaOut: number;
  /** alpha_out − the miners' half, U96F32 bits: what validators and root share. */
  readonly rest: number;
  /** floor(rest / 2^32), exact: the validators' part when root takes nothing (a root proportion of 0). */
  readonly restRao: number;
}

export interface FastTerms {
  /** Whether alpha_in was capped at root_prop × the alpha emission. */
  readonly capped: boolean;
  /** TAO injected (rao): the subnet's whole TAO emission without the cap, alpha_in · price with it. */
  readonly taoInRao: number;
  readonly alphaInRao: number;
  /** With the cap: the TAO emission's excess over tao_in (rao), spent on the chain buy; else 0. */
  readonly excessRao: number;
  /** Alpha the chain buy took out of the pool (0 without one). */
  readonly boughtAlphaRao: number;
  readonly rootRao: number;
  readonly validatorRao: number;
}

/** The chain buy's least reserve and largest input relative to its TAO reserve (`checkedInput` in pool.ts). */
const MINIMUM_RESERVE = Number(SWAP_MINIMUM_RESERVE_RAO);
const MAX_INPUT_MULTIPLIER = Number(MAX_SWAP_INPUT_RESERVE_MULTIPLIER);
/**
 * The chain buy's output exceeds the constant-product value A·x/(T + x) by less than A·(10^-18 + 2^-64) (its floors
 * at 10^-18 and 2^-64 round 1 − e up; see `swapOutputRao`): below 2^53 rao of reserve, under 0.0097 rao (bounded
 * here by 2·10^-18 per rao of reserve).
 */
const BUY_BIAS = 2e-18; // > 10^-18 + 2^-64, with room for its own rounding

/**
 * The terms `emitInto` needs for one subnet, or null (use the bigint path). `taoEmission` is the subnet's U96F32 TAO
 * emission as its two 32-bit halves (`hi`·2^32 + `lo`, exact: hi is its rao), `weightedRoot` tao_weight·SubnetTAO[root]
 * in U96F32 bits (rounded).
 *
 * Each step, with the bigint path's expression it replaces (T, A, O: the pool's TAO, alpha reserve, alpha outside):
 * - price = floor(T·2^32/A) (`spotPriceU96F32`): T·2^32 exact, one rounding;
 * - root_prop = floor(2^32·wr/(wr + (A + O)·2^32)) (`rootProportionOf`);
 * - the cap, exact as a double: root_prop·(1e9·2^32)/2^32 = root_prop·1e9 = root_prop·1953125·2^9 (< 2^53 · 2^9);
 *   alpha_in (bits) = floor(te·2^32/price), compared with it on both sides of the slack (else refused);
 * - no cap: alpha_in (rao) = floor(te/price) (= floor(floor(te·2^32/price)/2^32)), tao_in = te;
 * - cap: alpha_in (rao) = floor(cap/2^32); tao_in (bits) = floor(cap·price/2^32), its rao floor(cap·price/2^64);
 *   excess (rao) = floor((te − tao_in)/2^32) = hi − tao_in_rao − [lo < tao_in mod 2^32], the last from the product's
 *   fractional bits, exact by Sterbenz' lemma but for the product's rounding (refused within 2^-51 × tao_in's bits
 *   of lo + 1); the chain buy of the excess (fee-free) pays floor(A·(1 − e)) with
 *   1 − e ∈ [x/(T + x), x/(T + x) + BUY_BIAS), refused when
 *   that interval (widened by the double's error) holds an integer, and whenever the bigint swap would refuse
 *   (reserve under 1 000 000 rao, input above 1000 × T, or nothing bought);
 * - root_prop again after the injection and the mint, on A + alpha_in + O + 1e9 (the buy moves alpha from A to O);
 * - root alpha x = root_prop·alpha_out/2^33 (= the two U96F32 products by root_prop and by 1/2, floored:
 *   floor(floor(a/2^32)/2) = floor(a/2^33)); root (rao) = floor(x/2^32);
 * - validators (rao) = floor((rest − floor(x))/2^32), which lies in [w, w + 2^-32) for w = (rest − x)/2^32; with
 *   rest and x below 2^62 the error of the computed w is below 2^62·(2^-53 + 2^-51 + 2^-53)/2^32 < 2^-20, so the
 *   floor is taken when [w − DELTA, w + DELTA] holds no integer (DELTA = 2^-18); with root_prop 0 (no root stake,
 *   or a TAO weight of 0) root gets 0 and the validators floor(rest/2^32) exactly, from the split's bigint.
 */
export function fastTerms(
  pool: SubnetPool,
  hi: number,
  lo: number,
  weightedRoot: number,
  split: FastSplit,
): FastTerms | null {
  const terms = termsOnDoubles(pool, hi, lo, weightedRoot, split);
  if (terms === null) coinbaseFastStats.refused++;
  else {
    coinbaseFastStats.taken++;
    if (terms.capped) coinbaseFastStats.capped++;
    if (terms.boughtAlphaRao > 0) coinbaseFastStats.bought++;
  }
  return terms;
}

function termsOnDoubles(
  pool: SubnetPool,
  hi: number,
  lo: number,
  weightedRoot: number,
  split: FastSplit,
): FastTerms | null {
  if (pool.stable) return null;
  const t = Number(pool.taoRao);
  const a = Number(pool.alphaInRao);
  const o = Number(pool.alphaOutRao);
  // Exact conversions: t < 2^53, and a + o (so a and o) below 2^53 with room for this block's alpha_in and mint.
  if (!(t < TAO_LIMIT && a + o < ISSUANCE_LIMIT && a > 0 && t >= 0 && o >= 0)) return null;
  const price = sureFloor((t * TWO32) / a);
  if (!(price > 0 && price < TAO_LIMIT)) return null; // NaN, a zero price (the bigint path's safe_div), or inexact
  const rootProp = rootProportion(weightedRoot, (a + o) * TWO32);
  if (Number.isNaN(rootProp)) return null;
  const te = hi * TWO32 + lo; // one rounding
  const cap = rootProp * FAST_ALPHA_EMISSION_RAO;
  const quotient = (te * TWO32) / price; // alpha_in's bits before the floor, relative error < 2^-51
  let taoInRao: number;
  let alphaInRao: number;
  let excessRao = 0;
  let boughtAlphaRao = 0;
  const capped = !(quotient * (1 + EPS) < cap * (1 - EPS));
  if (!capped) {
    taoInRao = hi;
    alphaInRao = sureFloor(te / price);
    if (Number.isNaN(alphaInRao)) return null;
  } else if (quotient * (1 - EPS) >= cap * (1 + EPS) + 1) {
    alphaInRao = Math.floor(cap / TWO32);
    const product = cap * price; // tao_in·2^32 before its floor; relative error 2^-53
    taoInRao = sureFloor(product / TWO32 / TWO32);
    if (Number.isNaN(taoInRao)) return null;
    // tao_in's fractional bits (below 2^32), exact but for the product's rounding: is lo below them?
    const fraction = product / TWO32 - taoInRao * TWO32;
    const slack = (product / TWO32) * 2 ** -51;
    if (Math.abs(fraction - (lo + 1)) <= slack) return null;
    excessRao = hi - taoInRao - (lo + 1 <= fraction ? 1 : 0);
    if (excessRao < 0) excessRao = 0;
    if (excessRao > 0) {
      if (a < MINIMUM_RESERVE || excessRao > MAX_INPUT_MULTIPLIER * t || t + excessRao >= TAO_LIMIT) return null;
      const u = (a * excessRao) / (t + excessRao);
      boughtAlphaRao = Math.floor(u * (1 - EPS));
      if (boughtAlphaRao !== Math.floor(u * (1 + EPS) + a * BUY_BIAS) || boughtAlphaRao <= 0) return null;
    }
  } else return null; // alpha_in too close to the cap to tell
  // The buy moves alpha from the reserve to AlphaOut: A + O is unchanged.
  const rootPropSplit = rootProportion(weightedRoot, (a + alphaInRao + o + FAST_ALPHA_EMISSION_RAO) * TWO32);
  if (Number.isNaN(rootPropSplit)) return null;
  // Without root stake (or a TAO weight of 0) root takes nothing and the validators the exact rest: the filter below
  // would refuse it whenever the rest is a whole number of rao, as it is with the owner cut off.
  if (rootPropSplit === 0)
    return { capped, taoInRao, alphaInRao, excessRao, boughtAlphaRao, rootRao: 0, validatorRao: split.restRao };
  const x = (rootPropSplit * split.alphaOut) / TWO33;
  const rootRao = sureFloor(x / TWO32);
  const w = (split.rest - x) / TWO32;
  const validatorRao = Math.floor(w - DELTA);
  if (Number.isNaN(rootRao) || validatorRao !== Math.floor(w + DELTA) || validatorRao < 0) return null;
  return { capped, taoInRao, alphaInRao, excessRao, boughtAlphaRao, rootRao, validatorRao };
}
