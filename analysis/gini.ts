/** Gini coefficient of non-negative amounts (0 = equal, → 1 = one holder has everything); 0 for an empty or zero set. */
export function gini(values: readonly number[]): number {
  const xs = values.filter((v) => v > 0).sort((a, b) => a - b);
  const n = values.length;
  const total = xs.reduce((a, b) => a + b, 0);
  if (n === 0 || total === 0) return 0;
  // Sorted form: G = Σ (2i − n − 1)·x_i / (n·Σx), over all n values (zeros included, they sort first).
  const zeros = n - xs.length;
  let acc = 0;
  xs.forEach((x, k) => {
    acc += (2 * (zeros + k + 1) - n - 1) * x;
  });
  return acc / (n * total);
}
