import { extent, max, min } from 'd3-array';

export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

export interface LineChartSpec {
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** Vertical markers (e.g. halvings) at these x values, with a label. */
  readonly markers?: readonly { readonly x: number; readonly label: string }[];
  /** Format of values in hover titles and tick labels. */
  readonly format?: (v: number) => string;
}

const W = 760;
const H = 320;
const M = { top: 16, right: 150, bottom: 44, left: 100 };
const COLORS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#9467bd',
  '#ff7f0e',
  '#17becf',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
];
const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Round tick values: about `count` ticks over [lo, hi]. */
function ticks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const step = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / nice) * nice; v <= hi + 1e-9 * nice; v += nice) out.push(Number(v.toPrecision(12)));
  return out;
}

const numberFormat = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 8 });
export const defaultFormat = (v: number): string => numberFormat.format(Number(v.toPrecision(8)));

/**
 * A line chart as a standalone SVG string, built at write time: axes with ticks and units, a legend, markers, and
 * a hover value on every point (an SVG <title>, so no script is needed to read values).
 */
export function lineChart(spec: LineChartSpec): string {
  const fmt = spec.format ?? defaultFormat;
  const all = spec.series.flatMap((s) => s.points);
  const [x0, x1] = extent(all, (p) => p[0]) as [number, number] | [undefined, undefined];
  // The y range starts at 0 unless the values sit far from it (issuance), and is never empty.
  const lo = min(all, (p) => p[1]) ?? 0;
  const hi = max(all, (p) => p[1]) ?? 1;
  // A constant series (the block emission between halvings) is drawn from 0 with room above, not zoomed onto the
  // top edge of its own empty range.
  const flat = hi - lo <= 1e-9 * Math.max(Math.abs(hi), Math.abs(lo));
  const y0 = flat
    ? Math.min(0, 1.25 * lo)
    : lo >= 0 && lo > 0.5 * hi
      ? lo - 0.05 * (hi - lo || Math.abs(hi) || 1)
      : Math.min(0, lo);
  const y1 = flat ? Math.max(0, 1.25 * hi) || y0 + 1 : hi > y0 ? hi + 0.02 * (hi - y0) : y0 + 1;
  const xs = (x: number): number => M.left + ((x - (x0 ?? 0)) / ((x1 ?? 1) - (x0 ?? 0) || 1)) * (W - M.left - M.right);
  const ys = (y: number): number => H - M.bottom - ((y - y0) / (y1 - y0 || 1)) * (H - M.top - M.bottom);
  const parts: string[] = [];
  parts.push(`<h2>${esc(spec.title)}</h2>`);
  parts.push(
    `<svg id="${esc(spec.id)}" class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(spec.title)}">`,
  );
  parts.push(`<title>${esc(spec.title)}</title>`);
  // Axes, ticks, grid.
  for (const t of ticks(y0, y1, 5)) {
    parts.push(`<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${ys(t)}" y2="${ys(t)}"/>`);
    parts.push(`<text class="tick" x="${M.left - 6}" y="${ys(t) + 4}" text-anchor="end">${esc(fmt(t))}</text>`);
  }
  for (const t of ticks(x0 ?? 0, x1 ?? 1, 6)) {
    parts.push(
      `<text class="tick" x="${xs(t)}" y="${H - M.bottom + 16}" text-anchor="middle">${esc(defaultFormat(t))}</text>`,
    );
  }
  parts.push(`<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}"/>`);
  parts.push(`<line class="axis" x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}"/>`);
  parts.push(
    `<text class="label" x="${(M.left + W - M.right) / 2}" y="${H - 8}" text-anchor="middle">${esc(spec.xLabel)}</text>`,
  );
  parts.push(
    `<text class="label" transform="translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)}</text>`,
  );
  for (const m of spec.markers ?? []) {
    parts.push(
      `<line class="marker" x1="${xs(m.x)}" x2="${xs(m.x)}" y1="${M.top}" y2="${H - M.bottom}"><title>${esc(m.label)}</title></line>`,
    );
    parts.push(`<text class="marker-label" x="${xs(m.x) + 4}" y="${M.top + 12}">${esc(m.label)}</text>`);
  }
  spec.series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length]!;
    const d = s.points.map((p, i) => `${i ? 'L' : 'M'}${xs(p[0]).toFixed(1)},${ys(p[1]).toFixed(1)}`).join('');
    parts.push(`<path class="line" d="${d}" stroke="${color}"/>`);
    // Hover values: a transparent dot with a title on (a thinned subset of) the points.
    const stride = Math.max(1, Math.ceil(s.points.length / 60));
    s.points.forEach((p, i) => {
      if (i % stride === 0 || i === s.points.length - 1) {
        parts.push(
          `<circle class="dot" cx="${xs(p[0]).toFixed(1)}" cy="${ys(p[1]).toFixed(1)}" r="4" fill="${color}"><title>${esc(`${s.name} — ${spec.xLabel} ${defaultFormat(p[0])}: ${fmt(p[1])}`)}</title></circle>`,
        );
      }
    });
    const ly = M.top + 14 * k;
    parts.push(`<rect x="${W - M.right + 12}" y="${ly}" width="10" height="10" fill="${color}"/>`);
    parts.push(`<text class="legend" x="${W - M.right + 27}" y="${ly + 9}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
