/**
 * `is_topk_nonzero` (epoch/math.rs): uids with non-zero stake, limited to the k largest. A stable ascending sort
 * drops the first n−k, so on equal stake the lower uid loses its place. When n < k nothing is dropped.
 */
export function topkNonzero<T extends number | bigint>(stake: readonly T[], k: number, zero: T): Uint8Array {
  const n = stake.length;
  const permit = new Uint8Array(n);
  for (let i = 0; i < n; i++) permit[i] = stake[i] !== zero ? 1 : 0;
  if (n < k) return permit;
  const order = stake
    .map((_, i) => i)
    .sort((x, y) => {
      const sx = stake[x]!;
      const sy = stake[y]!;
      return sx < sy ? -1 : sx > sy ? 1 : x - y;
    });
  for (let r = 0; r < n - k; r++) permit[order[r]!] = 0;
  return permit;
}
