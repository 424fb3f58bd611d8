import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { runEpoch } from '../../sim/consensus/index.ts';
import { buildScenario } from '../../sim/engine/buildScenario.ts';
import { runSimulation } from '../../sim/engine/runSimulation.ts';
import { scenarioSchema } from '../../sim/io/scenarioSchema.ts';
import { benchSubnet } from './epochCase.ts';
import { measure } from './stats.ts';

/**
 * `npm run bench`: prints JSON (and writes out/bench.json). Times are milliseconds per call: median and spread
 * (min, p10, p90, max) over repeated runs. `--quick` runs fewer repetitions.
 */
const quick = process.argv.includes('--quick');
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const shapes: [number, number][] = [
  [16, 64],
  [64, 256],
  [64, 1024],
];

const epochCases = [];
for (const [validators, uids] of shapes) {
  for (const yuma3 of [false, true]) {
    const input = benchSubnet(validators, uids, yuma3);
    for (const mode of ['float', 'fixed'] as const) {
      const big = uids >= 1024 && mode === 'fixed';
      const timing = measure(() => runEpoch(input, { mode }), {
        runs: quick ? 5 : big ? 10 : 30,
        budgetMs: quick ? 3_000 : 20_000,
      });
      epochCases.push({ case: 'epoch', validators, uids, yuma: yuma3 ? 'yuma3' : 'yuma', mode, unit: 'ms', ...timing });
      process.stderr.write(`epoch ${validators}x${uids} ${yuma3 ? 'yuma3' : 'yuma '} ${mode}: ${timing.median} ms\n`);
    }
  }
}

/** Engine throughput: blocks per second with `subnets` subnets of 16 validators and 239 miners (and the owner) (float epochs). */
function engineCase(subnets: number, blocks: number) {
  const sim = buildScenario(
    scenarioSchema.parse({
      name: 'bench',
      duration: blocks,
      chain: { consensus_mode: 'float', issuance: 11_000_000, tao_weight: 0.18 },
      subnets: Array.from({ length: subnets }, (_, i) => ({
        name: `s${i}`,
        pool: { tao: 10_000 + 100 * i, alpha: 20_000 },
        validators: [{ count: 16, stake: 1000, root_stake: 1000 }],
        miners: { count: 239 },
      })),
    }),
  );
  const t = performance.now();
  runSimulation(sim.genesis, sim.params, sim.agents, blocks, () => {});
  const seconds = (performance.now() - t) / 1000;
  process.stderr.write(`engine ${subnets} subnets: ${Math.round(blocks / seconds)} blocks/s\n`);
  return {
    case: 'engine',
    subnets,
    uids: 256,
    blocks,
    seconds: Math.round(seconds * 1000) / 1000,
    blocks_per_second: Math.round(blocks / seconds),
  };
}
const engineCases = [engineCase(1, quick ? 2_000 : 20_000), engineCase(128, quick ? 200 : 2_000)];

const report = {
  taosim: pkg.version,
  node: process.version,
  cores: availableParallelism(),
  cpu: cpus()[0]?.model ?? 'unknown',
  date: new Date().toISOString(),
  cases: [...epochCases, ...engineCases],
};
mkdirSync('out', { recursive: true });
writeFileSync('out/bench.json', `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
