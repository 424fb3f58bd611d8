import type { RunData } from './report/buildReport.ts';
import { finalSubnetRows } from './summarizeRun.ts';
import { textTable } from './textTable.ts';

const HEADLINES = ['final_issuance', 'gini_stake', 'nakamoto_stake', 'adversarial_share', 'refused_actions'] as const;

function change(a: number, b: number): [string, string] {
  const d = b - a;
  const rel = a === 0 ? (d === 0 ? '0%' : '—') : `${((100 * d) / Math.abs(a)).toFixed(2)}%`;
  return [`${d >= 0 ? '+' : ''}${Number(d.toPrecision(10))}`, rel];
}

/**
 * `taosim compare A B`: what changed from run A to run B — the headline figures, halvings, and each subnet's final
 * price and emission share (subnets matched by name).
 */
export function compareRuns(a: RunData, b: RunData, names: readonly [string, string] = ['A', 'B']): string {
  const rows = HEADLINES.map((k) => {
    const [x, y] = [Number(a.summary[k]), Number(b.summary[k])];
    return [k, String(a.summary[k]), String(b.summary[k]), ...change(x, y)];
  });
  const ha = (a.summary.halving_blocks as number[] | undefined) ?? [];
  const hb = (b.summary.halving_blocks as number[] | undefined) ?? [];
  rows.push(['halving_blocks', ha.join(', ') || '—', hb.join(', ') || '—', '', '']);
  const fb = new Map(finalSubnetRows(b).map((r) => [r.name!, r]));
  const subnetRows = finalSubnetRows(a).flatMap((ra) => {
    const rb = fb.get(ra.name!);
    if (!rb) return [[ra.name!, 'price', ra.price!, '(absent)', '', '']];
    return (['price', 'emission_share', 'gini_stake'] as const).map((k) => [
      ra.name!,
      k,
      ra[k]!,
      rb[k]!,
      ...change(Number(ra[k]), Number(rb[k])),
    ]);
  });
  return [
    `${names[0]} → ${names[1]}`,
    textTable(['figure', names[0], names[1], 'change', 'relative'], rows),
    '',
    'Subnets at the end:',
    textTable(['subnet', 'figure', names[0], names[1], 'change', 'relative'], subnetRows),
    '',
  ].join('\n');
}
