import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NETWORK_COLUMNS, SUBNET_COLUMNS } from '../analysis/sampleRows.ts';

const root = new URL('..', import.meta.url).pathname;
const taosim = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'bin/taosim.js'), ...args], { cwd: root, encoding: 'utf8' });
const tmp = mkdtempSync(join(tmpdir(), 'taosim-cli-'));

describe('taosim epoch', () => {
  it('says why --out cannot be written: a folder by that name, or a file on its way (exit 2)', () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    const under = taosim('epoch', '--in', 'test/vectors/epoch_test_bonds.json', '--out', join(file, 'sub.json'));
    expect([under.status, under.stderr]).toEqual([
      2,
      `taosim: --out ${join(file, 'sub.json')}: ${file} is a file, not a folder\n`,
    ]);
    const folder = taosim('epoch', '--in', 'test/vectors/epoch_test_bonds.json', '--out', tmp);
    expect([folder.status, folder.stderr]).toEqual([
      2,
      `taosim: --out ${tmp} is a folder; give the file to write, e.g. ${join(tmp, 'epochs.json')}\n`,
    ]);
  });

  it('prints every epoch’s outputs as {"epochs":[…]} with the documented fields', () => {
    const r = taosim('epoch', '--in', 'test/vectors/epoch_test_bonds.json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { epochs: Record<string, unknown>[] };
    expect(out.epochs).toHaveLength(8);
    expect(Object.keys(out.epochs[0]!)).toEqual([
      'consensus_u16',
      'incentive_u16',
      'dividends_u16',
      'validator_trust_u16',
      'server_emission',
      'validator_emission',
      'emission',
      'bonds',
      'new_validator_permits',
      'active',
    ]);
    // test_bonds, block 3: validator 0's bond on miner 4 is 14582 (the chain's assert), rows sorted, zeros omitted.
    const bonds = out.epochs[2]!.bonds as [number, number][][];
    expect(bonds).toHaveLength(8);
    expect(bonds[0]).toContainEqual([4, 14582]);
    for (const row of bonds) {
      expect(row.map(([j]) => j)).toEqual(row.map(([j]) => j).sort((a, b) => a - b));
      expect(row.every(([, v]) => v > 0)).toBe(true);
    }
    // permits go to the staked uids 0..3 (top-k by stake, zero stake excluded)
    expect(out.epochs[0]!.new_validator_permits).toEqual([true, true, true, true, false, false, false, false]);
    expect(r.stdout).toContain('"active":[true,');
  });

  it('checks a vector against the chain, a line per epoch, exit 0', () => {
    const r = taosim('epoch', '--in', 'test/vectors/epoch_test_yuma_3_kappa_moves_first.json', '--check');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.endsWith(': ok'))).toHaveLength(6);
  });

  it('exits 1 and names the difference when a vector does not match', () => {
    const d = JSON.parse(readFileSync(join(root, 'test/vectors/epoch_test_bonds.json'), 'utf8'));
    d.scenario.epochs[2].expected.bonds_at[0][2] = 14583;
    writeFileSync(join(tmp, 'mismatch.json'), JSON.stringify(d));
    const r = taosim('epoch', '--in', join(tmp, 'mismatch.json'), '--check');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('epoch 2 (block 3): MISMATCH\n  bonds[0][4] = 14582, expected 14583');
  });

  it('refuses bad input with one line naming the file and field, exit 2, and writes nothing', () => {
    const d = JSON.parse(readFileSync(join(root, 'test/vectors/epoch_test_bonds.json'), 'utf8'));
    d.scenario.block_at_registration.push(1);
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify(d));
    const out = join(tmp, 'never.json');
    const r = taosim('epoch', '--in', bad, '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`taosim: ${bad}: scenario.block_at_registration: expected 8 entries (n), got 9\n`);
    expect(existsSync(out)).toBe(false);
    const missing = taosim('epoch', '--in', join(tmp, 'missing.json'));
    expect([missing.status, missing.stderr]).toEqual([
      2,
      `taosim: ${join(tmp, 'missing.json')}: cannot read (ENOENT)\n`,
    ]);
  });

  it('refuses invalid JSON with its line and column, exit 2', () => {
    const bad = join(tmp, 'invalid.json');
    writeFileSync(bad, '{\n  "scenario": {"n": 3,}\n}');
    const r = taosim('epoch', '--in', bad);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `taosim: ${bad}: invalid JSON: Expected double-quoted property name in JSON at position 24 (line 2, column 23)\n`,
    );
    expect(r.stdout).toBe('');
  });

  it('exits 2, not 1, on a usage error such as a missing --in or an unknown --mode', () => {
    const noIn = taosim('epoch');
    expect(noIn.status).toBe(2);
    expect(noIn.stderr).toContain("required option '--in <vector.json>' not specified");
    const badMode = taosim('epoch', '--in', 'test/vectors/epoch_test_bonds.json', '--mode', 'double');
    expect(badMode.status).toBe(2);
    expect(badMode.stderr).toContain('Allowed choices are fixed, float');
  });

  it('exits 2 when the result file cannot be written, and writes nothing', () => {
    const blocker = join(tmp, 'blocker');
    writeFileSync(blocker, '');
    const r = taosim(
      'epoch',
      '--in',
      'test/vectors/epoch_test_1_graph.json',
      '--out',
      join(blocker, 'deeper', 'r.json'),
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`taosim: --out ${join(blocker, 'deeper', 'r.json')}: ${blocker} is a file, not a folder\n`);
    expect(readFileSync(blocker, 'utf8')).toBe('');
  });

  it('writes the result file with --out', () => {
    const out = join(tmp, 'sub', 'r.json');
    const r = taosim('epoch', '--in', 'test/vectors/epoch_test_10_graph.json', '--out', out, '--mode', 'float');
    expect(r.status).toBe(0);
    expect((JSON.parse(readFileSync(out, 'utf8')) as { epochs: { emission: number[] }[] }).epochs[0]!.emission[0]).toBe(
      99999999,
    );
  });

  it('teaches with --help: options, defaults and a runnable example', () => {
    const r = taosim('epoch', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--mode <mode>');
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('default: "fixed"');
    expect(r.stdout).toContain('npx taosim epoch --in test/vectors/epoch_test_bonds.json --check');
    for (const option of ['--in <vector.json>', '--out <result.json>', '--dense', '--check'])
      expect(r.stdout).toContain(option);
    expect(r.stdout).toContain('Exit codes: 0 ok, 1 a --check mismatch, 2 bad input');
  });
});

