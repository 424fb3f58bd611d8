import { growF64 } from './fastFloatBuffers.ts';
import { isExactGrid } from './grid.ts';
import type { EpochInput } from './types.ts';

// Kernel loops index arrays within their bounds: `a[i]!` there is a bounds-known read, not a guess.

/**
 * Stake as `floatArith.normalizeStake64` computes it from the epoch's filtered stake: below-threshold stake zeroed
 * (the owner exempt), the sum of the doubles taken in uid order, each value put on the grid by floor((v/sum)·2^32).
 * `(s >> 64) < threshold` is tested as `s < threshold << 64` (the same for a floor shift and an integer threshold).
 */
export function normalizeStake(input: EpochInput, owner: number, out: Float64Array): void {
  const n = input.n;
  const stake = input.stake;
  const limit = input.params.stakeThreshold << 64n;
  if (isExactGrid()) {
    // fixedArith.normalizeStake64: ((s << 64) / Σs) >> 32 = (s << 32) / Σs in I64F64, then to the I32F32 grid.
    let total = 0n;
    for (let i = 0; i < n; i++) {
      const s = stake[i] ?? 0n;
      if (i === owner || s >= limit) total += s;
    }
    // The quotient from doubles when it is safely between two integers: Number() of each bigint and the division
    // each err by at most 2^-53 relatively, so q = (kept/total)·2^32 ≤ 2^32 is within 1.5·10^-6 of the exact one.
    const t = Number(total);
    for (let i = 0; i < n; i++) {
      const s = stake[i] ?? 0n;
      const kept = i === owner || s >= limit ? s : 0n;
      if (total === 0n) out[i] = Number(kept >> 32n) / 4294967296;
      else if (kept === 0n) out[i] = 0;
      else {
        const q = (Number(kept) / t) * 4294967296;
        const f = Math.floor(q);
        out[i] = (q - f > 2e-6 && f + 1 - q > 2e-6 ? f : Number((kept << 32n) / total)) / 4294967296;
      }
    }
    return;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const s = stake[i] ?? 0n;
    const v = i !== owner && s < limit ? 0 : Number(s) / 1.8446744073709552e19;
    out[i] = v;
    sum += v;
  }
  if (sum !== 0) for (let i = 0; i < n; i++) out[i] = Math.floor((out[i]! / sum) * 4294967296) / 4294967296;
}

let keys = new Float64Array(0);

/**
 * `is_topk_nonzero` as permits.ts: non-zero stake, then the n−k smallest (stake, uid) pairs cleared. Zero stakes
 * sort first, so when they fill the n−k cleared places nothing else changes; otherwise the non-zero stakes (grid
 * values, stake·2^32 an integer) are ordered as the exact keys stake·2^32·n + uid, the smallest selected (a quickselect).
 */
export function topkNonzero(stake: Float64Array, n: number, k: number, permit: Uint8Array): void {
  let zeros = 0;
  let plain = true;
  for (let i = 0; i < n; i++) {
    const s = stake[i]!;
    if (s !== 0) {
      permit[i] = 1;
      const units = s * 4294967296;
      if (!(s > 0) || units !== Math.floor(units) || units * n >= 2 ** 52) plain = false;
    } else {
      permit[i] = 0;
      zeros++;
    }
  }
  if (n < k) return;
  const drop = n - k;
  if (drop <= zeros && plain) return;
  if (!plain) {
    generalTopk(stake, n, drop, permit);
    return;
  }
  keys = growF64(keys, n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const s = stake[i]!;
    if (s !== 0) keys[m++] = s * 4294967296 * n + i;
  }
  const clear = drop - zeros;
  smallestFirst(keys, m, clear);
  for (let r = 0; r < clear; r++) {
    const key = keys[r]!;
    permit[key - Math.floor(key / n) * n] = 0;
  }
}

/**
 * Reorders xs[0..m) (distinct values) so that its r smallest come first, in some order (Hoare's quickselect, the
 * middle element as pivot): the set a sort's first r would hold, in O(m) on average.
 */
export function smallestFirst(xs: Float64Array, m: number, r: number): void {
  let lo = 0;
  let hi = m - 1;
  while (lo < hi && r > lo && r <= hi) {
    const pivot = xs[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (xs[i]! < pivot) i++;
      while (xs[j]! > pivot) j--;
      if (i <= j) {
        const t = xs[i]!;
        xs[i] = xs[j]!;
        xs[j] = t;
        i++;
        j--;
      }
    }
    // Now xs[lo..j] ≤ pivot ≤ xs[i..hi] (and xs[j+1..i-1] = pivot): the boundary r lies in one part.
    if (r <= j) hi = j;
    else if (r >= i) lo = i;
    else return;
  }
}

/** The generic algorithm (stable ascending sort by stake, ties by uid), for stakes off the grid. */
function generalTopk(stake: Float64Array, n: number, drop: number, permit: Uint8Array): void {
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => {
    const sx = stake[x]!;
    const sy = stake[y]!;
    return sx < sy ? -1 : sx > sy ? 1 : x - y;
  });
  for (let r = 0; r < drop; r++) permit[order[r]!] = 0;
}
