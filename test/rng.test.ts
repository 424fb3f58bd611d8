import { describe, expect, it } from 'vitest';
import { normalsAt, streamKey } from '../sim/engine/rng.ts';

/** Φ, the standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7: far below the KS bounds used). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

const draws = (seed: number, blocks: number, per: number): number[] => {
  const key = streamKey(seed, 'observe', 'hk-test');
  const out: number[] = [];
  for (let b = 0; b < blocks; b++) for (const z of normalsAt(key, b, per)) out.push(z);
  return out;
};

describe('normalsAt (sfc32 + ziggurat)', () => {
  const z = draws(7, 2000, 200); // 400 000 draws over 2 000 derived streams

  it('is a standard normal: Kolmogorov–Smirnov distance below the 1% critical value', () => {
    const s = Float64Array.from(z).sort();
    const n = s.length;
    let d = 0;
    for (let i = 0; i < n; i++) {
      const f = phi(s[i]!);
      d = Math.max(d, Math.abs(f - i / n), Math.abs((i + 1) / n - f));
    }
    expect(d).toBeLessThan(1.63 / Math.sqrt(n));
  });

  it('has the normal tails (|z| > 3 and > 4) within 4 binomial standard deviations', () => {
    const n = z.length;
    for (const [cut, p] of [
      [3, 2 * (1 - phi(3))],
      [4, 2 * (1 - phi(4))],
    ] as const) {
      const count = z.filter((x) => Math.abs(x) > cut).length;
      expect(Math.abs(count - n * p)).toBeLessThan(4 * Math.sqrt(n * p * (1 - p)) + 1);
    }
    expect(z.reduce((m, x) => Math.max(m, Math.abs(x)), 0)).toBeGreaterThan(4); // the base layer's tail is reached
  });

  it('has mean 0, variance 1 and no lag-1 correlation within a stream', () => {
    const n = z.length;
    const mean = z.reduce((a, b) => a + b, 0) / n;
    const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    let lag = 0;
    for (let i = 1; i < n; i++) lag += z[i]! * z[i - 1]!;
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(lag / n)).toBeLessThan(4 / Math.sqrt(n));
  });

  it('derives: the same key and counter give the same draws; neighbouring counters and keys are uncorrelated', () => {
    const key = streamKey(1, 'observe', 'a');
    expect(normalsAt(key, 12_345, 50)).toEqual(normalsAt(streamKey(1, 'observe', 'a'), 12_345, 50));
    expect(normalsAt(key, 12_345, 10)).toEqual(normalsAt(key, 12_345, 50).slice(0, 10));
    const corr = (x: number[], y: number[]) => x.reduce((a, v, i) => a + v * y[i]!, 0) / x.length;
    const n = 20_000;
    const base = normalsAt(key, 1000, n);
    for (const other of [
      normalsAt(key, 1001, n),
      normalsAt(key, 1000 + 2 ** 32, n),
      normalsAt(streamKey(1, 'observe', 'b'), 1000, n),
      normalsAt(streamKey(2, 'observe', 'a'), 1000, n),
    ]) {
      expect(other).not.toEqual(base);
      expect(Math.abs(corr(base, other))).toBeLessThan(4 / Math.sqrt(n));
    }
  });
});
