import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { Tinypool } from 'tinypool';
import { loadScenario, ScenarioError } from './loadScenario.ts';
import { parseJsonFile } from './parseJsonExact.ts';
import { buildChecked, lateEvents } from './runScenarioFile.ts';
import { ERROR_FILE, runSweepTask, type SweepTask, type SweepTaskResult, writeRunError } from './sweepTask.ts';

/**
 * `taosim sweep`: Monte Carlo over seeds × a parameter grid. Planning (parse --seeds, --grid, --shard; enumerate
 * the runs and name them), validation of every grid combination before anything is written, the run loop (in
 * process, or on a pool of worker threads) and the index files `sweep.json` and `sweep.csv`.
 *
 * Run order: grid keys outermost, in command-line order (the first key varies slowest), seeds innermost, so the
 * runs of one parameter combination are consecutive. Run `index` counts from 0 in that order.
 */

/** A bad option, sweep definition or scenario: the CLI prints the message, exits 2 and has written nothing. */
export class SweepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepError';
  }
}

/** At most this many runs in one sweep (a guard against `--seeds 1..1000000000`). */
export const MAX_RUNS = 1_000_000;

/** `--seeds`: `1..100` (inclusive), `1,2,5`, `7`, or a comma-separated mix (`1..10,20`). Seeds must not repeat. */
export function parseSeeds(spec: string): number[] {
  const bad = (why: string) =>
    new SweepError(
      `--seeds expects a range 1..100, a list 1,2,5 or a single number; ${why}${spec.includes(',') ? ` in "${spec}"` : ''}`,
    );
  const seeds: number[] = [];
  for (const raw of spec.split(',')) {
    const item = raw.trim();
    const range = /^(\d+)\.\.(\d+)$/.exec(item);
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) throw bad(`"${item}" is too large`);
      if (a > b) throw bad(`the range "${item}" is empty (start above end)`);
      if (b - a + 1 + seeds.length > MAX_RUNS) throw bad(`more than ${MAX_RUNS} seeds`);
      for (let s = a; s <= b; s++) seeds.push(s);
    } else if (/^\d+$/.test(item)) {
      if (!Number.isSafeInteger(Number(item))) throw bad(`"${item}" is too large`);
      seeds.push(Number(item));
    } else {
      throw bad(item === '' ? 'an empty item' : `"${item}" is not a whole number or a range a..b`);
    }
  }
  const seen = new Set<number>();
  for (const s of seeds) {
    if (seen.has(s)) throw bad(`seed ${s} appears twice`);
    seen.add(s);
  }
  return seeds;
}

/** One `--grid path=v1,v2,…`: the values are YAML, as for `--set`. */
export interface GridAxis {
  readonly key: string;
  readonly values: readonly string[];
}

const PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\[\d+\]|\.[A-Za-z0-9_]+)*$/;

/** A path with `[n]` written as `.n`, to compare `--set` and `--grid` keys as `applySet` reads them. */
const canonicalPath = (key: string): string => key.replace(/\[(\d+)\]/g, '.$1');

/** Split on commas outside brackets, braces and quotes, so a value may be a YAML list or map: `k=[1,2],[3,4]`. */
function splitValues(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((v) => v.trim());
}

export function parseGrid(spec: string): GridAxis {
  const bad = (why: string) => new SweepError(`--grid expects path=v1,v2,… (e.g. chain.tao_weight=0.1,0.18); ${why}`);
  const eq = spec.indexOf('=');
  if (eq < 0) throw bad(`no "=" in "${spec}"`);
  const key = spec.slice(0, eq).trim();
  if (!PATH.test(key)) throw bad(`"${key}" is not a scenario path like chain.tao_weight or subnets[0].miners.count`);
  if (key === 'seed') throw bad('sweep seeds with --seeds, not --grid seed=…');
  const values = splitValues(spec.slice(eq + 1));
  if (values.some((v) => v === '')) throw bad(`an empty value in "${spec}"`);
  const dup = values.find((v, i) => values.indexOf(v) !== i);
  if (dup !== undefined) throw bad(`the value "${dup}" appears twice in "${spec}"`);
  return { key, values };
}

