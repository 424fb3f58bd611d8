// One dense pass of the epoch kernel (clip by consensus, grid-floored product by stake, column sums) on 64 × 256
// doubles, three ways: plain JavaScript, WebAssembly scalar, WebAssembly SIMD (f64x2), hand-written in probe.wat.
// Checks the three give identical values, then times them interleaved (minimum of batches of 50).
// Run (wabt is not a project dependency): cd docs/experiments/wasm-simd-probe && npm i --no-save wabt@1.0.36 && node probe.mjs
import wabtInit from 'wabt';
import { readFileSync } from 'node:fs';
const wabt = await wabtInit();
const mod = wabt.parseWat('probe.wat', readFileSync('probe.wat', 'utf8'), { simd: true });
const { buffer } = mod.toBinary({});
const { instance } = await WebAssembly.instantiate(buffer);
const { mem, scalar, simd } = instance.exports;
const V = 64, N = 256, G = 4294967296;
const f = new Float64Array(mem.buffer);
const W = 0, OUT = 131072 / 8, C = 262144 / 8, S = 264192 / 8, R = 264704 / 8, CS = 266752 / 8;
for (let k = 0; k < V * N; k++) f[W + k] = Math.floor(Math.random() * 2 ** 24) / G;
for (let j = 0; j < N; j++) f[C + j] = Math.floor(Math.random() * 2 ** 24) / G;
for (let i = 0; i < V; i++) f[S + i] = Math.floor(Math.random() * 2 ** 26) / G;
// JS dense reference on separate arrays (same values)
const w = f.slice(W, W + V * N), c = f.slice(C, C + N), s = f.slice(S, S + V);
const out = new Float64Array(V * N), ranks = new Float64Array(N), cs = new Float64Array(N);
function js() {
  for (let i = 0; i < V; i++) { const si = s[i]; const row = i * N;
    for (let j = 0; j < N; j++) { const v = w[row + j], th = c[j]; const d = Math.floor(si * (v < th ? v : th) * G) / G; out[row + j] = d; ranks[j] += d; cs[j] += d; } }
}
const fns = { js, wasm: () => scalar(V, N), simd: () => simd(V, N) };
for (const [k, fn] of Object.entries(fns)) for (let r = 0; r < 2000; r++) fn();
// check equal outputs
f.fill(0, OUT, OUT + V * N); scalar(V, N); const a = f.slice(OUT, OUT + V * N); simd(V, N); const b = f.slice(OUT, OUT + V * N); js();
console.log('equal', a.every((x, k) => x === b[k] && x === out[k]));
const best = { js: Infinity, wasm: Infinity, simd: Infinity };
const t0 = performance.now();
while (performance.now() - t0 < 6000) for (const [k, fn] of Object.entries(fns)) { const t = performance.now(); for (let r = 0; r < 50; r++) fn(); best[k] = Math.min(best[k], (performance.now() - t) * 20); }
console.log(Object.fromEntries(Object.entries(best).map(([k, v]) => [k, v.toFixed(1) + ' µs'])));
