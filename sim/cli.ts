import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
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

const program = new Command();
program
  .name('taosim')
  .description(
    'Deterministic simulator of the Bittensor (TAO) network economy, exact to the chain (subtensor 14bc6f9f).',
  )
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
    new Option('--mode <mode>', 'arithmetic: fixed = bit-exact I32F32 emulation, float = Float64 fast path')
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
  (name: string) =>
  (v: string): number => {
    if (!/^\d+$/.test(v)) throw new UsageError(`${name} expects a whole number, got "${v}"`);
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
  .option('--blocks <n>', 'override the duration, in blocks', integerArg('--blocks'))
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
      'Exit codes: 0 ok, 2 a bad scenario (every problem is listed as file:line:col: field: what was expected).',
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
        if (e instanceof ScenarioError) throw new UsageError(e.message);
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`${file}: cannot read (ENOENT)`);
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
  .argument('<run>', 'the run folder, e.g. out/baseline')
  .addHelpText('after', '\nExample:\n  npx taosim summarize out/baseline')
  .action((dir: string) => {
    process.stdout.write(summarizeRun(readRunOrFail(dir)));
  });

program
  .command('compare')
  .summary('print what changed between two runs')
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
