import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { z } from 'zod';
import { compareRuns } from '../analysis/compareRuns.ts';
import { buildReport } from '../analysis/report/buildReport.ts';
import { summarizeRun } from '../analysis/summarizeRun.ts';
import { replayScenario } from './consensus/replay.ts';
import { checkAgainstExpected, formatEpochJson } from './io/epochJson.ts';
import { InputError } from './io/inputError.ts';
import { ScenarioError } from './io/loadScenario.ts';
import { parseJsonExact } from './io/parseJsonExact.ts';
import { readRun } from './io/readRun.ts';
import { runScenarioFile } from './io/runScenarioFile.ts';
import { scenarioSchema } from './io/scenarioSchema.ts';
import { collectSweep, parseGrid, parseSeeds, parseShard, runSweep, SweepError } from './io/sweep.ts';
import { readVectorFile } from './io/vectorFile.ts';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

/** Exit codes: 0 ok, 1 a --check mismatch, 2 bad input (nothing written). */
class UsageError extends Error {}

function readInput(file: string): ReturnType<typeof readVectorFile> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return readVectorFile(parseJsonExact(text, file));
  } catch (e) {
    if (e instanceof InputError)
      throw new UsageError(`${file}: ${e.path === file ? e.message.slice(file.length + 2) : e.message}`);
    throw e;
  }
}

// Output piped into a program that stops reading (`taosim run --help | head`): stop quietly, as Unix tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(0);
});

const program = new Command();
program
  .name('taosim')
  .description(
    'Deterministic simulator of the Bittensor (TAO) network economy, exact to the chain (subtensor 14bc6f9f).',
  )
  .version(version, '-V, --version', 'print the version')
  .showHelpAfterError('(add --help for usage and examples)')
  // Before any .command(): subcommands inherit it, so a usage error (missing/unknown option) exits 2, not 1.
  .exitOverride();

