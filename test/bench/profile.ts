import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { buildScenario } from '../../sim/engine/buildScenario.ts';
import { runSimulation } from '../../sim/engine/runSimulation.ts';
import { loadScenario } from '../../sim/io/loadScenario.ts';

/**
 * `npx tsx test/bench/profile.ts [--blocks N] [--scenario FILE]`: where the engine's time goes, by phase. Runs the
 * scenario (default the full network, 3 600 blocks, agents, no CSV) under V8's sampling profiler and prints, as JSON,
 * the share of the run spent inside each phase's function (inclusive: with what it calls) and in garbage collection.
 * Shares of one profile add up to more than 100 % where phases nest (the kernel runs inside the block step).
 */
const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1]! : fallback;
};
const blocks = Number(arg('--blocks', '3600'));
const file = arg('--scenario', 'scenarios/full-network.yaml');

/** Phase → the functions whose inclusive time it is (the engine's own names). */
const PHASES: Record<string, readonly string[]> = {
  'block step (all of a block but the agents)': ['blockStep'],
  'coinbase: injections and pending split': ['emitInto'],
  'epoch kernel': ['fastFloatEpoch', 'genericEpoch'],
  'epoch inputs': ['epochInput'],
  reveals: ['revealCommits'],
  distribution: ['distributeEmission'],
  'moving prices': ['updateMovingPrice'],
  'root claims': ['claimAllRoot'],
  "agents' decisions": ['act'],
  transactions: ['apply'],
};

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string };
  readonly children?: readonly number[] | undefined;
}

const sim = buildScenario(loadScenario(readFileSync(file, 'utf8'), file, [`duration=${blocks}`]));
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 500 });
await session.post('Profiler.start');
const t0 = performance.now();
runSimulation(sim.genesis, sim.params, sim.agents, blocks, () => {});
const seconds = (performance.now() - t0) / 1000;
const { profile } = await session.post('Profiler.stop');
session.disconnect();

const nodes = new Map<number, ProfileNode>(profile.nodes.map((n: ProfileNode) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of nodes.values()) for (const c of n.children ?? []) parent.set(c, n.id);
const selfTime = new Map<number, number>();
const samples = profile.samples ?? [];
const deltas = profile.timeDeltas ?? [];
for (let i = 0; i < samples.length; i++) selfTime.set(samples[i]!, (selfTime.get(samples[i]!) ?? 0) + (deltas[i] ?? 0));
let total = 0;
for (const t of selfTime.values()) total += t;

const phaseOf = new Map<string, string>();
for (const [phase, names] of Object.entries(PHASES)) for (const name of names) phaseOf.set(name, phase);
const inclusive = new Map<string, number>();
let gc = 0;
for (const [id, t] of selfTime) {
  if (nodes.get(id)!.callFrame.functionName === '(garbage collector)') gc += t;
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const phase = phaseOf.get(nodes.get(cur)!.callFrame.functionName);
    if (phase !== undefined && !seen.has(phase)) {
      seen.add(phase);
      inclusive.set(phase, (inclusive.get(phase) ?? 0) + t);
    }
  }
}
const share = (t: number): number => Math.round((1000 * t) / total) / 10;
const usPerBlock = (t: number): number => Math.round(((t / total) * seconds * 1e6) / blocks);
process.stdout.write(
  `${JSON.stringify(
    {
      scenario: file,
      blocks,
      seconds: Math.round(seconds * 100) / 100,
      us_per_block: Math.round((seconds * 1e6) / blocks),
      phases: Object.keys(PHASES).map((phase) => ({
        phase,
        percent: share(inclusive.get(phase) ?? 0),
        us_per_block: usPerBlock(inclusive.get(phase) ?? 0),
      })),
      garbage_collection: { percent: share(gc), us_per_block: usPerBlock(gc) },
    },
    null,
    2,
  )}\n`,
);
