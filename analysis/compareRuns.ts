import type { RunData } from './report/buildReport.ts';
import { finalSubnetRows } from './summarizeRun.ts';
import { textTable } from './textTable.ts';

const HEADLINES = [
  'final_issuance',
  'validator_apy_mean',
  'gini_stake',
  'nakamoto_stake',
  'adversarial_share',
  'refused_actions',
] as const;

/** A decimal string as an integer of `scale` decimals (exact: `11010799.999978400` has 9). */
function scaled(text: string, scale: number): bigint {
  const [whole = '0', frac = ''] = text.replace(/^[+-]/, '').split('.');
  const v = BigInt(whole + frac.padEnd(scale, '0').slice(0, scale));
  return text.startsWith('-') ? -v : v;
}

const decimals = (text: string): number => (text.includes('.') ? text.length - text.indexOf('.') - 1 : 0);

/**
 * B − A exactly, from the two values as written (so 9-decimal TAO amounts show no floating-point noise), and the
 * relative change; '—' when a value is missing or not a plain decimal.
 */
function change(a: string, b: string): [string, string] {
  const plain = /^[+-]?\d+(\.\d+)?$/;
  if (!plain.test(a) || !plain.test(b)) return ['—', '—'];
  const scale = Math.max(decimals(a), decimals(b));
  const d = scaled(b, scale) - scaled(a, scale);
  const abs = d < 0n ? -d : d;
  const digits = abs.toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`.replace(/\.?0+$/, '');
  const delta = `${d < 0n ? '-' : '+'}${text}`;
  const x = Number(a);
  if (d === 0n) return ['0', '0%'];
  if (x === 0) return [delta, '—'];
  const rel = (100 * (Number(b) - x)) / Math.abs(x);
  return [delta, `${Math.abs(rel) >= 0.01 ? rel.toFixed(2) : rel.toPrecision(2)}%`];
}

/**
 * `taosim compare A B`: what changed from run A to run B — the headline figures, halvings, and each subnet's final
 * price and emission share (subnets matched by name).
 */
export function compareRuns(a: RunData, b: RunData, names: readonly [string, string] = ['A', 'B']): string {
  const shown = (v: unknown): string => (v === null || v === undefined ? '—' : String(v));
  const rows = HEADLINES.map((k) => {
    const [x, y] = [shown(a.summary[k]), shown(b.summary[k])];
    return [k, x, y, ...change(x, y)];
  });
  const ha = (a.summary.halving_blocks as number[] | undefined) ?? [];
  const hb = (b.summary.halving_blocks as number[] | undefined) ?? [];
  rows.push(['halving_blocks', ha.join(', ') || '—', hb.join(', ') || '—', '', '']);
  const fa = new Map(finalSubnetRows(a).map((r) => [r.name!, r]));
  const fb = new Map(finalSubnetRows(b).map((r) => [r.name!, r]));
  const subnetRows = finalSubnetRows(a).flatMap((ra) => {
    const rb = fb.get(ra.name!);
    if (!rb) return [[ra.name!, 'price', ra.price!, '(absent)', '', '']];
    return (['price', 'emission_share', 'gini_stake'] as const).map((k) => [
      ra.name!,
      k,
      ra[k]!,
      rb[k]!,
      ...change(ra[k]!, rb[k]!),
    ]);
  });
  // Subnets only in B (registered there, or dissolved in A).
  for (const rb of finalSubnetRows(b))
    if (!fa.has(rb.name!)) subnetRows.push([rb.name!, 'price', '(absent)', rb.price!, '', '']);
  return [
    `${names[0]} → ${names[1]}`,
    textTable(['figure', names[0], names[1], 'change', 'relative'], rows),
    '',
    'Subnets at the end:',
    textTable(['subnet', 'figure', names[0], names[1], 'change', 'relative'], subnetRows),
    '',
  ].join('\n');
}
