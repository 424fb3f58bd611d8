import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * `npx tsx test/bench/sideBySide.ts <rev> [--pairs N] [--blocks N] [--mode float|fixed] [--epoch yuma|yuma3]`: the
 * engine of this working tree against revision <rev>, run at the same time, one process on each core, N times
 * (default 4): 3 600 blocks of the full network (agents, no CSV) each. On a shared machine two runs minutes apart can
 * differ by 30 % whatever the code; two runs side by side see the same machine, so their ratio is what a change did
 * (docs/performance.md, "Measured (session 6)"). With `--epoch`, the bench's 64 × 256 epoch instead (the fastest of
 * 30 batches of 20 epochs, µs: the minimum is what a quiet machine gives, docs/performance.md "Session 8"). Prints
 * one JSON line per pair and a summary; needs git (a temporary worktree at <rev>) and two cores.
 */
const args = process.argv.slice(2);
const rev = args[0];
if (rev === undefined || rev.startsWith('--')) {
  process.stderr.write('usage: npx tsx test/bench/sideBySide.ts <rev> [--pairs N] [--blocks N] [--mode float|fixed]\n');
  process.exit(2);
}
const opt = (name: string, fallback: string): string => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1]! : fallback;
};
const pairs = Number(opt('--pairs', '4'));
const blocks = Number(opt('--blocks', '3600'));
const mode = opt('--mode', 'float');
const epoch = opt('--epoch', '');
if (epoch !== '' && epoch !== 'yuma' && epoch !== 'yuma3') {
  process.stderr.write('--epoch takes yuma or yuma3\n');
  process.exit(2);
}

// The timing script, written into both trees (older revisions do not have it): CPU µs a block for the engine alone.
const TIMER = `import { readFileSync } from 'node:fs';
import { buildScenario } from './sim/engine/buildScenario.ts';
import { runSimulation } from './sim/engine/runSimulation.ts';
import { loadScenario } from './sim/io/loadScenario.ts';
const file = 'scenarios/full-network.yaml';
const sim = buildScenario(loadScenario(readFileSync(file, 'utf8'), file, ['duration=${blocks}', 'chain.consensus_mode=${mode}']));
const c0 = process.cpuUsage();
const t0 = performance.now();
runSimulation(sim.genesis, sim.params, sim.agents, ${blocks}, () => {});
const c = process.cpuUsage(c0);
process.stdout.write(JSON.stringify({ wall_us_block: Math.round((performance.now() - t0) * 1000 / ${blocks}), cpu_us_block: Math.round((c.user + c.system) / ${blocks}) }));
`;
// With --epoch: the fastest batch mean of the benchmark subnet's epoch, in µs (reported in the same field names).
const EPOCH_TIMER = `import { runEpoch } from './sim/consensus/index.ts';
import { benchSubnet } from './test/bench/epochCase.ts';
const input = benchSubnet(64, 256, ${epoch === 'yuma3'});
for (let i = 0; i < 300; i++) runEpoch(input, { mode: '${mode}' });
let best = Infinity;
for (let r = 0; r < 30; r++) {
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) runEpoch(input, { mode: '${mode}' });
  best = Math.min(best, (performance.now() - t0) / 20);
}
const us = Math.round(best * 1000);
process.stdout.write(JSON.stringify({ wall_us_block: us, cpu_us_block: us }));
`;
const here = resolve('.');
const base = mkdtempSync(join(tmpdir(), 'taosim-side-'));
const git = (...a: string[]) => spawnSync('git', a, { cwd: here, encoding: 'utf8' });
const added = git('worktree', 'add', '--detach', base, rev);
if (added.status !== 0) {
  process.stderr.write(added.stderr);
  process.exit(2);
}
symlinkSync(join(here, 'node_modules'), join(base, 'node_modules'));
const timerName = '.side-by-side-timer.ts';
for (const tree of [here, base]) writeFileSync(join(tree, timerName), epoch ? EPOCH_TIMER : TIMER);

/** One timing run in `tree`, with the young generation `taosim run` uses. */
const time = (tree: string): Promise<{ wall_us_block: number; cpu_us_block: number }> =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', timerName], { cwd: tree });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.on('exit', (code) => (code === 0 ? done(JSON.parse(out)) : fail(new Error(`${tree}: exit ${code}`))));
  });

try {
  const ratios: number[] = [];
  for (let p = 0; p < pairs; p++) {
    const [before, after] = await Promise.all([time(base), time(here)]);
    ratios.push(after.cpu_us_block / before.cpu_us_block);
    const show = (t: { wall_us_block: number; cpu_us_block: number }) => (epoch ? { us_epoch: t.cpu_us_block } : t);
    process.stdout.write(`${JSON.stringify({ pair: p + 1, [rev]: show(before), working_tree: show(after) })}\n`);
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  process.stdout.write(
    `${JSON.stringify({ ...(epoch ? { epoch: `64x256 ${epoch}` } : { blocks }), mode, pairs, cpu_ratio_median: Number(median.toFixed(3)), cpu_ratios: ratios.map((r) => Number(r.toFixed(3))) })}\n`,
  );
} finally {
  rmSync(join(here, timerName), { force: true });
  git('worktree', 'remove', '--force', base);
  git('worktree', 'prune');
}
