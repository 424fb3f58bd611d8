// The epoch kernel's WebAssembly (kernel.wasm, `npm run build:wasm`): the consensus median and the fused Yuma3 passes,
// sharing one memory laid out by wasmKernel.ts.
export { consensus } from './median';
export { setGrid } from './grid';
export { yuma3Pass, yuma3Dividends } from './yuma3';
