import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../analysis/report/buildReport.ts';
import { lineChart } from '../analysis/report/lineChart.ts';
import { readRun } from '../sim/io/readRun.ts';
import { runScenarioFile } from '../sim/io/runScenarioFile.ts';

// The report is checked in a real headless Chromium (Debian's `chromium`; .ci/run installs it when missing and
// sets TAOSIM_REQUIRE_BROWSER=1 so that a missing browser fails CI instead of skipping).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
const root = new URL('..', import.meta.url).pathname;

function reportOf(blocks: number): { dir: string; html: string } {
  const dir = runScenarioFile(join(root, 'scenarios/halving.yaml'), {
    blocks,
    outDir: join(mkdtempSync(join(tmpdir(), 'taosim-report-')), 'run'),
    quiet: true,
    version: 'test',
  });
  const html = buildReport(readRun(dir));
  writeFileSync(join(dir, 'report.html'), html);
  return { dir, html };
}

describe('lineChart', () => {
  // The y of each point of a one-series chart; the plot area runs from 16 (top margin) to 276 (320 − bottom margin).
  const ysOf = (points: [number, number][]): number[] => {
    const svg = lineChart({ id: 'c', title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', points }] });
    const d = /<path class="line" d="([^"]*)"/.exec(svg)?.[1] ?? '';
    return [...d.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]));
  };

  it('draws a constant series from 0 with room above, not on the top edge of its range', () => {
    const ys = ysOf([
      [0, 1],
      [10, 1],
      [20, 1],
    ]);
    expect(ys).toHaveLength(3);
    // 1 on a 0 … 1.25 axis: four fifths of the way up from 276 to 16.
    for (const y of ys) expect(y).toBeCloseTo(276 - 0.8 * 260, 0);
  });

  it('zooms onto values far from 0 that vary (issuance), and starts at 0 otherwise', () => {
    const zoomed = ysOf([
      [0, 100],
      [1, 110],
    ]);
    expect(zoomed[0]).toBeGreaterThan(250); // the lowest value near the bottom, not at 100/110 of the height
    expect(zoomed[1]).toBeLessThan(30);
    const fromZero = ysOf([
      [0, 10],
      [1, 100],
    ]);
    expect(fromZero[0]).toBeCloseTo(276 - (10 / 101.8) * 260, 0);
  });
});

describe('report.html', () => {
  it('is one self-contained file: no scripts, links or remote resources', () => {
    const { html } = reportOf(200);
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//);
    expect(html.match(/<svg /g)?.length).toBe(7);
    expect(html).toContain('halving (block'); // the halving is marked on the supply charts
  });

  it.skipIf(!haveBrowser && process.env.TAOSIM_REQUIRE_BROWSER !== '1')(
    'loads in headless Chromium without console errors and every chart draws its lines and hover values',
    async () => {
      expect(haveBrowser).toBe(true);
      const { dir } = reportOf(200);
      const browser = await puppeteer.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.goto(`file://${join(dir, 'report.html')}`, { waitUntil: 'load' });
        const charts = await page.$$eval('svg.chart', (svgs) =>
          svgs.map((svg) => {
            const box = svg.getBoundingClientRect();
            const lines = [...svg.querySelectorAll('path.line')].map((p) =>
              (p as unknown as { getTotalLength(): number }).getTotalLength(),
            );
            return {
              id: svg.id,
              width: box.width,
              height: box.height,
              lines,
              hovers: svg.querySelectorAll('circle.dot title').length,
            };
          }),
        );
        expect(errors).toEqual([]);
        expect(charts.map((c) => c.id)).toEqual([
          'supply',
          'emission',
          'prices',
          'shares',
          'concentration',
          'returns',
          'adversarial',
        ]);
        for (const c of charts) {
          expect(c.width).toBeGreaterThan(500);
          expect(c.lines.length).toBeGreaterThan(0);
          expect(Math.max(...c.lines)).toBeGreaterThan(100); // a drawn line, not an empty path
          expect(c.hovers).toBeGreaterThan(0);
        }
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
