// Reads and writes of the kernel memory's regions (byte offsets chosen by wasmKernel.ts), by element index.
@inline export function f64At(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline export function setF64(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
@inline export function i32At(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline export function setI32(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }
@inline export function u16At(p: usize, i: i32): i32 { return <i32>load<u16>(p + (<usize>i << 1)); }
@inline export function setU16(p: usize, i: i32, v: u32): void { store<u16>(p + (<usize>i << 1), <u16>v); }

/**
 * One entry of the bonds storage (a buffer of `size` columns, then `size` values): column j at `pos` and
 * floor(x·65535) clamped to [0, 65535] (NaN to 0, as a Uint16Array store of NaN; the saturating truncation of the
 * floor does the lower end) `size` entries further.
 */
@inline export function storeBond(store: usize, size: i32, pos: i32, j: i32, x: f64): void {
  const u = <i32>Math.floor(x * 65535);
  setU16(store, pos, <u32>j);
  setU16(store, size + pos, <u32>(u > 65535 ? 65535 : u < 0 ? 0 : u));
}
