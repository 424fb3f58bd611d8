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
 *
 * `--allocations`: instead, what the run allocates, by allocating function (built-ins such as Map with their
 * caller), in KB a block (V8's sampling heap profiler, collected objects included). Unlike times, this hardly depends
 * on what else the machine is doing (±2 % between runs): on a shared machine it shows an allocation cut that timings
 * drown in noise. (What survives the young generation — what garbage collection costs — is better read from
 * `node --trace-gc-nvp`: the profiler counts young objects freed by a full collection as survivors, so that figure
 * swings with the timing of full collections.)
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
if (args.includes('--allocations')) {
  await allocations();
  process.exit(0);
}
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

interface HeapNode {
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly selfSize: number;
  readonly children: readonly HeapNode[];
}

/** KB a block by allocating function (with its caller for built-ins such as Map or subarray), largest first. */
function bySite(head: HeapNode): { kb_per_block: number; top: { site: string; kb_per_block: number }[] } {
  const sizes = new Map<string, number>();
  let total = 0;
  const walk = (n: HeapNode, caller: string): void => {
    const { functionName, url } = n.callFrame;
    const name = `${functionName || '(anonymous)'}${url ? ` ${url.split('/').pop()}` : ''}`;
    const site = url === '' && caller ? `${name} ← ${caller}` : name;
    sizes.set(site, (sizes.get(site) ?? 0) + n.selfSize);
    total += n.selfSize;
    for (const c of n.children) walk(c, name);
  };
  walk(head, '');
  const kb = (bytes: number): number => Math.round(bytes / blocks / 100) / 10;
  return {
    kb_per_block: kb(total),
    top: [...sizes]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([site, bytes]) => ({ site, kb_per_block: kb(bytes) })),
  };
}

async function allocations(): Promise<void> {
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 16_384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  runSimulation(sim.genesis, sim.params, sim.agents, blocks, () => {});
  const { profile } = await session.post('HeapProfiler.stopSampling');
  process.stdout.write(
    `${JSON.stringify({ scenario: file, blocks, allocated: bySite(profile.head as HeapNode) }, null, 2)}\n`,
  );
}
