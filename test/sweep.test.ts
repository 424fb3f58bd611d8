import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { inShard, parseGrid, parseSeeds, parseShard, planRuns, runSweep, SweepError } from '../sim/io/sweep.ts';
import { runSweepTask, writeRunError } from '../sim/io/sweepTask.ts';

const root = new URL('..', import.meta.url).pathname;
const spawn = (cmd: string[]) => spawnSync(cmd[0]!, cmd.slice(1), { cwd: root, encoding: 'utf8' });
const taosim = (...args: string[]) => spawn([process.execPath, join(root, 'bin/taosim.js'), ...args]);
/** The other way in: the TypeScript CLI through tsx, without bin/taosim.js's register(). */
const viaTsx = (...args: string[]) => spawn([join(root, 'node_modules/.bin/tsx'), 'sim/cli.ts', ...args]);
const tmp = mkdtempSync(join(tmpdir(), 'taosim-sweep-'));

const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof SweepError) return e.message;
    throw e;
  }
  throw new Error('expected a SweepError');
};

describe('sweep options', () => {
  it('read --seeds as a range, a list, a single number or a mix, in the order given', () => {
    expect(parseSeeds('1..5')).toEqual([1, 2, 3, 4, 5]);
    expect(parseSeeds('1,2,5')).toEqual([1, 2, 5]);
    expect(parseSeeds('7')).toEqual([7]);
    expect(parseSeeds('0')).toEqual([0]);
    expect(parseSeeds('10..12,3')).toEqual([10, 11, 12, 3]);
  });

  it('refuse bad --seeds with a message naming the option', () => {
    for (const bad of ['', 'a', '1.5', '-1', '1..', '..3', '1,,2', '1...3', '1e3', '99999999999999999']) {
      expect(errorOf(() => parseSeeds(bad))).toMatch(/^--seeds expects a range 1\.\.100, a list 1,2,5 or a single/);
    }
    expect(errorOf(() => parseSeeds('3..1'))).toContain('the range "3..1" is empty');
    expect(errorOf(() => parseSeeds('1..3,2'))).toContain('seed 2 appears twice in "1..3,2"');
    expect(errorOf(() => parseSeeds('1..2000000'))).toContain('more than 1000000 seeds');
  });

  it('read --grid as path=v1,v2,… with YAML values (commas inside brackets stay in a value)', () => {
    expect(parseGrid('chain.tao_weight=0.1,0.18,0.3')).toEqual({
      key: 'chain.tao_weight',
      values: ['0.1', '0.18', '0.3'],
    });
    expect(parseGrid('subnets[0].miners.count=32, 64')).toEqual({
      key: 'subnets[0].miners.count',
      values: ['32', '64'],
    });
    expect(parseGrid('chain.consensus_mode=float')).toEqual({ key: 'chain.consensus_mode', values: ['float'] });
    expect(parseGrid('x.y=[1,2],{a: 1, b: 2},"c,d"').values).toEqual(['[1,2]', '{a: 1, b: 2}', '"c,d"']);
  });

  it('refuse a bad --grid with a message naming the option', () => {
    const msg = (spec: string) => errorOf(() => parseGrid(spec));
    expect(msg('chain.tao_weight')).toBe(
      '--grid expects path=v1,v2,… (e.g. chain.tao_weight=0.1,0.18); no "=" in "chain.tao_weight"',
    );
    expect(msg('chain.tao_weight=')).toContain('an empty value');
    expect(msg('chain.tao_weight=0.1,,0.2')).toContain('an empty value');
    expect(msg('chain.tao_weight=0.1,0.1')).toContain('the value "0.1" appears twice');
    expect(msg('=1,2')).toContain('is not a scenario path');
    expect(msg('chain..x=1')).toContain('is not a scenario path');
    expect(msg('seed=1,2')).toContain('--seeds');
  });

  it('read --shard i/N (1-based) and refuse anything else', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/2', '3/2', '1/0', '1', '1/2/3', 'a/b', '-1/2', '']) {
      expect(errorOf(() => parseShard(bad))).toMatch(/^--shard expects i\/N with 1 ≤ i ≤ N/);
    }
  });

  it('enumerate grid keys outermost (first slowest) and seeds innermost, with readable stable ids', () => {
    const runs = planRuns([3, 1], [parseGrid('chain.tao_weight=0.1,0.2'), parseGrid('subnets[0].miners.count=8,16')]);
    expect(runs.map((r) => [r.index, r.id, r.seed, r.values])).toEqual([
      [0, 'chain.tao_weight-0.1__subnets.0.miners.count-8__seed-3', 3, ['0.1', '8']],
      [1, 'chain.tao_weight-0.1__subnets.0.miners.count-8__seed-1', 1, ['0.1', '8']],
      [2, 'chain.tao_weight-0.1__subnets.0.miners.count-16__seed-3', 3, ['0.1', '16']],
      [3, 'chain.tao_weight-0.1__subnets.0.miners.count-16__seed-1', 1, ['0.1', '16']],
      [4, 'chain.tao_weight-0.2__subnets.0.miners.count-8__seed-3', 3, ['0.2', '8']],
      [5, 'chain.tao_weight-0.2__subnets.0.miners.count-8__seed-1', 1, ['0.2', '8']],
      [6, 'chain.tao_weight-0.2__subnets.0.miners.count-16__seed-3', 3, ['0.2', '16']],
      [7, 'chain.tao_weight-0.2__subnets.0.miners.count-16__seed-1', 1, ['0.2', '16']],
    ]);
    expect(planRuns([1, 2], []).map((r) => r.id)).toEqual(['seed-1', 'seed-2']);
    // names that would collide once sanitised: every run falls back to run-<index>, zero-padded
    const clash = planRuns(parseSeeds('1..6'), [parseGrid('x.name="a b","a_b"')]);
    expect(clash.map((r) => r.id)).toEqual(Array.from({ length: 12 }, (_, i) => `run-${String(i).padStart(2, '0')}`));
  });

  it('split the runs into disjoint shards by index mod N that together make the whole sweep', () => {
    const runs = planRuns(parseSeeds('1..7'), [parseGrid('a=1,2,3')]);
    const shards = [1, 2, 3, 4].map((i) => runs.filter((r) => inShard(r, { index: i, count: 4 })).map((r) => r.index));
    expect(shards[1]).toEqual([1, 5, 9, 13, 17]);
    expect(shards.flat().sort((a, b) => a - b)).toEqual(runs.map((r) => r.index));
  });
});

