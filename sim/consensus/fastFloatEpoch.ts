import { colSums, loadBonds, matEma, matmulTranspose, yumaBonds } from './fastFloatBonds.ts';
import { Csr, growF64, growU8 } from './fastFloatBuffers.ts';
import { yuma3DividendsAndStore } from './fastFloatDividends.ts';
import { alphaOf, matEmaLiquid } from './fastFloatLiquid.ts';
import { Voters } from './fastFloatMedian.ts';
import { colMaxima, emissionShares, storeBonds, toRao, toU16 } from './fastFloatOutput.ts';
import { normalizeStake, topkNonzero } from './fastFloatStake.ts';
import { clipTrustRanks, interpolateRows, weightsEntries } from './fastFloatWeights.ts';
import { clipDelta, emaMerge, loadRawBonds, normalizeStoreEma } from './fastFloatYuma.ts';
import { yuma3Pass } from './fastFloatYuma3.ts';
import { gdiv, setExactGrid, u16p } from './grid.ts';
import type { EpochInput, EpochResult, SparseRowU16 } from './types.ts';
import { KernelMemory } from './wasmKernel.ts';

// Kernel loops index arrays within their bounds: `a[i]!` there is a bounds-known read, not a guess.

/*
 * Module-level scratch (see fastFloatBuffers.ts): per-uid vectors and the epoch's sparse matrices in CSR form.
 * Their contents never outlive a call; only the outputs are allocated per call. What the WebAssembly passes share
 * (weights, score matrix, consensus, trust, ranks, column sums, dividends, Yuma3's EMA bonds) is in the kernel
 * memory instead (wasmKernel.ts), laid out per epoch.
 */
let stake = new Float64Array(0);
let activeStake = new Float64Array(0);
let reg = new Float64Array(0);
let server = new Float64Array(0);
let validator = new Float64Array(0);
let combined = new Float64Array(0);
let sumsOld = new Float64Array(0);
let sumsDelta = new Float64Array(0);
let colMax = new Float64Array(0);
const voters = new Voters();
let permits = new Uint8Array(0);
const clipped = new Csr();
const interpolated = new Csr();
const oldBonds = new Csr();
const delta = new Csr();
/** Original Yuma's EMA bonds (Yuma3's are in the kernel memory). */
const yumaEma = new Csr();

let wasmBonds = true;
let wasmDividends = true;

/**
 * Whether the fused bonds passes run in WebAssembly (the default) or in JavaScript — the fallback they take when
 * the WebAssembly declines (a value beyond the fast grid range), which tests run on its own with this switch.
 */
export function useWasmBonds(on: boolean): void {
  wasmBonds = on;
}

/**
 * For tests: whether the WebAssembly Yuma3 dividends run, or decline as they would on a value beyond the fast grid
 * range (then the JavaScript dividends read the EMA bonds the WebAssembly bonds pass left).
 */
export function useWasmDividends(on: boolean): void {
  wasmDividends = on;
}

/** The bond EMA's alpha: 1 − bma/10^6, as floatArith (plain) or fixedArith (I64F64 quotient, then I32F32). */
const emaAlpha = (bma: number, exact: boolean): number =>
  exact ? 1 - Number((BigInt(bma) << 32n) / 1_000_000n) / 4294967296 : 1 - bma / 1_000_000;

/** `inplace_normalize`: x / Σx (truncated to the grid) unless Σx == 0. */
function normalize(xs: Float64Array, n: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i]!;
  if (s !== 0) for (let i = 0; i < n; i++) xs[i] = gdiv(xs[i]!, s);
}

/** The general path's clip (trust, ranks) and weights for bonds: W, clipped W, or their interpolation. */
function weightsForBonds(k: KernelMemory, ratio: number, n: number): Csr {
  const weights = k.weights;
  clipTrustRanks(weights, n, k.consensus, activeStake, clipped, k.trust, k.ranks);
  if (ratio === 0) return weights;
  if (ratio === 1) return clipped;
  interpolateRows(weights, clipped, n, ratio, interpolated);
  return interpolated;
}

/**
 * Original Yuma's fused bonds, dividends and bonds storage in WebAssembly, or null when they decline (then nothing
 * the JavaScript kernels read was changed but the incentive, which they recompute).
 */
