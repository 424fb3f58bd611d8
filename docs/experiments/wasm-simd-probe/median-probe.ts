// The consensus median of a 64 × 256 subnet in JavaScript (consensusColumnsJs) and in the kernel's WebAssembly
// (sim/consensus/assembly/kernel.wasm, called directly): checks identical results, then times both interleaved
// (minimum of batches of 20). Run from the project root: node --import tsx docs/experiments/wasm-simd-probe/median-probe.ts
import { readFileSync } from 'node:fs';
import seedrandom from 'seedrandom';
import { consensusColumnsJs as consensusColumns, Voters } from '../../../sim/consensus/fastFloatMedian.ts';
const rng = seedrandom('m');
const nv = 64, n = 256;
const v = new Voters();
const st = new Float64Array(n).map((_, i) => (i < nv ? Math.floor((0.1 + rng()) * 2 ** 26) / 2 ** 32 : 0));
v.build(st, n);
const q = Array.from({ length: n }, () => rng());
const sc = new Float64Array(n * nv);
for (let j = 0; j < n; j++) for (let k = 0; k < nv; k++) sc[j * nv + k] = Math.floor(Math.max(0, q[j]! + (rng() - 0.5) * 0.2) / 128 * 2 ** 32) / 2 ** 32;
const kappa = 32767 / 65535;
const { instance } = await WebAssembly.instantiate(readFileSync(new URL('../../../sim/consensus/assembly/kernel.wasm', import.meta.url)), { env: { abort: () => { throw new Error('abort'); }, alphaOf: () => 0 } }); // alphaOf: the Yuma3 pass's import, unused here
const ex = instance.exports as any;
ex.memory.grow(8); // the module starts without memory pages
const mem = new Float64Array(ex.memory.buffer);
const B = 65536, SC = B, STK = B + 131072, OUT = STK + 1024, H = OUT + 4096, BO = H + 8192, BS = BO + 4096;
mem.set(sc, SC / 8); mem.set(v.stake.subarray(0, nv), STK / 8);
const minority = v.stakeSum - kappa;
const o1 = new Float64Array(n);
const fns = { js: () => consensusColumns(sc, n, v, kappa, o1), wasm: () => ex.consensus(SC, n, nv, STK, v.stakeSum, minority, OUT, H, BO, BS) };
fns.js(); fns.wasm();
console.log('equal', o1.every((x, j) => x === mem[OUT / 8 + j]));
for (let r = 0; r < 500; r++) { fns.js(); fns.wasm(); }
const best: Record<string, number> = { js: Infinity, wasm: Infinity };
const t0 = performance.now();
while (performance.now() - t0 < 5000) for (const [k, f] of Object.entries(fns)) { const t = performance.now(); for (let r = 0; r < 20; r++) f(); best[k] = Math.min(best[k]!, (performance.now() - t) * 50); }
console.log(Object.fromEntries(Object.entries(best).map(([k, x]) => [k, x.toFixed(1) + ' µs'])));
