import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { AGENT_COLUMNS, agentRows } from '../../analysis/agentRows.ts';
import { formatTao } from '../../analysis/formatTao.ts';
import { gini } from '../../analysis/gini.ts';
import { halvingBlocks } from '../../analysis/halvingBlocks.ts';
import { nakamoto } from '../../analysis/nakamoto.ts';
import { NETWORK_COLUMNS, SUBNET_COLUMNS, sampleRows } from '../../analysis/sampleRows.ts';
import { auditBooks } from '../economy/auditBooks.ts';
import { GenesisError } from '../economy/genesis.ts';
import { findSubnet } from '../economy/state.ts';
import { buildScenario, eventBlock, type Simulation } from '../engine/buildScenario.ts';
import { runSimulation } from '../engine/runSimulation.ts';
import { CsvSink } from './csvSink.ts';
import { InputError } from './inputError.ts';
import { loadScenario, ScenarioError } from './loadScenario.ts';
import { progressReporter } from './progress.ts';
import { durationBlocks, type ScenarioFile } from './scenarioSchema.ts';

export interface RunOptions {
  readonly sets?: readonly string[];
  readonly seed?: number;
  readonly blocks?: number;
  readonly outDir?: string;
  readonly quiet?: boolean;
  /** Also write agents.csv (one row per agent per sample). */
  readonly agents?: boolean;
  readonly version: string;
}

/** `buildScenario`, its contradictions (`GenesisError`) reported as the scenario file's problem. */
export function buildChecked(scenario: ScenarioFile, file: string): Simulation {
  try {
    return buildScenario(scenario);
  } catch (e) {
    if (e instanceof GenesisError) throw new ScenarioError(file, [` ${e.message}`]);
    throw e;
  }
}

/**
 * The scenario's events that fall after the run's last block (a shortened `--blocks`, say): they never happen, which
 * the user should hear about rather than find missing in the results.
 */
export function lateEvents(scenario: ScenarioFile): string[] {
  const last = durationBlocks(scenario.duration); // the run starts at block 0
  return scenario.events.flatMap((e, k) => {
    const at = eventBlock(scenario, e.at);
    return at > last
      ? [`events[${k}] at block ${at} comes after the run's last block (${last}): it never happens`]
      : [];
  });
}

/** The files a run (and `taosim report`) writes into its folder. */
const RUN_OUTPUTS = ['network.csv', 'subnets.csv', 'agents.csv', 'summary.json', 'report.html'] as const;