function wasmYuma(
  k: KernelMemory,
  exact: boolean,
  input: EpochInput,
  lastTempo: number,
  clippedForBonds: boolean,
  alpha: number,
  newPermits: Uint8Array,
): SparseRowU16[] | null {
  k.loadBonds(input.bonds);
  if (k.yumaPass(exact, lastTempo, clippedForBonds, alpha) !== 0) return null;
  normalize(k.ranks, k.n);
  return k.dividendsAndStore(false, exact, newPermits);
}

function reserve(n: number): void {
  stake = growF64(stake, n);
  activeStake = growF64(activeStake, n);
  reg = growF64(reg, n);
  server = growF64(server, n);
  validator = growF64(validator, n);
  combined = growF64(combined, n);
  sumsOld = growF64(sumsOld, n);
  sumsDelta = growF64(sumsDelta, n);
  colMax = growF64(colMax, n);
  permits = growU8(permits, n);
}

/**
 * The sparse (production) epoch on typed arrays and CSR matrices, every grid operation (`grid.ts`) in the generic
 * path's order. `exact = false`: the same values, bit for bit, as the generic float path (`floatArith`);
 * `exact = true`: as the generic fixed path (`fixedArith`, the chain's substrate_fixed) — what `runEpoch` runs for
 * each mode. (The name predates exact mode.)
 */
