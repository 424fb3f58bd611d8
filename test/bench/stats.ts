import { max, median, min, quantile } from 'd3-array';

export interface Timing {
  readonly runs: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly p10: number;
  readonly p90: number;
}

/** Time `fn` (after warm-up) until `runs` samples or `budgetMs` is spent; values in `unit` (ms by default). */
export function measure(fn: () => void, opts: { runs?: number; warmup?: number; budgetMs?: number } = {}): Timing {
  const { runs = 30, warmup = 3, budgetMs = 20_000 } = opts;
  for (let i = 0; i < warmup; i++) fn();
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
