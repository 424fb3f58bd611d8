import { readFileSync } from 'node:fs';

/**
 * The consensus median compiled to WebAssembly (assembly/median.ts → assembly/median.wasm, `npm run build:wasm`):
 * the same operations as fastFloatMedian.ts's JavaScript, ≈ 1.7× faster at 64 × 256. Its memory holds the score
 * matrix itself (the weights loader writes into a view of it), the voters' stakes, the output and the selection's
 * scratch; the memory grows when a subnet needs more, and views are taken afresh on every call (a grown memory
 * detaches the old ones).
 *
 * Layout (bytes, from BASE, above the module's own data): scores n·nv doubles, stakes nv, output n, the selection's
 * three slots 6·nv + 2 doubles, bucket of each voter nv int32, bucket stakes 32 doubles.
 */
/** The part of the WebAssembly API used here (Node 20's type definitions do not declare it). */
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: unknown };
}
const { Module, Instance } = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface Exports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
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
}

const BASE = 65536;
const PAGE = 65536;

const bytes = readFileSync(new URL('./assembly/median.wasm', import.meta.url));
const wasm = new Instance(new Module(bytes), {
  env: {
    abort: () => {
      throw new Error('median.wasm aborted');
    },
  },
}).exports as unknown as Exports;

interface Layout {
  readonly stake: number;
  readonly out: number;
  readonly h: number;
  readonly bucketOf: number;
  readonly bucketStake: number;
}

function layout(n: number, nv: number): Layout {
  const stake = BASE + 8 * n * nv;
  const out = stake + 8 * nv;
  const h = out + 8 * n;
  const bucketOf = h + 8 * (6 * nv + 2);
  const bucketStake = bucketOf + 8 * Math.ceil(nv / 2);
  const end = bucketStake + 8 * 32;
  const have = wasm.memory.buffer.byteLength;
  if (end > have) wasm.memory.grow(Math.ceil((end - have) / PAGE));
  return { stake, out, h, bucketOf, bucketStake };
}

/** The score matrix (column j at j·nv), zeroed, as a view of the module's memory: valid until the next call here. */
export function wasmScoreMatrix(n: number, nv: number): Float64Array {
  layout(n, nv);
  const scores = new Float64Array(wasm.memory.buffer, BASE, n * nv);
  scores.fill(0);
  return scores;
}

/**
 * consensusColumns in WebAssembly: `out[j]` = the column's stake-weighted median at `minority`. `scores` is copied
 * into the module's memory unless it is the view `wasmScoreMatrix` returned.
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
  const at = layout(n, nv);
  const buffer = wasm.memory.buffer;
  if (scores.buffer !== buffer || scores.byteOffset !== BASE)
    new Float64Array(buffer, BASE, n * nv).set(scores.subarray(0, n * nv));
  new Float64Array(buffer, at.stake, nv).set(stake.subarray(0, nv));
  wasm.consensus(BASE, n, nv, at.stake, stakeSum, minority, at.out, at.h, at.bucketOf, at.bucketStake);
  out.set(new Float64Array(buffer, at.out, n));
}