const SWEEP = ['scenarios/baseline.yaml', '--seeds', '1,2', '--grid', 'chain.tao_weight=0.05,0.18', '--blocks', '720'];
const IDS = [
  'chain.tao_weight-0.05__seed-1',
  'chain.tao_weight-0.05__seed-2',
  'chain.tao_weight-0.18__seed-1',
  'chain.tao_weight-0.18__seed-2',
];
const dirs = { serial: join(tmp, 'serial'), pool: join(tmp, 'pool'), sharded: join(tmp, 'sharded') };
const read = (...p: string[]) => readFileSync(join(...p), 'utf8');
const withoutWallTime = (summary: string) => summary.replace(/\n {2}"wall_seconds": [\d.]+,/, '');
/** Every file under a folder, relative paths, sorted. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .sort();

describe('taosim sweep', () => {
  const results: Record<string, ReturnType<typeof taosim>> = {};
  beforeAll(() => {
    results.serial = taosim('sweep', ...SWEEP, '--workers', '1', '--out', dirs.serial);
    results.pool = taosim('sweep', ...SWEEP, '--workers', '2', '--out', dirs.pool);
    // the two shards into one folder, each on a pool of 2 threads, one launched through tsx directly
    results.shard1 = taosim('sweep', ...SWEEP, '--workers', '2', '--shard', '1/2', '--out', dirs.sharded, '--quiet');
    results.shard2 = viaTsx('sweep', ...SWEEP, '--workers', '2', '--shard', '2/2', '--out', dirs.sharded, '--quiet');
  }, 120_000);

  it('runs every seed × grid value, a progress line per run and a final line', () => {
    for (const k of ['serial', 'pool', 'shard1', 'shard2']) expect([k, results[k]!.status]).toEqual([k, 0]);
    const lines = results.pool!.stderr.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(
      lines
        .slice(0, 4)
        .map((l) => l.replace(/^\[\d\/4\] (\S+) [\d.]+ s$/, '$1'))
        .sort(),
    ).toEqual(IDS);
    expect(lines[4]).toMatch(/^taosim: 4 runs in [\d.]+ s on 2 worker threads; wrote .*sweep\.csv$/);
    expect(results.shard1!.stderr).toBe('');
    expect(filesUnder(join(dirs.serial, 'runs'))).toEqual(
      IDS.flatMap((id) => ['network.csv', 'subnets.csv', 'summary.json'].map((f) => join(id, f))),
    );
  });

  it('writes sweep.csv in run order with the figures of each run’s summary.json', () => {
    const rows = parse(read(dirs.serial, 'sweep.csv'), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([
      'index',
      'run_id',
      'seed',
      'chain.tao_weight',
      'status',
      'blocks',
      'final_issuance',
      'halving_blocks',
      'validator_apy_mean',
      'gini_stake',
      'nakamoto_stake',
      'adversarial_share',
      'refused_actions',
      'scenario_hash',
      'error',
    ]);
    expect(rows.map((r) => [r.index, r.run_id, r.seed, r['chain.tao_weight'], r.status])).toEqual([
      ['0', IDS[0], '1', '0.05', 'ok'],
      ['1', IDS[1], '2', '0.05', 'ok'],
      ['2', IDS[2], '1', '0.18', 'ok'],
      ['3', IDS[3], '2', '0.18', 'ok'],
    ]);
    for (const row of rows) {
      const summary = JSON.parse(read(dirs.serial, 'runs', row.run_id!, 'summary.json')) as Record<string, unknown>;
      expect(summary.seed).toBe(Number(row.seed));
      expect(summary.blocks).toBe(720);
      expect(row.blocks).toBe('720');
      expect(row.final_issuance).toBe(summary.final_issuance);
      expect(Number(row.validator_apy_mean)).toBe(summary.validator_apy_mean);
      expect(Number(row.gini_stake)).toBe(summary.gini_stake);
      expect(Number(row.nakamoto_stake)).toBe(summary.nakamoto_stake);
      expect(Number(row.adversarial_share)).toBe(summary.adversarial_share);
      expect(Number(row.refused_actions)).toBe(summary.refused_actions);
      expect(row.scenario_hash).toBe(summary.scenario_hash);
      expect(row.error).toBe('');
    }
    // the grid value reached the runs: tao_weight changes validators' returns, the seed changes stake
    expect(rows[0]!.validator_apy_mean).not.toBe(rows[2]!.validator_apy_mean);
    expect(rows[0]!.gini_stake).not.toBe(rows[1]!.gini_stake);
    expect(read(dirs.serial, 'sweep.csv')).not.toContain('wall');
  });

  it('writes sweep.json with the definition', () => {
    const def = JSON.parse(read(dirs.serial, 'sweep.json')) as Record<string, unknown>;
    expect(def).toMatchObject({
      scenario: 'baseline',
      file: 'scenarios/baseline.yaml',
      seeds: [1, 2],
      grid: [{ key: 'chain.tao_weight', values: ['0.05', '0.18'] }],
      sets: [],
      blocks: 720,
      version: JSON.parse(read(root, 'package.json')).version,
      runs: 4,
      run_ids: IDS,
    });
    expect(def.file_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('each run is exactly `taosim run` with that seed and those --set values', () => {
    const direct = join(tmp, 'direct');
    const ok = taosim(
      'run',
      'scenarios/baseline.yaml',
      '--seed',
      '2',
      '--set',
      'chain.tao_weight=0.05',
      '--blocks',
      '720',
      '--quiet',
      '--out',
      direct,
    );
    expect(ok.status).toBe(0);
    for (const f of ['network.csv', 'subnets.csv']) expect(read(direct, f)).toBe(read(dirs.serial, 'runs', IDS[1]!, f));
    expect(withoutWallTime(read(direct, 'summary.json'))).toBe(
      withoutWallTime(read(dirs.serial, 'runs', IDS[1]!, 'summary.json')),
    );
  });

  it('writes the same bytes with 1 or 2 workers, and as two shards merged by --collect', () => {
    const collect = taosim('sweep', '--collect', dirs.sharded);
    expect([collect.status, collect.stderr]).toEqual([0, `taosim: 4 runs; wrote ${dirs.sharded}/sweep.csv\n`]);
    const shard2 = parse(read(dirs.sharded, 'sweep.shard-2-of-2.csv'), { columns: true }) as Record<string, string>[];
    expect(shard2.map((r) => r.run_id)).toEqual([IDS[1], IDS[3]]);
    const expected = filesUnder(dirs.serial);
    expect(expected).toContain('sweep.csv');
    expect(filesUnder(dirs.pool)).toEqual(expected);
    expect(filesUnder(dirs.sharded)).toEqual([...expected, 'sweep.shard-1-of-2.csv', 'sweep.shard-2-of-2.csv'].sort());
    for (const other of [dirs.pool, dirs.sharded]) {
      for (const f of expected) {
        const [a, b] = [read(dirs.serial, f), read(other, f)];
        if (f.endsWith('summary.json')) expect(withoutWallTime(b), f).toBe(withoutWallTime(a));
        else expect(b, `${other}/${f}`).toBe(a);
      }
    }
  });

  it('refuses an unknown --grid key with one line, exit 2, and writes nothing', () => {
    const out = join(tmp, 'never');
    const r = taosim('sweep', 'scenarios/baseline.yaml', '--seeds', '1..3', '--grid', 'chain.tao_wieght=0.1,0.2');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^taosim: scenarios\/baseline\.yaml: chain\.tao_wieght \(from the command line\): unknown key `tao_wieght` \(did you mean `tao_weight`\?\).* \(with --grid chain\.tao_wieght=0\.1\)\n$/,
    );
    const bad = taosim('sweep', 'scenarios/baseline.yaml', '--seeds', '1', '--grid', 'chain.tao_weight=0.1,abc');
    expect([bad.status, bad.stderr]).toEqual([
      2,
      expect.stringMatching(
        /chain\.tao_weight \(from the command line\): .*got "abc" \(with --grid chain\.tao_weight=abc\)\n$/,
      ),
    ]);
    for (const args of [
      ['--seeds', '2..1'],
      ['--seeds', '1', '--shard', '3/2'],
      ['--seeds', '1', '--grid', 'x'],
    ]) {
      const e = taosim('sweep', 'scenarios/baseline.yaml', ...args, '--out', out);
      expect([e.status, e.stderr.split('\n').length]).toEqual([2, 2]);
      expect(e.stderr).toMatch(/^taosim: --(seeds|shard|grid) expects/);
    }
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(root, 'out/sweeps/baseline/runs/chain.tao_wieght-0.1__seed-1'))).toBe(false);
  });

  it('refuses, before any run, a grid value the genesis cannot take (an issuance below what is held), exit 2', () => {
    const out = join(tmp, 'refused');
    const r = taosim(
      'sweep',
      'scenarios/baseline.yaml',
      '--seeds',
      '1',
      '--grid',
      'chain.issuance=0,11000000',
      '--quiet',
      '--out',
      out,
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('chain.issuance: 0 TAO is below the');
    expect(r.stderr).toContain('(with --grid chain.issuance=0)');
    expect(existsSync(out)).toBe(false);
  });

  it('leaves error.txt for a run that throws, and sweep.csv marks it, keeps the others, exits 1', () => {
    // A run that throws: its scenario file gone by the time it runs (what a worker meets on a broken disk, say).
    const task = { file: join(tmp, 'gone.yaml'), sets: [], seed: 1, dir: join(tmp, 'task-run'), version: 't' };
    const result = runSweepTask(task);
    expect(result.ok).toBe(false);
    expect(read(tmp, 'task-run/error.txt')).toBe(`${task.file}: cannot read (ENOENT)\n`);
    // The same, inside a sweep's folder: a run replaced by error.txt, then --collect rebuilds sweep.csv.
    const out = join(tmp, 'failing');
    const ok = taosim('sweep', 'scenarios/halving.yaml', '--seeds', '1,2', '--blocks', '20', '--quiet', '--out', out);
    expect(ok.status).toBe(0);
    writeRunError(join(out, 'runs/seed-1'), 'genesis went wrong');
    const r = taosim('sweep', '--collect', out);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`taosim: 0 of 2 runs missing, 1 failed; see ${out}/sweep.csv`);
    const rows = parse(read(out, 'sweep.csv'), { columns: true }) as Record<string, string>[];
    expect(rows.map((x) => [x.run_id, x.status, x.final_issuance === '', x.error ?? ''])).toEqual([
      ['seed-1', 'error', true, 'genesis went wrong'],
      ['seed-2', 'ok', false, ''],
    ]);
  });
});

describe('a sweep whose --blocks ends before some of the scenario’s events', () => {
  it('names them once in a warning (the runs themselves are quiet), and not with --quiet', async () => {
    const lines: string[] = [];
    const file = join(tmp, 'late.yaml');
    writeFileSync(
      file,
      `${readFileSync(join(root, 'scenarios/cabal.yaml'), 'utf8')}\nevents:\n  - { at: 5000, tao_weight: 0.2 }\n`,
    );
    const opts = { file, seeds: [1, 2], grid: [], sets: [], blocks: 50, version: 'test', workers: 1 };
    await runSweep({ ...opts, outDir: join(tmp, 'late'), stderr: { write: (s: string) => lines.push(s) } });
    expect(lines.filter((l) => l.includes('warning'))).toEqual([
      `taosim: warning: ${file}: events[0] at block 5000 comes after the run's last block (50): it never happens\n`,
    ]);
    const quiet: string[] = [];
    await runSweep({
      ...opts,
      outDir: join(tmp, 'late-q'),
      quiet: true,
      stderr: { write: (s: string) => quiet.push(s) },
    });
    expect(quiet).toEqual([]);
  }, 60_000);
});

describe('sweep --workers', () => {
  it('takes a whole number from 1, and says so the same way for 0 and for text (exit 2)', () => {
    for (const bad of ['0', 'x']) {
      const r = taosim('sweep', 'scenarios/baseline.yaml', '--seeds', '1', '--workers', bad, '--out', join(tmp, 'w'));
      expect([r.status, r.stderr]).toEqual([2, `taosim: --workers expects a whole number from 1, got "${bad}"\n`]);
    }
    expect(existsSync(join(tmp, 'w'))).toBe(false);
  });
});