/** `--shard i/N`, 1 ≤ i ≤ N: this process runs the runs whose index ≡ i − 1 (mod N). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export function parseShard(spec: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const [i, n] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  if (!m || n < 1 || i < 1 || i > n)
    throw new SweepError(`--shard expects i/N with 1 ≤ i ≤ N (e.g. 2/4: the second of four), got "${spec}"`);
  return { index: i, count: n };
}

export interface SweepRun {
  /** Position in the sweep, from 0: grid keys outermost, seeds innermost. */
  readonly index: number;
  /** Folder name under `runs/`: see runIds. */
  readonly id: string;
  readonly seed: number;
  /** This run's value of each grid axis, in axis order. */
  readonly values: readonly string[];
}

/** Run ids longer than this fall back to `run-<index>` (file names stop at 255 bytes). */
const MAX_ID_LENGTH = 180;

const idPart = (s: string): string => s.replace(/\[(\d+)\]/g, '.$1').replace(/[^A-Za-z0-9._+-]/g, '_');

/**
 * Readable run ids: `<key>-<value>__…__seed-<seed>` in run order, e.g. `chain.tao_weight-0.18__seed-7`
 * (`[n]` becomes `.n`, characters other than letters, digits and `._+-` become `_`). If two ids would then collide
 * or one is too long for a file name, every run is named `run-<index>` instead, zero-padded to one width.
 */
function runIds(grid: readonly GridAxis[], combos: readonly (readonly string[])[], seeds: readonly number[]): string[] {
  const ids = combos.flatMap((values) => {
    const head = values.map((v, k) => `${idPart(grid[k]!.key)}-${idPart(v)}__`).join('');
    return seeds.map((s) => `${head}seed-${s}`);
  });
  if (new Set(ids).size === ids.length && ids.every((id) => id.length <= MAX_ID_LENGTH)) return ids;
  const width = String(ids.length - 1).length;
  return ids.map((_, i) => `run-${String(i).padStart(width, '0')}`);
}

/** Every combination of grid values, first axis slowest. One empty combination when there is no grid. */
function combinations(grid: readonly GridAxis[]): string[][] {
  return grid.reduce<string[][]>((acc, axis) => acc.flatMap((c) => axis.values.map((v) => [...c, v])), [[]]);
}

/** Enumerate the runs of a sweep, in index order. */
export function planRuns(seeds: readonly number[], grid: readonly GridAxis[]): SweepRun[] {
  const combos = combinations(grid);
  if (combos.length * seeds.length > MAX_RUNS)
    throw new SweepError(`--seeds × --grid make ${combos.length * seeds.length} runs; at most ${MAX_RUNS}`);
  const ids = runIds(grid, combos, seeds);
  return combos.flatMap((values, c) =>
    seeds.map((seed, s) => {
      const index = c * seeds.length + s;
      return { index, id: ids[index]!, seed, values };
    }),
  );
}

export const inShard = (run: SweepRun, shard: Shard | undefined): boolean =>
  shard === undefined || run.index % shard.count === shard.index - 1;

/** The `--set` assignments of one run's grid values. */
export const gridSets = (grid: readonly GridAxis[], values: readonly string[]): string[] =>
  grid.map((axis, k) => `${axis.key}=${values[k]}`);

/** What a sweep is, as written to `sweep.json` (the same for every shard and worker count). */
export interface SweepDefinition {
  readonly scenario: string;
  readonly file: string;
  readonly file_sha256: string;
  /** sha256 of the scenario after --set (before seeds, grid values and --blocks), as summary.json's scenario_hash. */
  readonly scenario_hash: string;
  readonly version: string;
  readonly seeds: readonly number[];
  readonly grid: readonly GridAxis[];
  readonly sets: readonly string[];
  readonly blocks: number | null;
  readonly order: string;
  readonly runs: number;
  readonly run_ids: readonly string[];
}

