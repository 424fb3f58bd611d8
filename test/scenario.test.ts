import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SUBNET_PARAMS } from '../sim/economy/genesis.ts';
import { subnetToPrune } from '../sim/economy/ops/registerSubnet.ts';
import { buildScenario } from '../sim/engine/buildScenario.ts';
import { loadScenario, ScenarioError } from '../sim/io/loadScenario.ts';
import { runScenarioFile } from '../sim/io/runScenarioFile.ts';
import { durationBlocks } from '../sim/io/scenarioSchema.ts';

const root = new URL('..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'taosim-scenario-'));
const baseline = readFileSync(join(root, 'scenarios/baseline.yaml'), 'utf8');
const problemsOf = (text: string, sets: string[] = []): string[] => {
  try {
    loadScenario(text, 'x.yaml', sets);
  } catch (e) {
    if (e instanceof ScenarioError) return [...e.problems];
    throw e;
  }
  return [];
};

describe('scenario files', () => {
  it('read durations as blocks at 12 s: 30d = 216 000, 1y = 2 629 800', () => {
    expect([durationBlocks('30d'), durationBlocks('1y'), durationBlocks('12h'), durationBlocks(500)]).toEqual([
      216_000, 2_629_800, 3600, 500,
    ]);
  });

  it('name line, column, field and the closest key for an unknown key', () => {
    const text = baseline.replace('  tao_weight: 0.18', '  tao_wieght: 0.18');
    const line = text.split('\n').findIndex((l) => l.includes('tao_wieght')) + 1;
    expect(problemsOf(text)).toEqual([
      expect.stringMatching(
        new RegExp(`^${line}:3: chain\\.tao_wieght: unknown key \`tao_wieght\` \\(did you mean \`tao_weight\`\\?\\)`),
      ),
    ]);
  });

  it('suggest the closest key inside a miner group, given as one group or as a list of groups', () => {
    const one = baseline.replace('{ count: 64, quality_mean: 0.5', '{ count: 64, qualty_mean: 0.5');
    expect(problemsOf(one)).toEqual([
      expect.stringMatching(
        /subnets\[0\]\.miners\.qualty_mean: unknown key .*did you mean `quality_mean`.*; expected one of count, quality_mean/,
      ),
    ]);
    const list = one.replace(
      /miners: \{ count: 64, qualty_mean: 0\.5([^}]*)\}/,
      'miners: [{ count: 64, qualty_mean: 0.5$1}]',
    );
    expect(problemsOf(list)).toEqual([
      expect.stringMatching(/subnets\[0\]\.miners\[0\]\.qualty_mean: unknown key .*did you mean `quality_mean`/),
    ]);
  });

  it('say a missing key is missing, at the line of the mapping that lacks it', () => {
    const text = baseline.replace(/(validators:\n\s+- \{ count: \d+), stake: \d+/, '$1');
    const line = text.split('\n').findIndex((l) => l.includes('validators:')) + 2;
    expect(problemsOf(text)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${line}:\\d+: subnets\\[0\\]\\.validators\\[0\\]\\.stake: missing: a value is required \\(number\\)$`,
        ),
      ),
    ]);
  });

  it('name what was expected and what was found for a bad value, nested in a list', () => {
    const [p] = problemsOf(baseline.replace('{ count: 64, quality_mean: 0.5', '{ count: -3, quality_mean: 0.5'));
    expect(p).toMatch(/^\d+:\d+: subnets\[0\]\.miners\.count: expected at least 1, got -3$/);
  });

  it('say what a field expects in plain words: types, choices, bounds, and the shape of a group or a list', () => {
    expect(
      problemsOf(baseline, ['subnets[0].miners.count=ten', 'seed=1.5', 'subnets[0].validators[0].kind=evil']),
    ).toEqual([
      ' seed (from the command line): expected an integer, got 1.5',
      ' subnets[0].validators[0].kind (from the command line): expected one of "honest", "lazy", "cabal", got "evil"',
      ' subnets[0].miners.count (from the command line): expected a number, got "ten"',
    ]);
    // A union with a literal option (chain.halving: issuance or {calendar_blocks}): a mapping is read as the mapping.
    expect(problemsOf(baseline, ['chain.halving={calendar_blocks: ten}'])).toEqual([
      ' chain.halving.calendar_blocks (from the command line): expected a number, got "ten"',
    ]);
    expect(problemsOf(baseline, ['chain.halving=calendar'])).toEqual([
      ' chain.halving (from the command line): expected "issuance" or a mapping of keys, got "calendar"',
    ]);
    expect(problemsOf(baseline, ['chain.halving={calendar_block: 5}'])).toContainEqual(
      expect.stringMatching(/unknown key `calendar_block` \(did you mean `calendar_blocks`\?\)/),
    );
    expect(problemsOf(baseline, ['subnets[0].miners=5', 'subnets[1].name=""', 'subnets[2].validators=[]'])).toEqual([
      ' subnets[0].miners (from the command line): expected a mapping of keys or a list, got 5',
      ' subnets[1].name (from the command line): expected at least 1 character, got ""',
      ' subnets[2].validators (from the command line): expected at least 1 entry, got []',
    ]);
  });

  it('refuse a subnet with more neurons than max_allowed_uids, pointing at the miner count', () => {
    expect(problemsOf(baseline, ['subnets[2].miners.count=260'])).toEqual([
      expect.stringMatching(
        /subnets\[2\]\.miners\.count \(from the command line\): the owner, validators and miners need 265 uids but max_allowed_uids is 256, got 260$/,
      ),
    ]);
  });

  it('refuse a dynamic pool without TAO or alpha (no price), and accept an empty stable one', () => {
    expect(problemsOf(baseline, ['subnets[1].pool.alpha=0'])).toEqual([
      expect.stringMatching(
        /^ subnets\[1\]\.pool\.alpha \(from the command line\): a dynamic pool needs alpha of at least 1 rao \(1e-9; its price is tao\/alpha\); a subnet without a pool is `mechanism: stable` \(\[legacy\] price 1\), got 0$/,
      ),
    ]);
    expect(problemsOf(baseline, ['subnets[2].pool.tao=-1'])).toEqual([
      ' subnets[2].pool.tao (from the command line): expected at least 0, got -1',
    ]);
    expect(problemsOf(baseline, ['subnets[2].pool.tao=0'])).toEqual([
      expect.stringMatching(
        /subnets\[2\]\.pool\.tao \(from the command line\): a dynamic pool needs tao of at least 1 rao/,
      ),
    ]);
    expect(
      problemsOf(baseline, ['subnets[2].pool.tao=0', 'subnets[2].pool.alpha=0', 'subnets[2].mechanism=stable']),
    ).toEqual([]);
  });

  it('refuse repeated subnet names, more subnets than subnet_limit, issuance past the cap, a pool of under 1 rao', () => {
    expect(problemsOf(baseline, ['subnets[1].name=text'])).toEqual([
      ' subnets[1].name (from the command line): a name of its own: "text" is subnets[0]\'s (names identify subnets in events and keys), got "text"',
    ]);
    expect(problemsOf(baseline, ['subnets[0].copies=126'])).toEqual([]); // 126 + 2 = 128: at the limit
    expect(problemsOf(baseline, ['subnets[0].copies=127'])).toEqual([
      ' subnets[0].copies (from the command line): at most chain.subnet_limit (128) subnets; the scenario has 129 (copies included), got 127',
    ]);
    expect(problemsOf(baseline, ['chain.issuance=21000001'])).toEqual([
      ' chain.issuance (from the command line): expected at most 21000000, got 21000001',
    ]);
    expect(problemsOf(baseline, ['subnets[0].pool.tao=0.0000000004'])).toEqual([
      expect.stringMatching(
        /subnets\[0\]\.pool\.tao \(from the command line\): a dynamic pool needs tao of at least 1 rao/,
      ),
    ]);
  });

  it('say what a date, a duration or an age takes', () => {
    expect(
      problemsOf(baseline, ['events[0]={at: -3d, tao_weight: 0.1}', 'start=2026-13-45', 'subnets[0].age=0.5']),
    ).toEqual([
      ' start (from the command line): expected an ISO 8601 date and time like 2026-07-03T12:00:00Z, got "2026-13-45"',
      ' subnets[0].age (from the command line): expected an integer or text, got 0.5',
      ' events[0].at (from the command line): expected a block count or e.g. 30d, 12h, 2w, 1y or an ISO 8601 date and time like 2026-07-03T12:00:00Z, got "-3d"',
    ]);
  });

  it('refuse an offline window that ends before it starts, pointing at its end', () => {
    const text = baseline.replace(
      '{ count: 4, stake: 10000, noise: 0.05 }',
      '{ count: 4, stake: 10000, offline: [{ from: 2d, to: 1d }] }',
    );
    const line = text.split('\n').findIndex((l) => l.includes('offline')) + 1;
    expect(problemsOf(text)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${line}:\\d+: subnets\\[2\\]\\.validators\\[0\\]\\.offline\\[0\\]\\.to: the end of the window after its start \\(from is block 14400, to is block 7200\\), got "1d"$`,
        ),
      ),
    ]);
    expect(problemsOf(text.replace('from: 2d, to: 1d', 'from: 1d, to: 2d'))).toEqual([]);
    // An end that is no duration is reported once, as such (the order check skips it).
    expect(problemsOf(text.replace('from: 2d, to: 1d', 'from: 2 days, to: 3d'))).toEqual([
      expect.stringMatching(/offline\[0\]\.from: a block count or e\.g\. 30d, 12h, 2w, 1y, got "2 days"$/),
    ]);
  });

  it('date subnets and their neurons `age` before the start (default 1y): past immunity, emission long started', () => {
    const old = buildScenario(loadScenario(baseline, 'x.yaml', ['chain.subnet_limit=3']));
    const year = 2_629_800;
    for (const sub of old.genesis.subnets) {
      expect([sub.registeredAt, sub.firstEmissionBlock]).toEqual([-year, -year]);
      expect(new Set(sub.neurons.registeredAt)).toEqual(new Set([-year]));
    }
    // At the subnet limit a subnet of a year ago may be pruned at once (NetworkImmunityPeriod 864 000 blocks)...
    expect(subnetToPrune(old.genesis, old.params)).not.toBeNull();
    // ...one registered at the start may not, for 120 days; its moving price's EMA starts its ramp then.
    const fresh = buildScenario(
      loadScenario(baseline, 'x.yaml', [
        'chain.subnet_limit=3',
        'subnets[0].age=0',
        'subnets[1].age=0',
        'subnets[2].age=0',
      ]),
    );
    expect(fresh.genesis.subnets.map((x) => [x.registeredAt, x.firstEmissionBlock])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(subnetToPrune(fresh.genesis, fresh.params)).toBeNull();
    expect(problemsOf(baseline, ['subnets[0].age=-1d'])).toEqual([
      expect.stringMatching(/subnets\[0\]\.age \(from the command line\): /),
    ]);
  });

  it('start each subnet’s moving price at min(spot, 1) unless pool.moving_price says otherwise', () => {
    const warm = buildScenario(loadScenario(baseline, 'x.yaml')).genesis.subnets;
    // text: 60 000 TAO / 120 000 alpha = 0.5 → 2^31 as I96F32 bits.
    expect(warm[0]!.movingPriceI96F32).toBe(1n << 31n);
    const set = buildScenario(loadScenario(baseline, 'x.yaml', ['subnets[0].pool.moving_price=0.25'])).genesis.subnets;
    expect(set[0]!.movingPriceI96F32).toBe(1n << 30n);
  });

  it('refuse a --set path that does not lead where it says (a key on a list, an index past the end, a key on a value)', () => {
    const setError = (set: string): string => {
      try {
        loadScenario(baseline, 'x.yaml', [set]);
      } catch (e) {
        if (e instanceof ScenarioError) return e.message;
        throw e;
      }
      return '';
    };
    expect(setError('subnets[0].validators.stake=6000')).toBe(
      '--set: subnets[0].validators.stake: subnets[0].validators is a list; name one of its entries, e.g. subnets[0].validators[0].stake',
    );
    expect(setError('subnets[5].name=x')).toBe(
      '--set: subnets[5].name: subnets has 3 entries (subnets[0] to subnets[2]), no subnets[5]',
    );
    expect(setError('chain.tao_weight.x=5')).toBe(
      '--set: chain.tao_weight.x: chain.tao_weight is a value (0.18), not a mapping or a list',
    );
    // A whole new entry at the end of a list, and a key under a mapping the file does not have, are fine.
    const s = loadScenario(baseline, 'x.yaml', [
      'events[0]={at: 2d, tao_weight: 0.1}',
      'subnets[0].hyperparameters.kappa=40000',
    ]);
    expect(s.events).toHaveLength(1);
    expect(s.subnets[0]!.hyperparameters?.kappa).toBe(40000);
  });

  it('apply --set overrides before validating them', () => {
    const s = loadScenario(baseline, 'x.yaml', ['chain.tao_weight=0.1', 'subnets[1].miners.count=7', 'seed=9']);
    expect([s.chain.tao_weight, (s.subnets[1]!.miners as { count: number }).count, s.seed]).toEqual([0.1, 7, 9]);
    expect(problemsOf(baseline, ['chain.tao_weight=2'])).toEqual([
      expect.stringMatching(/chain\.tao_weight \(from the command line\): expected at most 1, got 2$/),
    ]);
  });

  it('accept the worked example of the README', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(readme)![1]!;
    const s = loadScenario(example, 'README.md');
    expect([s.name, s.subnets.length, durationBlocks(s.duration)]).toEqual(['two-subnets', 2, 50_400]);
  });

  it('report YAML syntax errors with their position', () => {
    expect(problemsOf('name: x\n  bad: [\n')[0]).toMatch(/^\d+:\d+: YAML: /);
  });
});

