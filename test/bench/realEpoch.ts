import { readFileSync } from 'node:fs';
import { runEpoch } from '../../sim/consensus/index.ts';
import type { EpochInput } from '../../sim/consensus/types.ts';
import { epochInput } from '../../sim/economy/epochInput.ts';
import { buildScenario } from '../../sim/engine/buildScenario.ts';
import { runSimulation } from '../../sim/engine/runSimulation.ts';
import { loadScenario } from '../../sim/io/loadScenario.ts';

/**
 * `npx tsx test/bench/realEpoch.ts [float|fixed] [--blocks N] [--subnets K]`: the epoch kernel on real inputs — the
 * first K subnets of the full network after N blocks (default 1 200 blocks, 32 subnets: 64 validators weighting 191
 * miners each, bonds from earlier epochs) — as JSON: the best of 20 batch means, µs an epoch. The bench's epoch case
 * (`epochCase.ts`) is a synthetic dense subnet; this is the shape the engine runs (docs/performance.md, session 7).
 */
const args = process.argv.slice(2);
const mode = (args.find((a) => a === 'float' || a === 'fixed') ?? 'float') as 'float' | 'fixed';
const opt = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const blocks = opt('--blocks', 1200);
const subnets = opt('--subnets', 32);
const file = 'scenarios/full-network.yaml';
const sim = buildScenario(loadScenario(readFileSync(file, 'utf8'), file, [`duration=${blocks}`]));
const end = runSimulation(sim.genesis, sim.params, sim.agents, blocks, () => {});
const inputs: EpochInput[] = end.subnets.slice(0, subnets).map((s) => epochInput(end, sim.params, s, 360_000_000_000n));
for (let i = 0; i < 100; i++) for (const x of inputs) runEpoch(x, { mode });
let best = Number.POSITIVE_INFINITY;
for (let r = 0; r < 20; r++) {
  const t0 = performance.now();
  for (const x of inputs) runEpoch(x, { mode });
  best = Math.min(best, (performance.now() - t0) / inputs.length);
}
process.stdout.write(
  `${JSON.stringify({ mode, blocks, subnets: inputs.length, us_per_epoch: Math.round(best * 1000) })}\n`,
);