export interface SweepInput {
  readonly file: string;
  readonly seeds: readonly number[];
  readonly grid: readonly GridAxis[];
  readonly sets: readonly string[];
  readonly blocks?: number;
  readonly version: string;
}

/**
 * Check a sweep before anything runs or is written: the keys, then the scenario with its --set values and with
 * every grid combination's (a problem is reported as `taosim run` reports it, plus the combination).
 */
export function defineSweep(input: SweepInput): { def: SweepDefinition; warnings: string[] } {
  const setKeys = input.sets.map((s) => {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new SweepError(`--set expects path=value, got "${s}"`);
    return s.slice(0, eq).trim();
  });
  if (setKeys.includes('seed')) throw new SweepError('sweep seeds with --seeds, not --set seed=…');
  const keys = input.grid.map((a) => canonicalPath(a.key));
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice !== undefined) throw new SweepError(`--grid ${twice} is given twice; list all its values in one --grid`);
  const both = input.grid.find((a) => setKeys.map(canonicalPath).includes(canonicalPath(a.key)));
  if (both) throw new SweepError(`${both.key} is given by both --set and --grid; keep one`);
  if (input.blocks !== undefined && keys.includes('duration'))
    throw new SweepError('--grid duration=… and --blocks both set the duration; keep one');
  if (input.seeds.length === 0) throw new SweepError('--seeds gives no seed');

  let text: string;
  try {
    text = readFileSync(input.file, 'utf8');
  } catch (e) {
    throw new SweepError(`${input.file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const fixed = [`seed=${input.seeds[0]}`, ...(input.blocks !== undefined ? [`duration=${input.blocks}`] : [])];
  const load = (sets: readonly string[], extra: readonly string[], note: string) => {
    try {
      const scenario = loadScenario(text, input.file, [...sets, ...extra]);
      // A given issuance may be below what the scenario holds: only building the genesis shows it.
      if (scenario.chain.issuance !== undefined) buildChecked(scenario, input.file);
      return scenario;
    } catch (e) {
      if (e instanceof ScenarioError) throw new SweepError(`${e.message}${note}`);
      throw e;
    }
  };
  const base = load(input.sets, [], '');
  const first = load(input.sets, fixed, '');
  for (const values of combinations(input.grid)) {
    if (values.length === 0) continue;
    const sets = gridSets(input.grid, values);
    load([...input.sets, ...sets], fixed, ` (with --grid ${sets.join(' ')})`);
  }
  const runs = planRuns(input.seeds, input.grid);
  const def: SweepDefinition = {
    scenario: base.name,
    file: input.file,
    file_sha256: createHash('sha256').update(text).digest('hex'),
    scenario_hash: createHash('sha256').update(JSON.stringify(base)).digest('hex'),
    version: input.version,
    seeds: input.seeds,
    grid: input.grid.map((a) => ({ key: a.key, values: a.values })),
    sets: input.sets,
    blocks: input.blocks ?? null,
    order: 'grid keys outermost in command-line order (first key slowest), seeds innermost; index from 0',
    runs: runs.length,
    run_ids: runs.map((r) => r.id),
  };
  // The runs are quiet: a scenario's events after the (--blocks) end are named once, for the whole sweep.
  return { def, warnings: lateEvents(first).map((w) => `${input.file}: ${w}`) };
}

/** Key figures copied from each run's summary.json into sweep.csv, as they are there (a list joined by `;`). */
export const SUMMARY_COLUMNS = [
  'blocks',
  'final_issuance',
  'halving_blocks',
  'validator_apy_mean',
  'gini_stake',
  'nakamoto_stake',
  'adversarial_share',
  'refused_actions',
  'scenario_hash',
] as const;

export type RunStatus = 'ok' | 'error' | 'missing';

const cell = (v: unknown): string =>
  v === undefined || v === null ? '' : Array.isArray(v) ? v.map(cell).join(';') : String(v);

/**
 * sweep.csv of the given runs, in index order, read from their folders only (so it is the same whoever ran them,
 * in whatever order): `index, run_id, seed, <grid keys>, status, <SUMMARY_COLUMNS>, error`. `status` is ok (a
 * summary.json), error (the run threw: `error.txt` holds the message, its first line goes in `error`) or missing.
 */
export function sweepCsv(
  dir: string,
  def: Pick<SweepDefinition, 'grid'>,
  runs: readonly SweepRun[],
): { csv: string; status: RunStatus[] } {
  const status: RunStatus[] = [];
  const rows = runs.map((run) => {
    const runDir = join(dir, 'runs', run.id);
    let st: RunStatus = 'missing';
    let summary: Record<string, unknown> = {};
    let error = '';
    if (existsSync(join(runDir, ERROR_FILE))) {
      st = 'error';
      error = readFileSync(join(runDir, ERROR_FILE), 'utf8').split('\n')[0]!;
    } else if (existsSync(join(runDir, 'summary.json'))) {
      st = 'ok';
      summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as Record<string, unknown>;
    }
    status.push(st);
    return [
      String(run.index),
      run.id,
      String(run.seed),
      ...run.values,
      st,
      ...SUMMARY_COLUMNS.map((c) => cell(summary[c])),
      error,
    ];
  });
  const columns = ['index', 'run_id', 'seed', ...def.grid.map((a) => a.key), 'status', ...SUMMARY_COLUMNS, 'error'];
  return { csv: stringify(rows, { header: true, columns }), status };
}

/** The index file a run writes: sweep.csv, or sweep.shard-<i>-of-<N>.csv for one shard (only its rows). */
export const indexFile = (shard: Shard | undefined): string =>
  shard ? `sweep.shard-${shard.index}-of-${shard.count}.csv` : 'sweep.csv';

export interface SweepOptions extends SweepInput {
  readonly outDir?: string;
  /** Worker threads; 1 runs in this thread. Default os.availableParallelism(). */
  readonly workers?: number;
  readonly shard?: Shard;
  readonly quiet?: boolean;
  readonly stderr?: { write(s: string): unknown };
}

export interface SweepOutcome {
  readonly dir: string;
  readonly index: string;
  readonly runs: number;
  readonly failed: number;
}

const fmtSeconds = (s: number): string => `${s.toFixed(1)} s`;

/**
 * Validate, then run a sweep (or its shard) and write `<out>/sweep.json`, `<out>/runs/<run-id>/…` and the index
 * file. Throws SweepError (nothing written) for a bad definition; a run that throws is reported, leaves `error.txt`
 * in its folder and counts in `failed`.
 */
export async function runSweep(opts: SweepOptions): Promise<SweepOutcome> {
  const { def, warnings } = defineSweep(opts);
  if (!opts.quiet) for (const line of warnings) (opts.stderr ?? process.stderr).write(`taosim: warning: ${line}\n`);
  const workers = opts.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) throw new SweepError(`--workers expects 1 or more, got ${workers}`);
  const dir = opts.outDir ?? join('out', 'sweeps', def.scenario);
  const runs = planRuns(def.seeds, def.grid).filter((r) => inShard(r, opts.shard));
  try {
    mkdirSync(join(dir, 'runs'), { recursive: true });
  } catch (e) {
    throw new SweepError(`${dir}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  writeFileSync(join(dir, 'sweep.json'), `${JSON.stringify(def, null, 2)}\n`);

  const out = opts.stderr ?? process.stderr;
  const t0 = performance.now();
  let done = 0;
  let failed = 0;
  const report = (run: SweepRun, r: SweepTaskResult) => {
    done++;
    const head = `[${done}/${runs.length}] ${run.id}`;
    if (!r.ok) {
      failed++;
      out.write(`${head} FAILED after ${fmtSeconds(r.seconds)}: ${(r.error ?? '').split('\n')[0]}\n`);
    } else if (!opts.quiet) out.write(`${head} ${fmtSeconds(r.seconds)}\n`);
  };
  const task = (run: SweepRun): SweepTask => ({
    file: opts.file,
    sets: [...def.sets, ...gridSets(def.grid, run.values)],
    seed: run.seed,
    ...(opts.blocks !== undefined && { blocks: opts.blocks }),
    dir: join(dir, 'runs', run.id),
    version: opts.version,
  });

  const threads = Math.min(workers, runs.length);
  if (threads <= 1) {
    for (const run of runs) report(run, runSweepTask(task(run)));
  } else {
    const pool = new Tinypool({
      filename: new URL('./sweepWorker.mjs', import.meta.url).href,
      minThreads: threads,
      maxThreads: threads,
      // 64 MB semi-spaces, as bin/taosim.js gives a run (docs/performance.md, "Garbage collection"); V8's young
      // generation is three semi-spaces.
      resourceLimits: { maxYoungGenerationSizeMb: 3 * 64 },
    });
    try {
      await Promise.all(
        runs.map((run) =>
          (pool.run(task(run)) as Promise<SweepTaskResult>).then(
            (r) => report(run, r),
            (e: unknown) => {
              // the worker itself failed (crashed, out of memory, could not load): record it like a run error
              const error = `worker failed: ${e instanceof Error ? e.message : String(e)}`;
              writeRunError(join(dir, 'runs', run.id), error);
              report(run, { ok: false, seconds: 0, error });
            },
          ),
        ),
      );
    } finally {
      await pool.destroy();
    }
  }

  const index = join(dir, indexFile(opts.shard));
  writeFileSync(index, sweepCsv(dir, def, runs).csv);
  if (!opts.quiet) {
    const what = opts.shard ? ` (shard ${opts.shard.index}/${opts.shard.count})` : '';
    out.write(
      `taosim: ${runs.length} runs${what} in ${fmtSeconds((performance.now() - t0) / 1000)} on ` +
        `${Math.max(1, threads)} ${threads > 1 ? 'worker threads' : 'thread'}; wrote ${index}\n`,
    );
  }
  return { dir, index, runs: runs.length, failed };
}

/** Read `<dir>/sweep.json` back (for --collect). */
export function readSweepDefinition(dir: string): SweepDefinition {
  const file = join(dir, 'sweep.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SweepError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let def: SweepDefinition;
  try {
    def = parseJsonFile(text, file) as SweepDefinition;
  } catch (e) {
    throw new SweepError((e as Error).message);
  }
  const ok =
    Array.isArray(def.seeds) &&
    def.seeds.every((s) => Number.isSafeInteger(s)) &&
    Array.isArray(def.grid) &&
    def.grid.every((a) => typeof a?.key === 'string' && Array.isArray(a.values));
  if (!ok)
    throw new SweepError(`${file}: not a sweep definition (expected seeds and grid as taosim sweep writes them)`);
  return def;
}

/**
 * `--collect <dir>`: rebuild `<dir>/sweep.csv` over every run of the sweep from the run folders, e.g. after the
 * shards of a cluster have been copied into one folder. Returns how many runs are missing or failed.
 */
export function collectSweep(dir: string): { index: string; runs: number; missing: number; failed: number } {
  const def = readSweepDefinition(dir);
  const runs = planRuns(def.seeds, def.grid);
  const { csv, status } = sweepCsv(dir, def, runs);
  const index = join(dir, 'sweep.csv');
  writeFileSync(index, csv);
  return {
    index,
    runs: runs.length,
    missing: status.filter((s) => s === 'missing').length,
    failed: status.filter((s) => s === 'error').length,
  };
}