describe('taosim run: the output folder', () => {
  it('refuses an --out that is a file (exit 2, the file untouched)', () => {
    const file = join(tmp, 'not-a-folder');
    writeFileSync(file, 'keep me');
    const r = taosim('run', 'scenarios/baseline.yaml', '--blocks', '10', '--quiet', '--out', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--out: ${file} exists and is not a folder`);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    expect(existsSync(`${file}.partial-${r.pid}`)).toBe(false);
  });

  it('refuses an --out below a file, a folder as the scenario, and reading errors, exit 2, without a stack trace', () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'keep me');
    const below = taosim('run', 'scenarios/baseline.yaml', '--blocks', '10', '--quiet', '--out', join(file, 'sub'));
    expect(below.status).toBe(2);
    expect(below.stderr.trim()).toBe(`taosim: --out: ${join(file, 'sub')}: ${file} is a file, not a folder`);
    const folder = taosim('run', 'scenarios/', '--quiet');
    expect(folder.status).toBe(2);
    expect(folder.stderr.trim()).toBe('taosim: scenarios/: cannot read (EISDIR)');
  });

  it('blames a bad value from the command line on the command line, not on the file’s line; --blocks from 1', () => {
    const r = taosim('run', 'scenarios/halving.yaml', '--set', 'name=../escaped', '--quiet');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(
      'taosim: scenarios/halving.yaml: name (from the command line): a plain name: letters, digits, ".", "_" or "-", not a path, got "../escaped"',
    );
    const zero = taosim('run', 'scenarios/halving.yaml', '--blocks', '0', '--quiet');
    expect(zero.status).toBe(2);
    expect(zero.stderr.trim()).toBe('taosim: --blocks expects a whole number from 1, got "0"');
    expect(taosim('--version').stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('refuses an issuance below what the scenario holds, and a --set value that is not YAML, exit 2, nothing run', () => {
    const out = join(tmp, 'never');
    const low = taosim('run', 'scenarios/halving.yaml', '--set', 'chain.issuance=1', '--quiet', '--out', out);
    expect(low.status).toBe(2);
    expect(low.stderr).toContain('chain.issuance: 1 TAO is below the');
    const bad = taosim(
      'run',
      'scenarios/halving.yaml',
      '--set',
      'subnets[0].miners.count=[1,2',
      '--quiet',
      '--out',
      out,
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--set: subnets[0].miners.count: the value is not valid YAML');
    expect(existsSync(out)).toBe(false);
    const sweep = taosim(
      'sweep',
      'scenarios/halving.yaml',
      '--seeds',
      '1',
      '--set',
      'chain.issuance=1',
      '--quiet',
      '--out',
      out,
    );
    expect(sweep.status).toBe(2);
    expect(sweep.stderr).toContain('chain.issuance: 1 TAO is below the');
    expect(existsSync(out)).toBe(false);
  });

  it('removes the temporary folders of interrupted runs into the same folder (dead processes only)', () => {
    const out = join(tmp, 'interrupted');
    // pid 2^22 + 1 is above Linux's pid_max ceiling: no such process. This test runner's pid is alive.
    const dead = `${out}.partial-${2 ** 22 + 1}`;
    const live = `${out}.partial-${process.pid}`;
    mkdirSync(dead);
    mkdirSync(live);
    const r = taosim('run', 'scenarios/baseline.yaml', '--blocks', '10', '--quiet', '--out', out);
    expect(r.status).toBe(0);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
  });

  it('stops quietly when its reader has closed the pipe (taosim run --help | true)', () => {
    // `true` exits without reading, long before node has started: the first write fails with EPIPE.
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" bin/taosim.js run --help | true`], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

/** A run CSV with the given columns and one row of numbers (text where the column holds text). */
const writeCsv = (file: string, columns: readonly string[], value = '1') =>
  writeFileSync(
    file,
    `${columns.join(',')}\n${columns.map((c) => (c === 'date' || c === 'name' ? 'x' : value)).join(',')}\n`,
  );

describe('taosim summarize', () => {
  it('refuses a folder whose CSV lacks columns or holds text where numbers belong, exit 2 (no NaN report)', () => {
    const dir = join(tmp, 'broken-csv');
    mkdirSync(dir, { recursive: true });
    writeCsv(join(dir, 'subnets.csv'), SUBNET_COLUMNS);
    writeFileSync(join(dir, 'summary.json'), '{}');
    writeFileSync(join(dir, 'network.csv'), 'block,date,issuance\n1,x,2\n');
    expect(taosim('report', dir).stderr).toBe(
      `taosim: ${dir}: not a run folder (network.csv lacks the columns block_emission, recycled, total_stake, staking_ratio, subnets)\n`,
    );
    writeCsv(join(dir, 'network.csv'), NETWORK_COLUMNS, 'notanumber');
    const r = taosim('report', dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `taosim: ${dir}: not a run folder (network.csv line 2: block is "notanumber", not a number)\n`,
    );
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });

  it('refuses a folder whose summary.json is not JSON, naming the line and column, exit 2', () => {
    const dir = join(tmp, 'broken-run');
    mkdirSync(dir, { recursive: true });
    writeCsv(join(dir, 'network.csv'), NETWORK_COLUMNS);
    writeCsv(join(dir, 'subnets.csv'), SUBNET_COLUMNS);
    writeFileSync(join(dir, 'summary.json'), '{\n  "name": x\n}\n');
    const r = taosim('summarize', dir);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `taosim: ${dir}: not a run folder (summary.json: invalid JSON: Unexpected character "x" at position 12 (line 2, column 11))\n`,
    );
  });
});
