import { mean } from 'd3-array';
import { lineChart, type Series } from './lineChart.ts';

/** A run's output as read back from out/<run>/ (CSV rows keyed by column). */
export interface RunData {
  readonly network: readonly Record<string, string>[];
  readonly subnets: readonly Record<string, string>[];
  readonly summary: Record<string, unknown>;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (v: string | undefined): number => Number(v ?? 'NaN');

/** One series per subnet for `column`, for at most `limit` subnets (those with the largest final emission share). */
function perSubnet(data: RunData, column: string, limit: number): Series[] {
  const bySubnet = new Map<string, [number, number][]>();
  for (const r of data.subnets) {
    const key = `${r.netuid} ${r.name}`;
    if (!bySubnet.has(key)) bySubnet.set(key, []);
    bySubnet.get(key)!.push([num(r.block), num(r[column])]);
  }
  const lastShare = (key: string): number => {
    const rows = data.subnets.filter((r) => `${r.netuid} ${r.name}` === key);
    return num(rows.at(-1)?.emission_share);
  };
  return [...bySubnet.keys()]
    .sort((a, b) => lastShare(b) - lastShare(a))
    .slice(0, limit)
    .map((key) => ({ name: key, points: bySubnet.get(key)! }));
}

/** Mean of `column` across subnets at each sampled block. */
function meanAcrossSubnets(data: RunData, column: string): [number, number][] {
  const byBlock = new Map<number, number[]>();
  for (const r of data.subnets) {
    const b = num(r.block);
    if (!byBlock.has(b)) byBlock.set(b, []);
    byBlock.get(b)!.push(num(r[column]));
  }
  return [...byBlock].map(([b, xs]) => [b, mean(xs) ?? 0]);
}

/** The self-contained report page: headline figures and SVG charts built now; opens without a network. */
export function buildReport(data: RunData): string {
  const s = data.summary;
  const halvings = ((s.halving_blocks as number[] | undefined) ?? []).map((b) => ({
    x: b,
    label: `halving (block ${b})`,
  }));
  const series = (column: string): [number, number][] => data.network.map((r) => [num(r.block), num(r[column])]);
  const nSubnets = new Set(data.subnets.map((r) => r.netuid)).size;
  const shown = Math.min(8, nSubnets);
  const charts = [
    lineChart({
      id: 'supply',
      title: 'Total issuance',
      xLabel: 'block',
      yLabel: 'issuance (TAO)',
      series: [{ name: 'issuance', points: series('issuance') }],
      markers: halvings,
    }),
    lineChart({
      id: 'emission',
      title: 'Block emission',
      xLabel: 'block',
      yLabel: 'TAO per block',
      series: [{ name: 'block emission', points: series('block_emission') }],
      markers: halvings,
    }),
    lineChart({
      id: 'prices',
      title: `Subnet alpha prices (top ${shown} of ${nSubnets} by emission share)`,
      xLabel: 'block',
      yLabel: 'price (TAO per alpha)',
      series: perSubnet(data, 'price', 8),
    }),
    lineChart({
      id: 'shares',
      title: 'Subnet emission shares',
      xLabel: 'block',
      yLabel: 'share of block emission',
      series: perSubnet(data, 'emission_share', 8),
    }),
    lineChart({
      id: 'concentration',
      title: 'Stake concentration and staking',
      xLabel: 'block',
      yLabel: 'ratio (0–1)',
      series: [
        { name: 'mean Gini of stake', points: meanAcrossSubnets(data, 'gini_stake') },
        { name: 'staking ratio', points: series('staking_ratio') },
      ],
    }),
    lineChart({
      id: 'returns',
      // validator_stake is the alpha of whoever holds a permit at each sample: as miners stake and take permits the
      // set changes, so this is the permit holders' stake, not one group's returns (agents.csv has those).
      title: 'Stake held by permit holders: growth since the first epoch (alpha; the holders change over time)',
      xLabel: 'block',
      yLabel: 'cumulative growth',
      series: perSubnet(data, 'validator_stake', 8).map((s) => {
        // From the first sample with permit holders (the first epoch grants the permits).
        const start = s.points.findIndex((p) => p[1] > 0);
        const first = start >= 0 ? s.points[start]![1] : 1;
        const points = start >= 0 ? s.points.slice(start) : s.points;
        return { name: s.name, points: points.map(([b, v]) => [b, v / first - 1] as [number, number]) };
      }),
    }),
    lineChart({
      id: 'adversarial',
      title: 'Adversarial share of each epoch’s emission',
      xLabel: 'block',
      yLabel: 'share of emission',
      series: [
        { name: 'mean over subnets', points: meanAcrossSubnets(data, 'adversarial_share') },
        ...perSubnet(data, 'adversarial_share', 4),
      ],
    }),
  ];
  const rows = Object.entries(s)
    .map(
      ([k, v]) =>
        `<tr><th>${esc(k)}</th><td>${esc(Array.isArray(v) ? v.join(', ') || '—' : v === null ? '—' : String(v))}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>taosim report: ${esc(String(s.scenario))}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 800px; color: #222; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.05rem; margin: 1.5rem 0 0; } table { border-collapse: collapse; margin-bottom: 1.5rem; }
th, td { text-align: left; padding: 2px 12px 2px 0; } th { font-weight: 600; color: #555; }
.chart { display: block; margin: 1rem 0 2rem; } .axis { stroke: #333; } .grid { stroke: #eee; }
.tick, .legend, .marker-label { font-size: 11px; fill: #444; } .label { font-size: 12px; fill: #222; }
.line { fill: none; stroke-width: 1.8; } .dot { fill-opacity: 0; stroke: none; } .dot:hover { fill-opacity: 1; }
.marker { stroke: #999; stroke-dasharray: 4 3; }
</style></head><body>
<h1>taosim report: ${esc(String(s.scenario))}</h1>
<p>Seed ${esc(String(s.seed))}, ${esc(String(s.blocks))} blocks. Hover a line for its values.</p>
<table>${rows}</table>
${charts.join('\n')}
</body></html>
`;
}
