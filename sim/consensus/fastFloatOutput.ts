import type { Csr } from './fastFloatBuffers.ts';
import { gdiv } from './grid.ts';
import type { SparseRowU16 } from './types.ts';

// Kernel loops index arrays within their bounds: `a[i]!` there is a bounds-known read, not a guess.

/** `fixed_proportion_to_u16` as floatArith.toU16Proportion. */
export function toU16(xs: Float64Array, n: number, out: Uint16Array): void {
  for (let i = 0; i < n; i++) {
    const v = Math.floor(xs[i]! * 65535);
    out[i] = v < 0 ? 0 : v > 65535 ? 65535 : v;
  }
}

const U64_MAX = (1n << 64n) - 1n;
const TWO_POW_52 = 1n << 52n;

/**
 * floatArith.toRao: floor(floor(x·2^32) · rao / 2^32) as u64. With k = floor(x·2^32) < 2^33 and rao < 2^52 the
 * product is formed exactly in doubles from 16/32-bit pieces (every partial product < 2^53, the result < 2^53) and
 * written as its two 32-bit halves through a view of the output's buffer (no BigInt per value); otherwise in bigint
 * as the generic path does.
 */
export function toRao(xs: Float64Array, n: number, rao: bigint, out: BigUint64Array): void {
  const small = rao >= 0n && rao < TWO_POW_52;
  const r = Number(rao);
  const rh = Math.floor(r / 4294967296);
  const rl = r - rh * 4294967296;
  const words = new Uint32Array(out.buffer, out.byteOffset, 2 * out.length);
  const lo = LITTLE_ENDIAN ? 0 : 1;
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    let v = 0;
    if (x > 0) {
      const k = Math.floor(x * 4294967296);
      if (!(small && k < 8589934592)) {
        const big = (BigInt(k) * rao) >> 32n;
        out[i] = big > U64_MAX ? U64_MAX : big;
        continue;
      }
      const kh = Math.floor(k / 65536);
      const kl = k - kh * 65536;
      const a = kh * rl;
      const ah = Math.floor(a / 65536);
      const al = a - ah * 65536;
      v = k * rh + ah + Math.floor((al * 65536 + kl * rl) / 4294967296);
    }
    const high = Math.floor(v / 4294967296);
    words[2 * i + lo] = v - high * 4294967296;
    words[2 * i + 1 - lo] = high;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Emission shares (epoch.ts "Emission"): incentive + dividends, by their sum, or when that is zero all to
 * validators by active stake (by stake when no active stake). Writes the server, validator and combined shares.
 */
export function emissionShares(
  n: number,
  incentive: Float64Array,
  dividends: Float64Array,
  stake: Float64Array,
  activeStake: Float64Array,
  server: Float64Array,
  validator: Float64Array,
  combined: Float64Array,
): void {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = incentive[i]! + dividends[i]!;
    combined[i] = c;
    total += c;
  }
  if (total !== 0) {
    for (let i = 0; i < n; i++) {
      server[i] = gdiv(incentive[i]!, total);
      validator[i] = gdiv(dividends[i]!, total);
      combined[i] = gdiv(combined[i]!, total);
    }
    return;
  }
  let active = 0;
  for (let i = 0; i < n; i++) active += activeStake[i]!;
  const by = active === 0 ? stake : activeStake;
  server.set(incentive.subarray(0, n));
  validator.set(by.subarray(0, n));
  combined.set(by.subarray(0, n));
}

export const EMPTY_ROW: SparseRowU16 = { cols: new Uint16Array(0), vals: new Uint16Array(0) };

/** How many entries the bonds storage holds: those of the rows of uids with a new permit (the only rows stored). */
export function storageSize(start: Int32Array, n: number, newPermits: Uint8Array): number {
  let size = 0;
  for (let i = 0; i < n; i++) if (newPermits[i]) size += start[i + 1]! - start[i]!;
  return size;
}

/**
 * The bonds storage's buffer for an epoch: the stored rows' columns in its first half and values in its second,
 * each half `size` (storageSize) entries long. Returns the buffer and `size`.
 */
export function storageBuffer(
  start: Int32Array,
  n: number,
  newPermits: Uint8Array,
): { buf: Uint16Array; size: number } {
  const size = storageSize(start, n, newPermits);
  return { buf: new Uint16Array(2 * size), size };
}

/** The stored row of `len` entries at offset `at` of a storage buffer (views, no copy). */
export function storedRow(buf: Uint16Array, size: number, at: number, len: number): SparseRowU16 {
  // Views through the constructor, not `subarray` (which looks up a species constructor: ≈ 3× the cost, and the
  // epoch makes two views per row).
  const offset = buf.byteOffset + 2 * at;
  return { cols: new Uint16Array(buf.buffer, offset, len), vals: new Uint16Array(buf.buffer, offset + 2 * size, len) };
}

/** The stored rows of a storage buffer filled row by row (rows of uids with a new permit; the others empty). */
export function storedRows(
  buf: Uint16Array,
  size: number,
  start: Int32Array,
  n: number,
  newPermits: Uint8Array,
): SparseRowU16[] {
  const rows: SparseRowU16[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    if (!newPermits[i]) {
      rows.push(EMPTY_ROW);
      continue;
    }
    const len = start[i + 1]! - start[i]!;
    rows.push(storedRow(buf, size, at, len));
    at += len;
  }
  return rows;
}

/**
 * The bonds storage after the sparse epoch: rows of uids with a new permit as (col, floor(x·65535)), with the
 * values first divided by their column's maximum when `colMax` is given (original Yuma's col-max upscale); every
 * other row empty. The rows are views of one buffer per call.
 */
export function storeBonds(m: Csr, n: number, newPermits: Uint8Array, colMax: Float64Array | null): SparseRowU16[] {
  const { start, col, val } = m;
  const { buf, size } = storageBuffer(start, n, newPermits);
  const rows: SparseRowU16[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const s = start[i]!;
    const len = start[i + 1]! - s;
    if (!newPermits[i]) {
      rows.push(EMPTY_ROW);
      continue;
    }
    for (let k = 0; k < len; k++) {
      const j = col[s + k]!;
      let x = val[s + k]!;
      if (colMax !== null) {
        const d = colMax[j]!;
        if (d !== 0) x = gdiv(x, d);
      }
      const v = Math.floor(x * 65535);
      buf[at + k] = j;
      buf[size + at + k] = v < 0 ? 0 : v > 65535 ? 65535 : v;
    }
    rows.push(storedRow(buf, size, at, len));
    at += len;
  }
  return rows;
}

/** Column maxima as `columnFold` with `acc < v ? v : acc` from 0. */
export function colMaxima(m: Csr, n: number, out: Float64Array): void {
  out.fill(0, 0, n);
  const { col, val } = m;
  const end = m.start[n]!;
  for (let e = 0; e < end; e++) {
    const j = col[e]!;
    const v = val[e]!;
    if (out[j]! < v) out[j] = v;
  }
}
