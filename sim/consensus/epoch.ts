import type { Arith } from './arith.ts';
import { type LiquidAlpha, matEma, matEmaLiquid, yuma3Dividends, yumaBonds } from './bonds.ts';
import { topkNonzero } from './permits.ts';
import {
  colClip,
  colMaxUpscale,
  densify,
  filterEntries,
  fullRow,
  interpolate,
  type Matrix,
  matmul,
  matmulTranspose,
  normalize,
  rowSums,
  sum,
} from './sparse.ts';
import type { EpochInput, EpochResult, SparseMatrixU16, SparseRowU16 } from './types.ts';
import { weightedMedianColumns } from './weightedMedian.ts';
import { epochWeights, loadRows } from './weights.ts';

/**
 * One Yuma consensus epoch for one subnet: subtensor's `epoch_mechanism` (sparse, production) or, with `dense`,
 * the test-only `epoch_dense_mechanism` (pallets/subtensor/src/epoch/run_epoch.rs at 14bc6f9f), step for step.
 * Pure: reads `input`, returns new arrays.
 */
export function epochWith<T extends number | bigint>(a: Arith<T>, input: EpochInput, dense: boolean): EpochResult {
  const { n, currentBlock, params: p } = input;
  const owner = !dense && input.ownerUid !== null && input.ownerUid < n ? input.ownerUid : null;

  // Active: weights set within the activity cutoff.
  const active = new Uint8Array(n);
  for (let i = 0; i < n; i++) active[i] = input.lastUpdate[i]! + p.activityCutoff < currentBlock ? 0 : 1;

  // Stake: below-threshold stake filtered (the owner exempt), normalised in I64F64.
  const threshold = p.stakeThreshold;
  const stake = a.normalizeStake64(
    Array.from({ length: n }, (_, i) => {
      const s = input.stake[i] ?? 0n;
      return i !== owner && s >> 64n < threshold ? 0n : s;
    }),
  );

  // Permits: the previous epoch's mask this epoch; new ones from this epoch's stake.
  const permits = Uint8Array.from({ length: n }, (_, i) => (input.validatorPermits[i] ? 1 : 0));
  const newPermits = topkNonzero(stake, p.maxAllowedValidators, a.zero);
  if (owner !== null) {
    permits[owner] = 1;
    newPermits[owner] = 1;
  }
  const forbidden = permits.map((x) => 1 - x);

  const activeStake = normalize(
    a,
    stake.map((s, i) => (active[i] && permits[i] ? s : a.zero)),
  );

  const weights = epochWeights(a, input, forbidden, owner, dense);

  // Consensus, clipping, validator trust, incentive.
  const consensus = weightedMedianColumns(a, activeStake, weights, n, a.u16Proportion(p.kappa));
  const clipped = colClip(a, weights, consensus);
  const validatorTrust = rowSums(a, clipped);
  const incentive = normalize(a, matmul(a, clipped, activeStake, n));

  // Bonds and dividends.
  let weightsForBonds = interpolate(a, weights, clipped, n, a.u16Proportion(p.bondsPenalty));
  const lastTempo =
    input.lastMechanismStepBlock === 0 ? Math.max(0, currentBlock - p.tempo) : input.lastMechanismStepBlock + 1;
  const keepBond = (_i: number, j: number): boolean => !(lastTempo <= input.blockAtRegistration[j]!);
  let dividends: T[];
  let storedBonds: Matrix<T>;
  if (p.yuma3Enabled) {
    const bonds = filterEntries(loadRows(input.bonds, n, a.u16Proportion), keepBond);
    if (dense) weightsForBonds = weightsForBonds.map((row) => fullRow(densify(a, row, n)));
    const liquid = p.liquidAlphaEnabled && consensus.some((c) => c !== a.zero);
    const ema = liquid
      ? matEmaLiquid(a, weightsForBonds, bonds, consensus, liquidAlpha(a, p))
      : matEma(a, weightsForBonds, bonds, a.bondsEmaAlpha(p.bondsMovingAverage));
    dividends = yuma3Dividends(a, ema, incentive, activeStake, n);
    storedBonds = ema;
  } else {
    const bonds = filterEntries(loadRows(input.bonds, n, a.fromInt), keepBond);
    const ema = yumaBonds(a, weightsForBonds, bonds, activeStake, a.bondsEmaAlpha(p.bondsMovingAverage), n);
    dividends = normalize(a, matmulTranspose(a, ema, incentive));
    storedBonds = colMaxUpscale(a, ema, n);
  }

  // Emission: incentive to servers, dividends to validators; by stake when nobody earns.
  const combined = incentive.map((x, i) => a.add(x, dividends[i]!));
  const emissionSum = sum(a, combined);
  const share = (x: T): T => (emissionSum === a.zero ? x : a.div(x, emissionSum));
  let validatorShare = dividends.map(share);
  let combinedShare = normalize(a, combined);
  if (emissionSum === a.zero) {
    validatorShare = sum(a, activeStake) === a.zero ? stake : activeStake;
    combinedShare = validatorShare;
  }
  const rao = (xs: readonly T[]): BigUint64Array => BigUint64Array.from(xs, (x) => a.toRao(x, input.raoEmission));
  const u16 = (xs: readonly T[]): Uint16Array => Uint16Array.from(xs, (x) => a.toU16Proportion(x));

  return {
    active,
    stakeWeight: u16(stake),
    consensus: u16(consensus),
    incentive: u16(incentive),
    dividends: u16(dividends),
    validatorTrust: u16(validatorTrust),
    serverEmission: rao(incentive.map(share)),
    validatorEmission: rao(validatorShare),
    emission: rao(combinedShare),
    newValidatorPermits: newPermits,
    bonds: storeBonds(a, storedBonds, input.bonds, permits, newPermits, dense),
  };
}

function liquidAlpha<T extends number | bigint>(a: Arith<T>, p: EpochInput['params']): LiquidAlpha<T> {
  return {
    low: a.u16Proportion(p.alphaLow),
    high: a.u16Proportion(p.alphaHigh),
    steepness: a.fromInt(p.alphaSigmoidSteepness),
  };
}

const EMPTY_ROW: SparseRowU16 = { cols: new Uint16Array(0), vals: new Uint16Array(0) };

/**
 * Bonds storage after the epoch: a uid with a new permit stores its row (as floor(x·65535)); the sparse epoch
 * writes an empty row for every other uid, the dense one only for uids that had a permit (others untouched).
 */
function storeBonds<T extends number | bigint>(
  a: Arith<T>,
  bonds: Matrix<T>,
  previous: SparseMatrixU16,
  permits: Uint8Array,
  newPermits: Uint8Array,
  dense: boolean,
): SparseMatrixU16 {
  return bonds.map((row, i) => {
    if (newPermits[i]) {
      return { cols: Uint16Array.from(row.cols), vals: Uint16Array.from(row.vals, (v) => a.toU16Proportion(v)) };
    }
    if (dense && !permits[i]) return previous[i] ?? EMPTY_ROW;
    return EMPTY_ROW;
  });
}