/** Load a scenario file, run it and write `out/<name>/{network.csv, subnets.csv, summary.json}`; returns the folder. */
export function runScenarioFile(file: string, opts: RunOptions): string {
  const sets = [
    ...(opts.sets ?? []),
    ...(opts.seed !== undefined ? [`seed=${opts.seed}`] : []),
    ...(opts.blocks !== undefined ? [`duration=${opts.blocks}`] : []),
  ];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(file, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const scenario = loadScenario(text, file, sets);
  const sim = buildChecked(scenario, file);
  if (!opts.quiet) for (const line of lateEvents(scenario)) process.stderr.write(`taosim: warning: ${file}: ${line}\n`);
  const dir = opts.outDir ?? join('out', sim.name);
  checkOutDir(dir);
  // Rows stream into a temporary folder beside `dir`, moved into place only when the run has succeeded (a failed
  // run leaves nothing behind).
  const tmp = `${dir.replace(/[\\/]+$/, '')}.partial-${process.pid}`;
  removeAbandoned(tmp);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const network = new CsvSink(join(tmp, 'network.csv'), NETWORK_COLUMNS);
  const subnets = new CsvSink(join(tmp, 'subnets.csv'), SUBNET_COLUMNS);
  const agentsRows = opts.agents ? new CsvSink(join(tmp, 'agents.csv'), AGENT_COLUMNS) : null;
  try {
    return finishRun();
  } catch (e) {
    for (const sink of [network, subnets, agentsRows]) {
      try {
        sink?.close();
      } catch {
        // already closed
      }
    }
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }

  function finishRun(): string {
    const firstStake = new Map<string, bigint>();
    const emissions: [number, bigint][] = [];
    let refusedTotal = 0;
    let emittedRao = 0n;
    let adversarialRao = 0n;
    const t0 = performance.now();
    const progress = progressReporter(sim.blocks, opts.quiet ?? false);
    const end = runSimulation(
      sim.genesis,
      sim.params,
      sim.agents,
      sim.blocks,
      (state, record, refused) => {
        refusedTotal += refused;
        for (const epoch of record.epochs) {
          const hotkeys = findSubnet(state.subnets, epoch.netuid)?.neurons.hotkeys ?? [];
          hotkeys.forEach((h, uid) => {
            const e = epoch.result.emission[uid] ?? 0n;
            emittedRao += e;
            if (sim.adversarial.has(h)) adversarialRao += e;
          });
        }
        if (emissions.length === 0 || emissions.at(-1)![1] !== record.emissionRao)
          emissions.push([record.block, record.emissionRao]);
        const k = state.block - sim.genesis.block;
        if (k % sim.sampleEvery === 0 || k === sim.blocks) {
          const rows = sampleRows(state, record, sim.startMs, sim.adversarial);
          network.push([rows.network]);
          subnets.push(rows.subnets);
          agentsRows?.push(agentRows(state, sim.genesis.block, sim.startMs, sim.agentInfo, firstStake));
        }
        progress(k);
      },
      sim.events,
    );
    const problems = auditBooks(end);
    if (problems.length > 0) throw new Error(`books do not balance at the end of the run:\n${problems.join('\n')}`);
    const stakes = end.subnets.flatMap((s) => [...s.stakes.values()].map((h) => Number(h.valueRao)));
    // Validators' return: growth of their hotkey's stake pool on their subnet (dividends, take, nominators), annualised.
    const apys = sim.genesis.subnets.flatMap((g) =>
      [...g.stakes].flatMap(([hotkey, pool]) => {
        const now = findSubnet(end.subnets, g.netuid)?.stakes.get(hotkey);
        if (!now || pool.valueRao === 0n || !hotkey.includes('-v')) return [];
        return [(Number(now.valueRao) / Number(pool.valueRao) - 1) * (2_629_800 / sim.blocks)];
      }),
    );
    const summary = {
      scenario: sim.name,
      seed: sim.seed,
      version: opts.version,
      scenario_hash: createHash('sha256').update(JSON.stringify(scenario)).digest('hex'),
      blocks: sim.blocks,
      wall_seconds: Math.round((performance.now() - t0) / 10) / 100,
      final_issuance: formatTao(end.issuanceRao),
      halving_blocks: halvingBlocks(emissions),
      // null when no validator had stake to grow from (a fair launch): a return on nothing is not 0 %.
      validator_apy_mean: apys.length ? Number((apys.reduce((a, b) => a + b, 0) / apys.length).toFixed(6)) : null,
      gini_stake: Number(gini(stakes).toFixed(6)),
      nakamoto_stake: nakamoto(stakes),
      adversarial_share: emittedRao === 0n ? 0 : Number((adversarialRao * 1_000_000n) / emittedRao) / 1e6,
      refused_actions: refusedTotal,
    };
    network.close();
    subnets.close();
    agentsRows?.close();
    writeFileSync(join(tmp, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    mkdirSync(dir, { recursive: true });
    // The folder holds this run's outputs only: a previous run's that this one does not write (agents.csv without
    // --agents, a report.html of other results) go; other files in the folder are left alone.
    for (const file of RUN_OUTPUTS) rmSync(join(dir, file), { force: true });
    for (const file of readdirSync(tmp)) renameSync(join(tmp, file), join(dir, file));
    rmSync(tmp, { recursive: true, force: true });
    return dir;
  }
}

/**
 * Remove the temporary folders that interrupted runs into the same output folder left (`<dir>.partial-<pid>` of a
 * process that no longer exists): a run stopped by a signal (Ctrl-C) cannot clean up — the simulation loop is
 * synchronous, so no handler runs before the process ends. Processes are this machine's: two machines running into
 * one output folder on a shared disk at once is not supported (sweep shards write to separate run folders).
 */
function removeAbandoned(tmp: string): void {
  const parent = dirname(tmp);
  const prefix = basename(tmp).replace(/-\d+$/, '-');
  if (!existsSync(parent)) return;
  for (const name of readdirSync(parent)) {
    const pid = name.startsWith(prefix) ? Number(name.slice(prefix.length)) : Number.NaN;
    if (!Number.isInteger(pid) || pid === process.pid || alive(pid)) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
  }
}

/** `--out` must be a folder or a path to make one: neither it nor any existing folder above it may be a file. */
function checkOutDir(dir: string): void {
  let p = resolve(dir);
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  if (!statSync(p).isDirectory()) {
    throw new InputError(
      '--out',
      p === resolve(dir)
        ? `${dir} exists and is not a folder (expected the output folder)`
        : `${dir}: ${p} is a file, not a folder`,
    );
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}
