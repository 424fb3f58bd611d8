/** Herfindahl–Hirschman index of shares: Σ (x_i / Σx)², from 1/n (equal) to 1 (one holder); 0 for nothing. */
export function hhi(values: readonly number[]): number {
  const total = values.reduce((a, v) => a + Math.max(0, v), 0);
  if (total === 0) return 0;
  return values.reduce((a, v) => a + (Math.max(0, v) / total) ** 2, 0);
}