program
  .command('epoch')
  .summary('run the Yuma consensus kernel on an epoch vector file')
  .description(
    'Replay a multi-epoch vector (subtensor test-vector format, docs/vector-format.md) through the consensus ' +
      'kernel: bonds and validator permits carry over between epochs, as the chain stores them. Prints one JSON ' +
      'object {"epochs":[…]} with every epoch’s consensus, incentive, dividends, validator trust, emissions (rao), ' +
      'bonds, permits and active flags; with --check, prints a line per epoch comparing it with its "expected" ' +
      'values instead.',
  )
  .requiredOption('--in <vector.json>', 'the vector file to replay')
  .option('--out <result.json>', 'write the JSON result to this file (parent folders created) instead of stdout')
  .addOption(
    new Option('--mode <mode>', 'arithmetic: fixed = bit-exact I32F32 (default), float = plain doubles (not exact)')
      .choices(['fixed', 'float'])
      .default('fixed'),
  )
  .option(
    '--dense',
    "use the chain's test-only dense epoch (epoch_dense) instead of the production sparse one (default: the " +
      'file\'s "dense", else sparse)',
  )
  .option(
    '--check',
    'compare with each epoch’s "expected" (the file’s tolerance); print a line per epoch; exit 1 on a mismatch',
  )
  .addHelpText(
    'after',
    [
      '',
      'Examples:',
      '  npx taosim epoch --in test/vectors/epoch_test_bonds.json --check',
      '  npx taosim epoch --in test/vectors/epoch_test_yuma_3_bonds_reset.json --out out/reset.json',
      '  npx taosim epoch --in test/vectors/epoch_test_10_graph.json --mode float --check',
      '  npx taosim epoch --in test/vectors/epoch_test_yuma_3_kappa_moves_first.json --dense --check',
      '',
      'Exit codes: 0 ok, 1 a --check mismatch, 2 bad input (unreadable file, invalid JSON, a missing or',
      'mistyped field, lengths that disagree with n, a uid or u16 out of range) or a bad option; nothing is',
      'written on error.',
    ].join('\n'),
  )
  .action((opts: { in: string; out?: string; mode: 'fixed' | 'float'; dense?: boolean; check?: boolean }) => {
    const file = readInput(opts.in);
    const results = replayScenario(file.scenario, { mode: opts.mode, ...(opts.dense && { dense: true }) });
    let failed = false;
    if (opts.check) {
      for (const c of checkAgainstExpected(file, results)) {
        const head = `epoch ${c.epoch} (block ${c.block}):`;
        if (!c.checked) process.stdout.write(`${head} nothing expected\n`);
        else if (c.ok) process.stdout.write(`${head} ok\n`);
        else {
          failed = true;
          process.stdout.write(`${head} MISMATCH\n${c.mismatches.map((p) => `  ${p}\n`).join('')}`);
        }
      }
    }
    const json = formatEpochJson(results);
    if (opts.out) {
      // Where the file cannot go, say why: a folder by that name, or a file on its way.
      if (existsSync(opts.out) && statSync(opts.out).isDirectory())
        throw new UsageError(
          `--out ${opts.out} is a folder; give the file to write, e.g. ${join(opts.out, 'epochs.json')}`,
        );
      let up = resolve(dirname(opts.out));
      while (!existsSync(up) && dirname(up) !== up) up = dirname(up);
      if (!statSync(up).isDirectory()) throw new UsageError(`--out ${opts.out}: ${up} is a file, not a folder`);
      try {
        mkdirSync(dirname(opts.out), { recursive: true });
        writeFileSync(opts.out, json);
      } catch (e) {
        throw new UsageError(
          `${opts.out}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        );
      }
      process.stderr.write(`taosim: ${results.length} epochs (${opts.mode}) written to ${opts.out}\n`);
    } else if (!opts.check) {
      process.stdout.write(json);
    }
    if (failed) process.exitCode = 1;
  });

const integerArg =
  (name: string, least = 0) =>
  (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < least) {
      const what = least === 0 ? 'a whole number (0 or more)' : `a whole number from ${least}`;
      throw new UsageError(`${name} expects ${what}, got "${v}"`);
    }
    return Number(v);
  };

program
  .command('run')
  .summary('run a scenario file and write its time series and summary')
  .description(
    'Run a YAML scenario (see scenarios/ and the README) block by block and write out/<name>/network.csv,\n' +
      'subnets.csv and summary.json. The same scenario and seed always give the same CSV bytes.',
  )
  .argument('<scenario.yaml>', 'the scenario file')
  .option('--seed <n>', 'override the scenario seed', integerArg('--seed'))
  .option('--blocks <n>', 'override the duration, in blocks', integerArg('--blocks', 1))
  .option(
    '--set <path=value>',
    'override any scenario value, e.g. chain.tao_weight=0.18 (repeatable)',
    (v: string, acc: string[]) => [...acc, v],
    [] as string[],
  )
  .option('--out <dir>', 'output folder (default out/<scenario name>)')
  .option('--quiet', 'nothing on stderr but errors (no progress, no summary line)')
  .option('--report', 'also write report.html (charts) into the output folder')
  .option('--agents', 'also write agents.csv: per agent and sample, stake, earned and APY')
  .addHelpText(
    'after',
    [
      '',
      'Examples:',
      '  npx taosim run scenarios/baseline.yaml',
      '  npx taosim run scenarios/baseline.yaml --blocks 7200 --seed 7 --out out/baseline-7',
      '  npx taosim run scenarios/baseline.yaml --set chain.tao_weight=0.18 --set subnets[0].miners.count=64',
      '  npx taosim run scenarios/delegation.yaml --agents --report',
      '',
      'Exit codes: 0 ok, 2 a bad scenario or option (every problem is listed as file:line:col: field: what was\n' +
        'expected); any other is a bug in taosim: please report it with the scenario and the command.',
    ].join('\n'),
  )
  .action(
    (
      file: string,
      opts: {
        seed?: number;
        blocks?: number;
        set: string[];
        out?: string;
        quiet?: boolean;
        report?: boolean;
        agents?: boolean;
      },
    ) => {
      let dir: string;
      try {
        dir = runScenarioFile(file, {
          sets: opts.set,
          version,
          ...(opts.seed !== undefined && { seed: opts.seed }),
          ...(opts.blocks !== undefined && { blocks: opts.blocks }),
          ...(opts.out !== undefined && { outDir: opts.out }),
          ...(opts.quiet !== undefined && { quiet: opts.quiet }),
          ...(opts.agents !== undefined && { agents: opts.agents }),
        });
      } catch (e) {
        if (e instanceof ScenarioError || e instanceof InputError) throw new UsageError(e.message);
        throw e;
      }
      if (opts.report) writeFileSync(`${dir}/report.html`, buildReport(readRun(dir)));
      if (!opts.quiet) {
        process.stderr.write(
          `taosim: wrote ${dir}/network.csv, subnets.csv, summary.json${opts.report ? ', report.html' : ''}\n`,
        );
      }
    },
  );

program
  .command('sweep')
  .summary('run a scenario over many seeds × a parameter grid, on every core')
  .description(
    'Run a scenario once per seed and grid combination (Monte Carlo over seeds × a parameter grid) on a pool of ' +
      'worker threads. Each run is exactly `taosim run <file> --seed s --set k=v … --blocks n --quiet --out ' +
      '<out>/runs/<run-id>`. The scenario is checked with every grid combination before anything runs.',
  )
  .argument('[scenario.yaml]', 'the scenario file (not with --collect)')
  .option('--seeds <list>', 'seeds to run: 1..100, 1,2,5 or 7 (required, but with --collect)')
  .option(
    '--grid <path=v1,v2,…>',
    'sweep a scenario value over these values, read as YAML like --set (repeatable: the cartesian product)',
    (v: string, acc: string[]) => [...acc, v],
    [] as string[],
  )
  .option(
    '--set <path=value>',
    'override a scenario value in every run (repeatable)',
    (v: string, acc: string[]) => [...acc, v],
    [] as string[],
  )
  .option('--blocks <n>', 'override the duration of every run, in blocks', integerArg('--blocks', 1))
  .option(
    '--workers <k>',
    'worker threads (default: the number of cores; 1 = in this process)',
    integerArg('--workers', 1),
  )
  .option('--shard <i/N>', 'run only runs i, i+N, i+2N, … (1-based) and write sweep.shard-<i>-of-<N>.csv')
  .option('--out <dir>', 'output folder (default out/sweeps/<scenario name>)')
  .option('--collect <dir>', 'run nothing: rebuild <dir>/sweep.csv from <dir>/sweep.json and the run folders')
  .option('--quiet', 'nothing on stderr but errors (no line per run, no final line)')
  .addHelpText(
    'after',
    [
      '',
      'Examples:',
      '  # 4 seeds × 2 values of tao_weight = 8 runs of one day, on every core:',
      '  npx taosim sweep scenarios/baseline.yaml --seeds 1..4 --grid chain.tao_weight=0.05,0.18 \\',
      '    --blocks 7200 --out out/sweeps/tao-weight',
      '  # then: out/sweeps/tao-weight/sweep.csv, runs/chain.tao_weight-0.05__seed-1/ …',
      '  npx taosim compare out/sweeps/tao-weight/runs/chain.tao_weight-0.05__seed-1 \\',
      '    out/sweeps/tao-weight/runs/chain.tao_weight-0.18__seed-1',
      '',
      '  # the same sweep over two machines (same command, --shard 1/2 on one and 2/2 on the other), then',
      '  # copy both folders into one and rebuild sweep.csv:',
      '  npx taosim sweep scenarios/baseline.yaml --seeds 1..4 --grid chain.tao_weight=0.05,0.18 \\',
      '    --blocks 7200 --out out/sweeps/tao-weight --shard 1/2',
      '  npx taosim sweep --collect out/sweeps/tao-weight',
      '',
      'Runs: grid keys outermost, in command-line order (the first varies slowest), seeds innermost; index from 0.',
      'A run is named <key>-<value>__…__seed-<s> (`[n]` written `.n`, other characters outside A-Z a-z 0-9 ._+-',
      'as `_`; run-<index> for every run if two names would collide or one is too long).',
      'Output: <out>/sweep.json (the definition), <out>/runs/<run-id>/ (what `taosim run` writes, or error.txt',
      'if the run threw) and <out>/sweep.csv: index, run_id, seed, each grid key, status (ok, error, missing),',
      'then the key figures of the run’s summary.json, in run order. Every file but summary.json’s wall_seconds',
      'is byte-identical whatever --workers, and with or without --shard.',
      '',
      'Exit codes: 0 ok, 1 a run failed (its row has status error; --collect: a run missing or failed),',
      '2 a bad option or scenario (checked with every grid combination before any run; nothing is written).',
    ].join('\n'),
  )
  .action(
    async (
      file: string | undefined,
      opts: {
        seeds?: string;
        grid: string[];
        set: string[];
        blocks?: number;
        workers?: number;
        shard?: string;
        out?: string;
        collect?: string;
        quiet?: boolean;
      },
    ) => {
      const fail = (e: unknown): never => {
        if (e instanceof SweepError) throw new UsageError(e.message);
        throw e;
      };
      if (opts.collect !== undefined) {
        const given = [
          file !== undefined && 'a scenario file',
          opts.seeds !== undefined && '--seeds',
          opts.grid.length > 0 && '--grid',
          opts.set.length > 0 && '--set',
          opts.blocks !== undefined && '--blocks',
          opts.shard !== undefined && '--shard',
          opts.out !== undefined && '--out',
        ].filter(Boolean);
        if (given.length > 0)
          throw new UsageError(`--collect reads the sweep from <dir>/sweep.json; drop ${given.join(', ')}`);
        let c: ReturnType<typeof collectSweep>;
        try {
          c = collectSweep(opts.collect);
        } catch (e) {
          return fail(e);
        }
        if (c.missing + c.failed > 0) {
          process.stderr.write(`taosim: ${c.missing} of ${c.runs} runs missing, ${c.failed} failed; see ${c.index}\n`);
          process.exitCode = 1;
        } else if (!opts.quiet) process.stderr.write(`taosim: ${c.runs} runs; wrote ${c.index}\n`);
        return;
      }
      if (file === undefined) throw new UsageError('sweep needs a scenario file (or --collect <dir>)');
      if (opts.seeds === undefined) throw new UsageError('sweep needs --seeds, e.g. --seeds 1..10');
      let outcome: Awaited<ReturnType<typeof runSweep>>;
      try {
        outcome = await runSweep({
          file,
          seeds: parseSeeds(opts.seeds),
          grid: opts.grid.map(parseGrid),
          sets: opts.set,
          version,
          ...(opts.blocks !== undefined && { blocks: opts.blocks }),
          ...(opts.workers !== undefined && { workers: opts.workers }),
          ...(opts.shard !== undefined && { shard: parseShard(opts.shard) }),
          ...(opts.out !== undefined && { outDir: opts.out }),
          ...(opts.quiet !== undefined && { quiet: opts.quiet }),
        });
      } catch (e) {
        return fail(e);
      }
      if (outcome.failed > 0) {
        process.stderr.write(`taosim: ${outcome.failed} of ${outcome.runs} runs failed; see ${outcome.index}\n`);
        process.exitCode = 1;
      }
    },
  );

program
  .command('report')
  .summary('write report.html for a run folder')
  .description(
    'Build a self-contained HTML report (SVG charts, no network needed) from a folder written by `taosim run`.',
  )
  .argument('<run>', 'the run folder, e.g. out/baseline')
  .addHelpText(
    'after',
    '\nExample:\n  npx taosim run scenarios/baseline.yaml --blocks 7200 && npx taosim report out/baseline',
  )
  .action((dir: string) => {
    writeFileSync(`${dir}/report.html`, buildReport(readRunOrFail(dir)));
    process.stderr.write(`taosim: wrote ${dir}/report.html\n`);
  });

function readRunOrFail(dir: string): ReturnType<typeof readRun> {
  try {
    return readRun(dir);
  } catch (e) {
    throw new UsageError(`${dir}: not a run folder (${(e as Error).message.split('\n')[0]})`);
  }
}

program
  .command('summarize')
  .summary('print a run’s headline figures and its subnets at the end')
  .description(
    'Print a run’s headline figures (issuance, validator APY, stake concentration, refused actions) and each ' +
      'subnet’s price, emission share and stake concentration at the last sample, read from the run folder.',
  )
  .argument('<run>', 'the run folder, e.g. out/baseline')
  .addHelpText('after', '\nExample:\n  npx taosim summarize out/baseline')
  .action((dir: string) => {
    process.stdout.write(summarizeRun(readRunOrFail(dir)));
  });

program
  .command('compare')
  .summary('print what changed between two runs')
  .description(
    'Print the headline figures of two run folders side by side with their differences (exact, from the values as ' +
      'written), then each subnet’s at the last sample, the subnets only in one run included.',
  )
  .argument('<runA>', 'the first run folder')
  .argument('<runB>', 'the second run folder')
  .addHelpText(
    'after',
    '\nExample:\n  npx taosim run scenarios/cabal.yaml --out out/cabal-30\n' +
      '  npx taosim run scenarios/cabal.yaml --set subnets[0].validators[1].stake=21000 --out out/cabal-60\n' +
      '  npx taosim compare out/cabal-30 out/cabal-60',
  )
  .action((a: string, b: string) => {
    process.stdout.write(compareRuns(readRunOrFail(a), readRunOrFail(b), [a, b]));
  });

program
  .command('schema')
  .summary('print the JSON Schema of scenario files (for editors)')
  .description('Print the JSON Schema of the scenario language, so editors can autocomplete and check scenario files.')
  .addHelpText('after', '\nExample:\n  npx taosim schema > out/scenario.schema.json')
  .action(() => {
    process.stdout.write(`${JSON.stringify(z.toJSONSchema(scenarioSchema, { io: 'input' }), null, 2)}\n`);
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof UsageError) {
    process.stderr.write(`taosim: ${e.message}\n`);
    process.exitCode = 2;
  } else if (e instanceof CommanderError) {
    // commander has printed its message (or the help); --help and --version are not errors
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else throw e;
}
