// The epoch kernel's WebAssembly (kernel.wasm, `npm run build:wasm`): the weights loader, the consensus median and
// the fused Yuma3 and original Yuma passes, sharing one memory laid out by wasmKernel.ts; the grid operations are exported for tests.
export { consensus } from './median';
export { setGrid, gridMul, gridMul2, gridDiv, gridDiv2, gridDivBy, gridU16 } from './grid';
export { loadWeights } from './weights';
export { yuma3Pass, yuma3Dividends, yuma3DenseToCsr } from './yuma3';
export { yumaPass, yumaDividends } from './yuma';
