import type { SubnetPool } from './pool.ts';

/**
 * The coinbase's per-subnet terms on doubles, exact by construction or not at all (then the caller runs the bigint
 * path): every result is a floor of a quantity computed with a known relative (or absolute) error, and it is taken
 * only when the floor is the same at both ends of that error interval — the filter approach `grid.ts` uses for the
 * epoch. The errors here are a few units of 2^-53; the slack allowed is 2^-45 relative (2^-18 rao absolute for the
 * validators' part), so a floor is refused only when its quantity lies within that slack of an integer (and always
 * when it is one exactly). On the full network 281 of 460 800 subnet-blocks went to the bigint path.
 *
 * Scope: dynamic pools whose TAO reserve and alpha issuance are below 2^53 rao (9 M TAO / alpha: exact doubles), the
 * default alpha emission of 1 alpha a block (before the subnet's first alpha halving, at 10.5 M alpha) and no cap
 * (alpha_in at most root_prop × the alpha emission, so no chain buy). Outside it, or whenever a filter refuses,
 * `fastTerms` returns null.
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

/** Subnet-blocks computed on doubles, and those handed back to the bigint path (for tests and the bench). */
export const coinbaseFastStats = { taken: 0, refused: 0 };

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
}

export interface FastTerms {
  readonly alphaInRao: number;
  readonly rootRao: number;
  readonly validatorRao: number;
}

/**
 * The terms `emitInto` needs for one subnet, or null (use the bigint path). `taoEmission` is the subnet's
 * U96F32 TAO emission (bits, as a rounded double), `weightedRoot` tao_weight·SubnetTAO[root] in U96F32 bits (rounded).
 *
 * Each step, with the bigint path's expression it replaces:
 * - price = floor(T·2^32/A) (`spotPriceU96F32`): T·2^32 exact, one rounding;
 * - root_prop = floor(2^32·wr/(wr + (A + O)·2^32)) (`rootProportionOf`);
 * - no cap: floor(te·2^32/price) ≤ root_prop·1e9 (`alphaIn > cap`, cap exact as alpha emission = 1e9·2^32),
 *   checked with the slack on both sides;
 * - alpha_in (rao) = floor(te/price) (= floor(floor(te·2^32/price)/2^32));
 * - root_prop again after the injection and the mint, on A + alpha_in + O + 1e9;
 * - root alpha x = root_prop·alpha_out/2^33 (= the two U96F32 products by root_prop and by 1/2, floored:
 *   floor(floor(a/2^32)/2) = floor(a/2^33)); root (rao) = floor(x/2^32);
 * - validators (rao) = floor((rest − floor(x))/2^32), which lies in [w, w + 2^-32) for w = (rest − x)/2^32; with
 *   rest and x below 2^62 the error of the computed w is below 2^62·(2^-53 + 2^-51 + 2^-53)/2^32 < 2^-20, so the
 *   floor is taken when [w − DELTA, w + DELTA] holds no integer (DELTA = 2^-18).
 */
export function fastTerms(
  pool: SubnetPool,
  taoEmission: number,
  weightedRoot: number,
  split: FastSplit,
): FastTerms | null {
  const terms = termsOnDoubles(pool, taoEmission, weightedRoot, split);
  if (terms) coinbaseFastStats.taken++;
  else coinbaseFastStats.refused++;
  return terms;
}

function termsOnDoubles(
  pool: SubnetPool,
  taoEmission: number,
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
  if (!(price > 0)) return null; // NaN, or a zero price (the bigint path's safe_div)
  const rootProp = rootProportion(weightedRoot, (a + o) * TWO32);
  if (Number.isNaN(rootProp)) return null;
  const cap = rootProp * FAST_ALPHA_EMISSION_RAO;
  if (!((taoEmission * TWO32 * (1 + EPS)) / price < cap * (1 - EPS))) return null;
  const alphaInRao = sureFloor(taoEmission / price);
  if (Number.isNaN(alphaInRao)) return null;
  const rootPropSplit = rootProportion(weightedRoot, (a + alphaInRao + o + FAST_ALPHA_EMISSION_RAO) * TWO32);
  if (Number.isNaN(rootPropSplit)) return null;
  const x = (rootPropSplit * split.alphaOut) / TWO33;
  const rootRao = sureFloor(x / TWO32);
  const w = (split.rest - x) / TWO32;
  const validatorRao = Math.floor(w - DELTA);
  if (Number.isNaN(rootRao) || validatorRao !== Math.floor(w + DELTA) || validatorRao < 0) return null;
  return { alphaInRao, rootRao, validatorRao };
}