describe('taosim run', () => {
  it('gives byte-identical CSV for the same scenario and seed, and different CSV for another seed', () => {
    const run = (seed: number, out: string) =>
      runScenarioFile(join(root, 'scenarios/baseline.yaml'), {
        blocks: 1500,
        seed,
        outDir: join(tmp, out),
        quiet: true,
        version: 'test',
      });
    const a = run(42, 'a');
    const b = run(42, 'b');
    const c = run(7, 'c');
    for (const f of ['network.csv', 'subnets.csv'])
      expect(readFileSync(join(b, f), 'utf8')).toBe(readFileSync(join(a, f), 'utf8'));
    expect(readFileSync(join(c, 'subnets.csv'), 'utf8')).not.toBe(readFileSync(join(a, 'subnets.csv'), 'utf8'));
    const summary = JSON.parse(readFileSync(join(a, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ scenario: 'baseline', seed: 42, blocks: 1500, halving_blocks: [] });
    // 1500 blocks at 0.5 TAO (issuance 11 M is past the first halving) minus a few rao of rounding recycled.
    expect(Number(summary.final_issuance)).toBeCloseTo(11_000_750, 3);
  });

  it('replaces a previous run’s outputs in the folder, and leaves other files there alone', () => {
    const out = join(tmp, 'rerun');
    const run = (agents: boolean) =>
      runScenarioFile(join(root, 'scenarios/halving.yaml'), {
        blocks: 30,
        outDir: out,
        quiet: true,
        agents,
        version: 't',
      });
    run(true);
    writeFileSync(join(out, 'report.html'), 'an old report');
    writeFileSync(join(out, 'notes.txt'), 'mine');
    run(false);
    expect(existsSync(join(out, 'agents.csv'))).toBe(false);
    expect(existsSync(join(out, 'report.html'))).toBe(false);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
  });

  it('writes agents.csv with --agents: each agent’s stake, earnings and APY per sample', () => {
    const dir = runScenarioFile(join(root, 'scenarios/delegation.yaml'), {
      blocks: 800,
      outDir: join(tmp, 'agents'),
      quiet: true,
      agents: true,
      version: 'test',
    });
    const lines = readFileSync(join(dir, 'agents.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('block,date,agent,kind,netuid,stake,earned,apy');
    // 10 validators + 40 delegators (each on one subnet) at each of the 2 samples (blocks 360 and 720) + the last.
    expect(lines.filter((l) => l.startsWith('360,')).length).toBe(50);
    const v = lines.filter((l) => l.includes(',text-v0.0,honest,1,'));
    expect(Number(v.at(-1)!.split(',')[6])).toBeGreaterThan(0); // a validator earns
  });

  it('agents.csv has a validator’s root pool as netuid 0, growing by claimed root dividends (daily swap)', () => {
    const dir = runScenarioFile(join(root, 'scenarios/baseline.yaml'), {
      blocks: 7300,
      outDir: join(tmp, 'agents-root'),
      quiet: true,
      agents: true,
      version: 'test',
    });
    const rows = readFileSync(join(dir, 'agents.csv'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const rootRows = rows.filter((r) => r[2] === 'text-v0.0' && r[4] === '0');
    // 50 000 TAO on root (the scenario); nothing claimed before block 7200, then the first claim's TAO.
    expect(Number(rootRows[0]![5])).toBe(50_000);
    expect(rows.filter((r) => r[2] === 'storage-v0.0' && r[4] === '0')).toEqual([]); // no root stake there
    const before = rootRows.filter((r) => Number(r[0]) < 7200);
    expect(before.every((r) => Number(r[6]) === 0)).toBe(true);
    expect(Number(rootRows.at(-1)![6])).toBeGreaterThan(0);
  });

  it('exits 2 on a bad scenario, lists the problems, and writes nothing', () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, baseline.replace('name: baseline', 'name: bad-run').replace('tempo: 360', 'tmpo: 360'));
    const r = spawnSync(process.execPath, [join(root, 'bin/taosim.js'), 'run', bad, '--out', join(tmp, 'bad-out')], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:3: subnet_defaults\.tmpo: unknown key `tmpo` \(did you mean `tempo`\?\)/);
    expect(existsSync(join(tmp, 'bad-out'))).toBe(false);
  });
});

describe('scenario parameters reach the chain state', () => {
  it('maps every tokenomics and registration parameter, in the chain’s units', () => {
    const text = `
name: params
duration: 10
chain: { fee_rate: 0.001, subnet_limit: 64, min_lock: 500, lock_reduction_interval: 14400, network_immunity_period: 7200 }
subnet_defaults:
  burn_half_life: 720
  burn_increase_mult: 1.26
  min_burn: 0.001
  max_burn: 50
  max_registrations_per_block: 3
  min_non_immune_uids: 4
  registration_allowed: true
  emission_enabled: false
  commit_reveal: false
  reveal_period: 2
subnets:
  - name: a
    pool: { tao: 100, alpha: 100 }
    validators: [{ count: 1, stake: 10 }]
    miners: { count: 2 }
`;
    const sim = buildScenario(loadScenario(text, 'params.yaml'));
    expect(sim.params).toMatchObject({
      feeRateU16: 66, // round(0.001 · 65535)
      subnetLimit: 64,
      minLockRao: 500_000_000_000n,
      lockReductionInterval: 14_400,
      networkImmunityPeriod: 7_200,
    });
    expect(sim.genesis.subnets[0]!.params).toMatchObject({
      burnHalfLife: 720,
      burnIncreaseMultU64F64: DEFAULT_SUBNET_PARAMS.burnIncreaseMultU64F64, // 1.26 exactly as the chain's default
      minBurnRao: 1_000_000n,
      maxBurnRao: 50_000_000_000n,
      maxRegistrationsPerBlock: 3,
      minNonImmuneUids: 4,
      registrationAllowed: true,
      emissionEnabled: false,
      commitRevealEnabled: false,
      revealPeriodEpochs: 2,
    });
  });
});
