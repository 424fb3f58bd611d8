/**
 * Block emission and halving by issuance, mirroring subtensor
 * `pallets/subtensor/src/coinbase/block_emission.rs::get_block_emission_for_issuance` and `coinbase/tao.rs::mint_tao`.
 * The same curve gives each subnet's alpha emission from its alpha issuance (`run_coinbase.rs::get_subnet_terms`).
 */

/** `TotalSupply` / `MAX_TAO_ISSUANCE`: 21M TAO in rao. The halving constant 2·10.5M TAO equals it. */
export const TOTAL_SUPPLY_RAO = 21_000_000_000_000_000n;
/** `DefaultBlockEmission`: 1 TAO per block. */
export const DEFAULT_BLOCK_EMISSION_RAO = 1_000_000_000n;
/** The article's calendar halving: 4 · 365.25 days of 7200 blocks (12 s). NOT the chain's rule. */
export const CALENDAR_HALVING_INTERVAL_BLOCKS = 10_519_200n;

export interface EmissionCurve {
  /** Cap and halving base; default 21e15 rao (both are 21M TAO on chain). */
  readonly totalSupplyRao?: bigint;
  /** Emission before the first halving; default 1e9 rao. */
  readonly initialEmissionRao?: bigint;
}

const supplyOf = (opts?: EmissionCurve): bigint => opts?.totalSupplyRao ?? TOTAL_SUPPLY_RAO;

/**
 * Smallest integer issuance at which k halvings are in effect: ceil(S·(1 − 2^-k)).
 * The chain compares I96F32 `log2(1 / (1 − I/S))` with k; the exact comparison `I·2^k ≥ S·(2^k − 1)` is used
 * instead (tokenomics spec §1.6: the I96F32 log2 may differ by one step within ~S·2^-32 rao of a threshold).
 */
export function halvingThresholdRao(k: number, opts?: EmissionCurve): bigint {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`halvingThresholdRao: expected integer k >= 0, got ${k}`);
  const s = supplyOf(opts);
  const p = 1n << BigInt(k);
  return (s * (p - 1n) + p - 1n) / p;
}

/** Number of halving thresholds S·(1 − 2^-k), k ≥ 1, at or below `issuanceRao`. */
/** halvingThresholdRao(k) for k = 1…64 at the default supply: halvingCount by comparisons, no arithmetic. */
const DEFAULT_THRESHOLDS = Array.from({ length: 64 }, (_, k) => halvingThresholdRao(k + 1));

const FIRST_THRESHOLD = DEFAULT_THRESHOLDS[0]!;

export function halvingCount(issuanceRao: bigint, opts?: EmissionCurve): number {
  const s = supplyOf(opts);
  if (issuanceRao >= s) throw new RangeError('halvingCount: issuance at or above the supply has no halving count');
  if (s === TOTAL_SUPPLY_RAO) {
    // issuance·2^k ≥ s·(2^k − 1) ⟺ issuance ≥ ceil(s·(2^k − 1)/2^k) = halvingThresholdRao(k).
    let count = 0;
    while (count < 64 && issuanceRao >= DEFAULT_THRESHOLDS[count]!) count++;
    return count;
  }
  let k = 0;
  // Thresholds increase towards S, so stop at the first one not reached.
  while (issuanceRao * (1n << BigInt(k + 1)) >= s * ((1n << BigInt(k + 1)) - 1n)) k += 1;
  return k;
}

/** Rao minted per block at this issuance: initial >> k, and 0 at or after the supply cap. */
export function blockEmissionForIssuance(issuanceRao: bigint, opts?: EmissionCurve): bigint {
  // Before the first halving (every subnet's alpha for years): one comparison. The threshold is below the supply.
  if (opts === undefined && issuanceRao >= 0n && issuanceRao < FIRST_THRESHOLD) return DEFAULT_BLOCK_EMISSION_RAO;
  if (issuanceRao < 0n) throw new RangeError(`blockEmissionForIssuance: negative issuance ${issuanceRao}`);
  if (issuanceRao >= supplyOf(opts)) return 0n;
  const initial = opts?.initialEmissionRao ?? DEFAULT_BLOCK_EMISSION_RAO;
  return initial >> BigInt(halvingCount(issuanceRao, opts));
}

export interface CalendarEmission {
  readonly halvingIntervalBlocks?: bigint;
  readonly initialEmissionRao?: bigint;
}

/**
 * The article's calendar rule, NOT the chain's: emission halves every `halvingIntervalBlocks` blocks
 * (default 10_519_200 = 4·365.25 days) whatever was issued or recycled. Mint through `mintTao` to keep the cap.
 */
export function calendarBlockEmission(blockNumber: bigint, opts?: CalendarEmission): bigint {
  const interval = opts?.halvingIntervalBlocks ?? CALENDAR_HALVING_INTERVAL_BLOCKS;
  if (interval <= 0n) throw new RangeError(`calendarBlockEmission: interval must be > 0, got ${interval}`);
  if (blockNumber < 0n) throw new RangeError(`calendarBlockEmission: negative block ${blockNumber}`);
  const initial = opts?.initialEmissionRao ?? DEFAULT_BLOCK_EMISSION_RAO;
  const k = blockNumber / interval;
  return k >= 64n ? 0n : initial >> k;
}

export interface Minted {
  readonly mintedRao: bigint;
  readonly issuanceRao: bigint;
}

/** `tao.rs::mint_tao`: mints min(amount, cap − issuance) and returns the new issuance. */
export function mintTao(issuanceRao: bigint, amountRao: bigint, opts?: Pick<EmissionCurve, 'totalSupplyRao'>): Minted {
  if (amountRao < 0n) throw new RangeError(`mintTao: negative amount ${amountRao}`);
  const room = supplyOf(opts) - issuanceRao;
  const mintedRao = room <= 0n ? 0n : amountRao < room ? amountRao : room;
  return { mintedRao, issuanceRao: issuanceRao + mintedRao };
}
