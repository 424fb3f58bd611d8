import { max, median, min, quantile } from 'd3-array';

export interface Timing {
  readonly runs: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly p10: number;
  readonly p90: number;
}

/**
 * Time `fn` until `runs` samples or `budgetMs` is spent (values in ms), after a warm-up of at least `warmup` calls
 * and `warmupMs` milliseconds (at most 2 000 calls): long enough for V8 to have optimised the code, as it is after
 * the first few hundred epochs of any run.
 */
export function measure(
  fn: () => void,
  opts: { runs?: number; warmup?: number; warmupMs?: number; budgetMs?: number } = {},
): Timing {
  const { runs = 30, warmup = 3, warmupMs = 0, budgetMs = 20_000 } = opts;
  const warm = performance.now();
  for (let i = 0; i < 2_000 && (i < warmup || performance.now() - warm < warmupMs); i++) fn();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < runs && (samples.length < 3 || performance.now() - start < budgetMs)) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  const round = (x: number | undefined): number => Math.round((x ?? 0) * 1000) / 1000;
  return {
    runs: samples.length,
    median: round(median(samples)),
    min: round(min(samples)),
    max: round(max(samples)),
    p10: round(quantile(samples, 0.1)),
    p90: round(quantile(samples, 0.9)),
  };
}
