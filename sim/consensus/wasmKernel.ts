import { readFileSync } from 'node:fs';
import { Csr } from './fastFloatBuffers.ts';
import { alphaOf } from './fastFloatLiquid.ts';
import { storageSize, storedRows } from './fastFloatOutput.ts';
import type { EpochInput, SparseMatrixU16, SparseRowU16 } from './types.ts';

/**
 * The epoch kernel's WebAssembly (assembly/*.ts → assembly/kernel.wasm, `npm run build:wasm`): the weights loader, the
 * consensus median and the fused bonds and dividends passes of both Yumas — the same operations as their JavaScript
 * twins (fastFloatMedian.ts, fastFloatYuma3.ts, fastFloatDividends.ts, fastFloatYuma.ts) in the same order, so the
 * same doubles (tested; the twins are the fallback when a WebAssembly pass declines).
 *
 * One memory holds what these passes read and write: each epoch lays it out once (`new KernelMemory`, growing the
 * memory when a subnet needs more), and the JavaScript kernel works on views of it — the weights loader writes the
 * weights and the score matrix where the median and the bonds passes read them, and the per-uid vectors the passes
 * share (consensus, trust, ranks, column sums, dividends) live there. Views are only valid until the next layout (a
 * grown memory detaches them, and a new layout moves the regions), so none outlives the epoch that took it.
 */
/** The part of the WebAssembly API used here (Node 20's type definitions do not declare it). */
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: unknown };
}
const { Module, Instance } = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface Exports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  setGrid(exact: number): void;
  consensus(
    sc: number,
    n: number,
    nv: number,
    stake: number,
    stakeSum: number,
    minority: number,
    out: number,
    h: number,
    bucketOf: number,
    bucketStake: number,
  ): void;
  loadWeights(...args: number[]): number;
  yuma3Pass(...args: number[]): number;
  gridMul(a: number, b: number): number;
  gridMul2(a0: number, a1: number, b0: number, b1: number, out: number): void;
  gridDiv2(a0: number, a1: number, b0: number, b1: number, out: number): void;
  gridDivBy(a: number, b: number): number;
  gridDiv(a: number, b: number): number;
  gridU16(v: number): number;
  yuma3Dividends(...args: number[]): number;
  yuma3DenseToCsr(...args: number[]): void;
  yumaPass(...args: number[]): number;
  yumaDividends(...args: number[]): number;
}

const PAGE = 65536;

const bytes = readFileSync(new URL('./assembly/kernel.wasm', import.meta.url));
const wasm = new Instance(new Module(bytes), {
  env: {
    abort: () => {
      throw new Error('kernel.wasm aborted');
    },
    alphaOf,
  },
}).exports as unknown as Exports;

/** Byte offsets of regions laid out one after the other, each rounded up to 8 bytes. */
class Layout {
  end = 0;
  take(bytes: number): number {
    const at = this.end;
    this.end += Math.ceil(bytes / 8) * 8;
    return at;
  }
  /** A region of `count` doubles (bound: passed around as a function). */
  readonly doubles = (count: number): number => this.take(8 * count);
}

/**
 * One epoch's regions of the kernel memory, for n uids, nv voters, up to `weightsCap` weights entries, `bondsCap`
 * stored bonds entries and `emaCap` EMA bonds entries. Float regions first, then int32, then 16- and 8-bit ones.
 * Original Yuma's regions (its raw bonds, ΔB, their column sums, the EMA's column maxima, a second reciprocals
 * region) are laid out only with `original`. The Yuma3 pass works two columns at a time and packs its rows without
 * a branch: consensus, ranks and column sums have a padding double past n, the EMA bonds one entry past the cap,
 * and `rows` is its dense scratch; its rows with many entries stay dense (`dense`: `denseRows` rows of np doubles,
 * an upper bound the caller counts; `slots`: each row's index there or −1) for the Yuma3 dividends.
 */
