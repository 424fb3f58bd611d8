import { describe, expect, it } from 'vitest';
import { compareRuns } from '../analysis/compareRuns.ts';
import { formatTao } from '../analysis/formatTao.ts';
import { gini } from '../analysis/gini.ts';
import { halvingBlocks } from '../analysis/halvingBlocks.ts';
import { hhi } from '../analysis/hhi.ts';
import { nakamoto } from '../analysis/nakamoto.ts';
import type { RunData } from '../analysis/report/buildReport.ts';
import { finalSubnetRows, summarizeRun } from '../analysis/summarizeRun.ts';

describe('metrics', () => {
  it('gini is 0 for equal holdings, (n−1)/n when one holder has everything, 0 for nothing', () => {
    expect(gini([5, 5, 5, 5])).toBe(0);
    expect(gini([0, 0, 0, 8])).toBe(0.75);
    expect(gini([])).toBe(0);
    // By hand: sorted 1, 2, 3 → Σ(2i − n − 1)x_i = (−2)(1) + 0(2) + 2(3) = 4; / (3 · 6) = 2/9.
    expect(gini([3, 1, 2])).toBeCloseTo(2 / 9, 12);
  });

  it('nakamoto counts the fewest holders with more than half', () => {
    expect(nakamoto([5, 3, 2])).toBe(2); // 5 of 10 is not more than half
    expect(nakamoto([6, 3, 1])).toBe(1);
    expect(nakamoto([1, 1, 1, 1])).toBe(3);
    expect(nakamoto([0, 0])).toBe(0);
  });

  it('hhi is 1/n for equal shares and 1 for a monopoly', () => {
    expect(hhi([1, 1, 1, 1])).toBe(0.25);
    expect(hhi([0, 7, 0])).toBe(1);
    expect(hhi([3, 1])).toBeCloseTo(0.625, 12); // 0.75² + 0.25²
  });

  it('finds the blocks where block emission fell', () => {
    expect(
      halvingBlocks([
        [1, 4n],
        [50, 2n],
        [90, 2n],
        [120, 1n],
      ]),
    ).toEqual([50, 120]);
  });

  it('formats rao as TAO with exactly 9 decimals, exactly above 2^53', () => {
    expect(formatTao(1_500_000_000n)).toBe('1.500000000');
    expect(formatTao(21_000_000_000_000_001n)).toBe('21000000.000000001');
    expect(formatTao(-5n)).toBe('-0.000000005');
  });
});

const run = (gini: string, price: string): RunData => ({
  network: [{ block: '360' }],
  subnets: [
    {
      block: '360',
      netuid: '1',
      name: 'text',
      price,
      emission_share: '1.0',
      miners: '3',
      validators: '2',
      gini_stake: gini,
      adversarial_share: '0',
    },
  ],
  summary: {
    scenario: 'x',
    final_issuance: '100.5',
    gini_stake: Number(gini),
    nakamoto_stake: 2,
    adversarial_share: 0,
    refused_actions: 0,
    halving_blocks: [],
  },
});

describe('summarize and compare', () => {
  it('summarize lists the headline figures and each subnet at the end', () => {
    const text = summarizeRun(run('0.5', '0.25'));
    expect(text).toMatch(/final_issuance\s+100\.5/);
    expect(text).toMatch(/1\s+text\s+0\.25/);
  });

  it('lists only the subnets at the last sample (one dissolved before it is not)', () => {
    const base = run('0.5', '0.25');
    const row = (block: string, netuid: string, name: string) => ({ ...base.subnets[0]!, block, netuid, name });
    const data: RunData = {
      ...base,
      subnets: [row('100', '1', 'text'), row('100', '2', 'gone'), row('200', '1', 'text')],
    };
    expect(finalSubnetRows(data).map((r) => [r.block, r.name])).toEqual([['200', 'text']]);
    expect(summarizeRun(data)).not.toContain('gone');
  });

  it('compare subtracts the values as written (no float noise), and lists a subnet only in B', () => {
    const a = run('0.5', '0.25');
    const b = run('0.5', '0.25');
    const withIssuance = (d: RunData, issuance: string, apy: number | null): RunData => ({
      ...d,
      summary: { ...d.summary, final_issuance: issuance, validator_apy_mean: apy },
    });
    const extra = { ...b.subnets[0]!, netuid: '2', name: 'new' };
    const text = compareRuns(
      withIssuance(a, '11010799.999978400', null),
      { ...withIssuance(b, '11010800.000000000', 0.1), subnets: [...b.subnets, extra] },
      ['a', 'b'],
    );
    // 11 010 800 − 11 010 799.9999784 = 0.0000216 exactly; relative 1.96e-10 %.
    expect(text).toMatch(/final_issuance\s+11010799\.999978400\s+11010800\.000000000\s+\+0\.0000216\s+2\.0e-10%/);
    expect(text).toMatch(/validator_apy_mean\s+—\s+0\.1\s+—\s+—/);
    expect(text).toMatch(/new\s+price\s+\(absent\)\s+0\.25/);
  });

  it('compare shows each change with its sign and relative size', () => {
    const text = compareRuns(run('0.5', '0.25'), run('0.6', '0.5'), ['a', 'b']);
    expect(text).toMatch(/gini_stake\s+0\.5\s+0\.6\s+\+0\.1\s+20\.00%/);
    expect(text).toMatch(/text\s+price\s+0\.25\s+0\.5\s+\+0\.25\s+100\.00%/);
  });
});