export function fastFloatEpoch(input: EpochInput, exact = false): EpochResult {
  setExactGrid(exact);
  const n = input.n;
  const p = input.params;
  const ownerUid = input.ownerUid;
  const owner = ownerUid !== null && ownerUid >= 0 && ownerUid < n ? ownerUid : -1;
  reserve(n);

  // Outputs: views of one buffer (u64 vectors first, for alignment).
  const buffer = new ArrayBuffer(36 * n);
  const serverEmission = new BigUint64Array(buffer, 0, n);
  const validatorEmission = new BigUint64Array(buffer, 8 * n, n);
  const emission = new BigUint64Array(buffer, 16 * n, n);
  const stakeWeight = new Uint16Array(buffer, 24 * n, n);
  const consensusU16 = new Uint16Array(buffer, 26 * n, n);
  const incentiveU16 = new Uint16Array(buffer, 28 * n, n);
  const dividendsU16 = new Uint16Array(buffer, 30 * n, n);
  const trustU16 = new Uint16Array(buffer, 32 * n, n);
  const active = new Uint8Array(buffer, 34 * n, n);
  const newPermits = new Uint8Array(buffer, 35 * n, n);

  const lastUpdate = input.lastUpdate;
  const registered = input.blockAtRegistration;
  for (let i = 0; i < n; i++) {
    active[i] = lastUpdate[i]! + p.activityCutoff < input.currentBlock ? 0 : 1;
    reg[i] = registered[i]!;
    permits[i] = input.validatorPermits[i] ? 1 : 0;
  }

  normalizeStake(input, owner, stake);
  topkNonzero(stake, n, p.maxAllowedValidators, newPermits);
  if (owner >= 0) {
    permits[owner] = 1;
    newPermits[owner] = 1;
  }
  for (let i = 0; i < n; i++) activeStake[i] = active[i] && permits[i] ? stake[i]! : 0;
  normalize(activeStake, n);

  voters.build(activeStake, n);
  let bondsEntries = 0;
  // Rows the Yuma3 pass may keep dense (entries for at least a quarter of the columns; filtering only removes).
  let denseRows = 0;
  for (let i = 0; i < n; i++) {
    const b = input.bonds[i]?.cols.length ?? 0;
    bondsEntries += b;
    if (4 * ((permits[i] ? (input.weights[i]?.cols.length ?? 0) : 0) + b) >= n) denseRows++;
  }
  const entries = weightsEntries(input, permits);
  const k = new KernelMemory(
    n,
    voters.count,
    entries,
    bondsEntries,
    entries + bondsEntries,
    !p.yuma3Enabled,
    denseRows,
  );
  k.activeStake.set(activeStake.subarray(0, n));
  k.reg.set(reg.subarray(0, n));
  const { weights, consensus, trust, colSum: sums, dividends } = k;
  const incentive = k.ranks;
  const rowsSorted = k.loadWeights(input, permits, owner, voters.pos, exact);
  if (voters.count === 0) consensus.fill(0);
  else k.median(voters.stake, voters.stakeSum, voters.stakeSum - u16p(p.kappa));

  // Bonds and dividends: the fused kernels when every weights and bonds row is strictly increasing (as the chain and
  // the epoch store them) and the bonds penalty is 0 or 1; otherwise the general kernels, step by step.
  const ratio = u16p(p.bondsPenalty);
  const fused = rowsSorted && (ratio === 0 || ratio === 1);
  const lastTempo =
    input.lastMechanismStepBlock === 0 ? Math.max(0, input.currentBlock - p.tempo) : input.lastMechanismStepBlock + 1;
  const alpha = emaAlpha(p.bondsMovingAverage, exact);
  let bonds: SparseRowU16[] | null;
  if (p.yuma3Enabled) {
    let anyConsensus = false;
    for (let j = 0; j < n; j++) if (consensus[j] !== 0) anyConsensus = true;
    const liquid = p.liquidAlphaEnabled && anyConsensus;
    const low = u16p(p.alphaLow);
    const high = u16p(p.alphaHigh);
    const cf = ratio === 1 ? 1 : 0;
    // The WebAssembly pass first; when it declines (an unsorted bonds row, a value beyond the fast grid range) the
    // JavaScript one, then the general kernels.
    let inWasm = false;
    if (fused && wasmBonds) {
      k.loadBonds(input.bonds);
      const steep = gdiv(p.alphaSigmoidSteepness, -100);
      const atZero = liquid ? alphaOf(0, steep, low, high) : 0;
      inWasm = k.yuma3Pass(exact, lastTempo, cf, liquid, alpha, low, high, steep, atZero) === 0;
    }
    const ema = k.ema;
    const pass = {
      n,
      bonds: input.bonds,
      lastTempo,
      reg,
      consensus,
      activeStake,
      clippedForBonds: cf,
      liquid,
      alpha,
      low,
      high,
      steepness: p.alphaSigmoidSteepness,
    };
    if (!inWasm && !(fused && yuma3Pass(pass, weights, trust, incentive, ema, sums))) {
      const forBonds = weightsForBonds(k, ratio, n);
      loadBonds(input, lastTempo, reg, true, oldBonds);
      if (liquid) matEmaLiquid(forBonds, oldBonds, n, consensus, low, high, p.alphaSigmoidSteepness, ema);
      else matEma(forBonds, oldBonds, n, alpha, ema);
      colSums(ema, n, sums);
    }
    normalize(incentive, n);
    bonds = inWasm ? k.dividendsAndStore(true, exact, newPermits, wasmDividends) : null;
    bonds ??= yuma3DividendsAndStore(ema, n, sums, incentive, activeStake, newPermits, dividends);
  } else {
    // The WebAssembly passes first; when they decline (an unsorted bonds row, a value beyond the fast grid range)
    // the JavaScript ones, then the general kernels.
    bonds = fused && wasmBonds ? wasmYuma(k, exact, input, lastTempo, ratio === 1, alpha, newPermits) : null;
    if (bonds === null && fused && loadRawBonds(input, lastTempo, reg, oldBonds, sumsOld)) {
      clipDelta(weights, n, consensus, activeStake, ratio === 1, trust, incentive, delta, sumsDelta);
      emaMerge(delta, sumsDelta, oldBonds, sumsOld, n, alpha, yumaEma, sums, colMax);
      normalize(incentive, n);
      bonds = normalizeStoreEma(yumaEma, n, sums, colMax, incentive, newPermits, dividends);
    } else if (bonds === null) {
      const forBonds = weightsForBonds(k, ratio, n);
      normalize(incentive, n);
      loadBonds(input, lastTempo, reg, false, oldBonds);
      yumaBonds(forBonds, oldBonds, n, activeStake, alpha, delta, yumaEma, sums);
      matmulTranspose(yumaEma, n, incentive, dividends);
      colMaxima(yumaEma, n, colMax);
      bonds = storeBonds(yumaEma, n, newPermits, colMax);
    }
    normalize(dividends, n);
  }

  emissionShares(n, incentive, dividends, stake, activeStake, server, validator, combined);
  toRao(server, n, input.raoEmission, serverEmission);
  toRao(validator, n, input.raoEmission, validatorEmission);
  toRao(combined, n, input.raoEmission, emission);
  toU16(stake, n, stakeWeight);
  toU16(consensus, n, consensusU16);
  toU16(incentive, n, incentiveU16);
  toU16(dividends, n, dividendsU16);
  toU16(trust, n, trustU16);

  return {
    active,
    stakeWeight,
    consensus: consensusU16,
    incentive: incentiveU16,
    dividends: dividendsU16,
    validatorTrust: trustU16,
    serverEmission,
    validatorEmission,
    emission,
    newValidatorPermits: newPermits,
    bonds,
  };
}