export class KernelMemory {
  readonly n: number;
  readonly nv: number;
  private readonly at: {
    readonly scores: number;
    readonly stake: number;
    readonly h: number;
    readonly bucketOf: number;
    readonly bucketStake: number;
    readonly consensus: number;
    readonly activeStake: number;
    readonly reg: number;
    readonly trust: number;
    readonly ranks: number;
    readonly colSum: number;
    readonly rows: number;
    readonly dense: number;
    readonly slots: number;
    readonly colSumB: number;
    readonly colSumD: number;
    readonly colMax: number;
    readonly oVal: number;
    readonly dVal: number;
    readonly oStart: number;
    readonly oCol: number;
    readonly dStart: number;
    readonly dCol: number;
    readonly dividends: number;
    readonly recip: number;
    readonly recip2: number;
    readonly lastUpdate: number;
    readonly commit: number;
    readonly wVal: number;
    readonly eVal: number;
    readonly wStart: number;
    readonly wCol: number;
    readonly eStart: number;
    readonly eCol: number;
    readonly pos: number;
    readonly rStart: number;
    readonly rCol: number;
    readonly rVal: number;
    readonly bStart: number;
    readonly bCol: number;
    readonly bVal: number;
    readonly store: number;
    readonly keep: number;
    readonly permits: number;
    readonly newPermits: number;
  };
  /** The column-major score matrix of the median (column j at j·nv), zeroed. */
  readonly scores: Float64Array;
  readonly consensus: Float64Array;
  readonly activeStake: Float64Array;
  readonly reg: Float64Array;
  readonly trust: Float64Array;
  /** Ranks, then incentive. */
  readonly ranks: Float64Array;
  readonly colSum: Float64Array;
  readonly dividends: Float64Array;
  readonly newPermits: Uint8Array;
  /** The epoch's weights and EMA bonds (CSR views: `reserve` within the caps keeps them in place). */
  readonly weights: Csr;
  readonly ema: Csr;
  private readonly bStart: Int32Array;
  private readonly bCol: Uint16Array;
  private readonly bVal: Uint16Array;
  private readonly rStart: Int32Array;
  private readonly rCol: Uint16Array;
  private readonly rVal: Uint16Array;

  constructor(
    n: number,
    nv: number,
    weightsCap: number,
    bondsCap: number,
    emaCap: number,
    original = false,
    denseRows = 0,
  ) {
    this.n = n;
    this.nv = nv;
    const l = new Layout();
    const f64 = l.doubles;
    this.at = {
      scores: f64(n * nv),
      stake: f64(nv),
      h: f64(6 * nv + 2),
      bucketOf: l.take(4 * nv),
      bucketStake: f64(32),
      consensus: f64(n + 1),
      activeStake: f64(n),
      reg: f64(n),
      trust: f64(n),
      ranks: f64(n + 1),
      colSum: f64(n + 1),
      rows: f64(4 * (n + (n & 1))),
      dense: f64(original ? 0 : denseRows * (n + (n & 1))),
      colSumB: f64(original ? n + 1 : 0),
      colSumD: f64(original ? n + 1 : 0),
      colMax: f64(original ? n + 1 : 0),
      oVal: f64(original ? bondsCap : 0),
      dVal: f64(original ? weightsCap : 0),
      dividends: f64(n),
      recip: f64(n),
      recip2: f64(original ? n : 0),
      lastUpdate: f64(n),
      commit: f64(n),
      wVal: f64(weightsCap),
      eVal: f64(emaCap + 1),
      wStart: l.take(4 * (n + 1)),
      wCol: l.take(4 * weightsCap),
      eStart: l.take(4 * (n + 1)),
      slots: l.take(4 * n),
      eCol: l.take(4 * (emaCap + 1)),
      pos: l.take(4 * n),
      oStart: l.take(original ? 4 * (n + 1) : 0),
      oCol: l.take(original ? 4 * bondsCap : 0),
      dStart: l.take(original ? 4 * (n + 1) : 0),
      dCol: l.take(original ? 4 * weightsCap : 0),
      rStart: l.take(4 * (n + 1)),
      rCol: l.take(2 * weightsCap),
      rVal: l.take(2 * weightsCap),
      bStart: l.take(4 * (n + 1)),
      bCol: l.take(2 * bondsCap),
      bVal: l.take(2 * bondsCap),
      store: l.take(4 * emaCap),
      keep: l.take(n),
      permits: l.take(n),
      newPermits: l.take(n),
    };
    const have = wasm.memory.buffer.byteLength;
    if (l.end > have) wasm.memory.grow(Math.ceil((l.end - have) / PAGE));
    const buffer = wasm.memory.buffer;
    const at = this.at;
    this.scores = new Float64Array(buffer, at.scores, n * nv);
    this.scores.fill(0);
    this.consensus = new Float64Array(buffer, at.consensus, n);
    this.activeStake = new Float64Array(buffer, at.activeStake, n);
    this.reg = new Float64Array(buffer, at.reg, n);
    this.trust = new Float64Array(buffer, at.trust, n);
    this.ranks = new Float64Array(buffer, at.ranks, n);
    this.colSum = new Float64Array(buffer, at.colSum, n);
    this.dividends = new Float64Array(buffer, at.dividends, n);
    this.newPermits = new Uint8Array(buffer, at.newPermits, n);
    this.weights = new Csr(
      new Int32Array(buffer, at.wStart, n + 1),
      new Int32Array(buffer, at.wCol, weightsCap),
      new Float64Array(buffer, at.wVal, weightsCap),
    );
    this.ema = new Csr(
      new Int32Array(buffer, at.eStart, n + 1),
      new Int32Array(buffer, at.eCol, emaCap),
      new Float64Array(buffer, at.eVal, emaCap),
    );
    this.rStart = new Int32Array(buffer, at.rStart, n + 1);
    this.rCol = new Uint16Array(buffer, at.rCol, weightsCap);
    this.rVal = new Uint16Array(buffer, at.rVal, weightsCap);
    this.bStart = new Int32Array(buffer, at.bStart, n + 1);
    this.bCol = new Uint16Array(buffer, at.bCol, bondsCap);
    this.bVal = new Uint16Array(buffer, at.bVal, bondsCap);
  }

