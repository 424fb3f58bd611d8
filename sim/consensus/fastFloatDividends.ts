import type { Csr } from './fastFloatBuffers.ts';
import { EMPTY_ROW, storageBuffer, storedRow } from './fastFloatOutput.ts';
import { gdiv, gmul } from './grid.ts';
import type { SparseRowU16 } from './types.ts';

// Kernel loops index arrays within their bounds: `a[i]!` there is a bounds-known read, not a guess.

/**
 * Yuma3 dividends (bonds.ts `yuma3Dividends`) from the EMA bonds and their column sums, normalised into `out`, and
 * in the same pass the bonds storage: rows of uids with a new permit as (col, floor(b·65535)), the others empty.
 * The per-row sums are of grid values below 2^21, exact in any order (two accumulators).
 */
export function yuma3DividendsAndStore(
  ema: Csr,
  n: number,
  colSum: Float64Array,
  incentive: Float64Array,
  activeStake: Float64Array,
  newPermits: Uint8Array,
  out: Float64Array,
): SparseRowU16[] {
  const { start, col, val } = ema;
  const { buf, size } = storageBuffer(start, n, newPermits);
  const rows: SparseRowU16[] = [];
  let at = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const s = start[i]!;
    const e = start[i + 1]!;
    const stored = newPermits[i] !== 0;
    let s0 = 0;
    let s1 = 0;
    for (let q = s; q < e; q++) {
      const j = col[q]!;
      const v = val[q]!;
      const d = colSum[j]!;
      const x = d !== 0 ? gdiv(v, d) : v;
      const term = gmul(incentive[j]!, x);
      if (q & 1) s1 += term;
      else s0 += term;
      if (stored) {
        const u = Math.floor(v * 65535);
        buf[at + q - s] = j;
        buf[size + at + q - s] = u < 0 ? 0 : u > 65535 ? 65535 : u;
      }
    }
    const dv = gmul(s0 + s1, activeStake[i]!);
    out[i] = dv;
    total += dv;
    if (stored) {
      const len = e - s;
      rows.push(storedRow(buf, size, at, len));
      at += len;
    } else {
      rows.push(EMPTY_ROW);
    }
  }
  if (total !== 0) for (let i = 0; i < n; i++) out[i] = gdiv(out[i]!, total);
  return rows;
}
