/** Nakamoto coefficient: the fewest holders that together control more than `threshold` (default half) of the total. */
export function nakamoto(values: readonly number[], threshold = 0.5): number {
  const xs = values.filter((v) => v > 0).sort((a, b) => b - a);
  const total = xs.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  let acc = 0;
  for (let k = 0; k < xs.length; k++) {
    acc += xs[k]!;
    if (acc > threshold * total) return k + 1;
  }
  return xs.length;
}