  /** The consensus median of every column into `consensus` (voters' stakes `stake`, minority = stakeSum − κ). */
  median(stake: Float64Array, stakeSum: number, minority: number): void {
    const at = this.at;
    new Float64Array(wasm.memory.buffer, at.stake, this.nv).set(stake.subarray(0, this.nv));
    wasm.consensus(
      at.scores,
      this.n,
      this.nv,
      at.stake,
      stakeSum,
      minority,
      at.consensus,
      at.h,
      at.bucketOf,
      at.bucketStake,
    );
  }

  /** Copy the stored bonds rows 0..n-1 in (absent rows are empty); they must fit the `bondsCap` of the layout. */
  loadBonds(rows: SparseMatrixU16): void {
    copyRows(rows, this.n, null, this.bStart, this.bCol, this.bVal);
  }

  /**
   * weights.ts `epochWeights` (assembly/weights.ts) into `weights` and the score matrix: rows of uids with a permit
   * (`permits`; they must fit the `weightsCap` of the layout), `pos` the voter index of each uid or -1. Returns
   * whether every row is strictly increasing in its columns.
   */
  loadWeights(input: EpochInput, permits: Uint8Array, owner: number, pos: Int32Array, exact: boolean): boolean {
    const n = this.n;
    const at = this.at;
    const buffer = wasm.memory.buffer;
    copyRows(input.weights, n, permits, this.rStart, this.rCol, this.rVal);
    new Uint8Array(buffer, at.permits, n).set(permits.subarray(0, n));
    new Int32Array(buffer, at.pos, n).set(pos.subarray(0, n));
    const lastUpdate = new Float64Array(buffer, at.lastUpdate, n);
    const commit = new Float64Array(buffer, at.commit, n);
    const commitBlocks = input.params.commitRevealEnabled ? input.commitBlocks : undefined;
    for (let i = 0; i < n; i++) {
      lastUpdate[i] = input.lastUpdate[i]!;
      commit[i] = commitBlocks ? (commitBlocks[i] ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
    }
    wasm.setGrid(exact ? 1 : 0);
    const status = wasm.loadWeights(
      n,
      at.rStart,
      at.rCol,
      at.rVal,
      at.permits,
      at.lastUpdate,
      at.commit,
      at.reg,
      owner,
      at.pos,
      this.nv,
      at.wStart,
      at.wCol,
      at.wVal,
      at.scores,
    );
    if (status === 2) throw new Error('kernel.wasm: a weights quotient beyond the grid range');
    return status === 0;
  }

  /**
   * fastFloatYuma3.ts `yuma3Pass` on the loaded weights and bonds (the consensus, active stake and registrations
   * in this memory): 0 done, 1 a kept bonds row is not strictly increasing, 2 a grid operation left the fast range
   * (in both cases nothing usable is written: run the JavaScript kernels).
   */
  yuma3Pass(
    exact: boolean,
    lastTempo: number,
    clippedForBonds: number,
    liquid: boolean,
    alpha: number,
    low: number,
    high: number,
    k: number,
    alphaAtZero: number,
  ): number {
    const at = this.at;
    wasm.setGrid(exact ? 1 : 0);
    return wasm.yuma3Pass(
      this.n,
      at.wStart,
      at.wCol,
      at.wVal,
      at.bStart,
      at.bCol,
      at.bVal,
      lastTempo,
      at.reg,
      at.keep,
      at.consensus,
      at.activeStake,
      clippedForBonds,
      liquid ? 1 : 0,
      alpha,
      low,
      high,
      k,
      alphaAtZero,
      at.trust,
      at.ranks,
      at.eStart,
      at.eCol,
      at.eVal,
      at.colSum,
      at.rows,
      at.slots,
      at.dense,
    );
  }

  /**
   * Original Yuma's fused bonds (fastFloatYuma.ts loadRawBonds, clipDelta, emaMerge) on the loaded weights and
   * bonds, into trust, ranks and the EMA bonds (`ema`) with their column sums and maxima: 0 done, 1 a filtered
   * bonds row is not strictly increasing, 2 a grid operation left the fast range (then nothing usable is written).
   */
  yumaPass(exact: boolean, lastTempo: number, clippedForBonds: boolean, alpha: number): number {
    const at = this.at;
    wasm.setGrid(exact ? 1 : 0);
    return wasm.yumaPass(
      this.n,
      at.wStart,
      at.wCol,
      at.wVal,
      at.bStart,
      at.bCol,
      at.bVal,
      lastTempo,
      at.reg,
      at.consensus,
      at.activeStake,
      clippedForBonds ? 1 : 0,
      alpha,
      at.trust,
      at.ranks,
      at.oStart,
      at.oCol,
      at.oVal,
      at.colSumB,
      at.dStart,
      at.dCol,
      at.dVal,
      at.colSumD,
      at.eStart,
      at.eCol,
      at.eVal,
      at.colSum,
      at.colMax,
      at.recip,
      at.recip2,
      at.rows,
    );
  }

  /**
   * The dividends and the bonds storage after `yumaPass` or `yuma3Pass` (ranks holding the normalised incentive):
   * fastFloatYuma.ts `normalizeStoreEma` (original Yuma: dividends not yet normalised) or fastFloatDividends.ts
   * `yuma3DividendsAndStore` (normalised) into `dividends`, and the stored rows (uids with a new permit) as views of
   * one buffer. Null when a grid operation left the fast range, or when `run` is false (a test's switch): then the
   * EMA bonds' CSR is complete (dense rows written in) for the JavaScript.
   */
  dividendsAndStore(yuma3: boolean, exact: boolean, newPermits: Uint8Array, run = true): SparseRowU16[] | null {
    const at = this.at;
    const n = this.n;
    if (!run) {
      if (yuma3) wasm.yuma3DenseToCsr(n, at.eStart, at.eCol, at.eVal, at.slots, at.dense);
      return null;
    }
    this.newPermits.set(newPermits.subarray(0, n));
    const size = storageSize(this.ema.start, n, newPermits);
    wasm.setGrid(exact ? 1 : 0);
    const status = (yuma3 ? wasm.yuma3Dividends : wasm.yumaDividends)(
      n,
      at.eStart,
      at.eCol,
      at.eVal,
      at.colSum,
      at.ranks,
      yuma3 ? at.activeStake : at.colMax,
      at.newPermits,
      at.dividends,
      at.store,
      size,
      at.recip,
      // Yuma3 takes the dense rows' slots and region; original Yuma its second reciprocals (and no 14th argument).
      yuma3 ? at.slots : at.recip2,
      at.dense,
    );
    if (status !== 0) {
      if (yuma3) wasm.yuma3DenseToCsr(n, at.eStart, at.eCol, at.eVal, at.slots, at.dense); // for the JavaScript
      return null;
    }
    const buf = new Uint16Array(wasm.memory.buffer, at.store, 2 * size).slice(); // a copy the epoch's result owns
    return storedRows(buf, size, this.ema.start, n, newPermits);
  }
}

/** Rows 0..n-1 of a sparse u16 matrix as CSR (rows not in `include`, when given, and absent rows empty). */
function copyRows(
  rows: SparseMatrixU16,
  n: number,
  include: Uint8Array | null,
  start: Int32Array,
  cols: Uint16Array,
  vals: Uint16Array,
): void {
  let at = 0;
  for (let r = 0; r < n; r++) {
    start[r] = at;
    const row = rows[r];
    if (row && row.cols.length > 0 && (include === null || include[r])) {
      const len = row.cols.length;
      cols.set(row.cols, at);
      vals.set(row.vals.length === len ? row.vals : row.vals.subarray(0, len), at); // no view made per row
      at += len;
    }
  }
  start[n] = at;
}

function lanes(
  op: (a0: number, a1: number, b0: number, b1: number, out: number) => void,
  a0: number,
  a1: number,
  b0: number,
  b1: number,
  exact: boolean,
): [number, number] {
  wasm.setGrid(exact ? 1 : 0);
  if (wasm.memory.buffer.byteLength < 16) wasm.memory.grow(1);
  op(a0, a1, b0, b1, 0);
  const out = new Float64Array(wasm.memory.buffer, 0, 2);
  return [out[0]!, out[1]!];
}

/** The WebAssembly's grid operations (assembly/grid.ts), for tests against grid.ts. */
export const wasmGrid = {
  mul(a: number, b: number, exact: boolean): number {
    wasm.setGrid(exact ? 1 : 0);
    return wasm.gridMul(a, b);
  },
  /** The two-lane (SIMD) product: [a0·b0, a1·b1]. */
  mul2(a0: number, a1: number, b0: number, b1: number, exact: boolean): [number, number] {
    return lanes(wasm.gridMul2, a0, a1, b0, b1, exact);
  },
  /** a/b through the reciprocal of b where that truncates alike (gdivBy), else the division. */
  divBy(a: number, b: number, exact: boolean): number {
    wasm.setGrid(exact ? 1 : 0);
    return wasm.gridDivBy(a, b);
  },
  /** The two-lane (SIMD) quotient: [a0/b0, a1/b1]. */
  div2(a0: number, a1: number, b0: number, b1: number, exact: boolean): [number, number] {
    return lanes(wasm.gridDiv2, a0, a1, b0, b1, exact);
  },
  div(a: number, b: number, exact: boolean): number {
    wasm.setGrid(exact ? 1 : 0);
    return wasm.gridDiv(a, b);
  },
  u16(v: number, exact: boolean): number {
    wasm.setGrid(exact ? 1 : 0);
    return wasm.gridU16(v);
  },
};

/**
 * consensusColumns' WebAssembly for a score matrix and output outside a kernel memory (tests, probes): lays one out
 * for the matrix, copies it in and the result out.
 */
export function wasmConsensus(
  scores: Float64Array,
  n: number,
  nv: number,
  stake: Float64Array,
  stakeSum: number,
  minority: number,
  out: Float64Array,
): void {
  const k = new KernelMemory(n, nv, 0, 0, 0);
  k.scores.set(scores.subarray(0, n * nv));
  k.median(stake, stakeSum, minority);
  out.set(k.consensus);
}
