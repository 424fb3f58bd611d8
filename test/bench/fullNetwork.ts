import { availableParallelism } from 'node:os';
import { runScenarioFile } from '../../sim/io/runScenarioFile.ts';

/**
 * One bench case in its own process (so its peak memory is its own): the shipped `full-network` scenario (128
 * subnets × 256 uids, every agent, CSV output) for `--blocks N` blocks, or for its whole year with `--year`, its
 * epochs in `--mode float` (the case; default) or `fixed` (the scenario's own). Prints one JSON line: wall
 * seconds, CPU seconds (user + system: what the run itself used, whatever else the machine was doing), blocks per
 * second and peak RSS.
 */
const args = process.argv.slice(2);
const year = args.includes('--year');
const at = args.indexOf('--blocks');
const blocks = year ? undefined : Number(at >= 0 ? args[at + 1] : 7200);
const modeAt = args.indexOf('--mode');
const mode = modeAt >= 0 ? args[modeAt + 1] : 'float';
const t0 = performance.now();
const cpu0 = process.cpuUsage();
runScenarioFile('scenarios/full-network.yaml', {
  sets: [`chain.consensus_mode=${mode}`],
  ...(blocks !== undefined && { blocks }),
  outDir: 'out/bench-full-network',
  quiet: true,
  version: 'bench',
});
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const ran = blocks ?? 2_629_800;
process.stdout.write(
  `${JSON.stringify({
    blocks: ran,
    mode,
    seconds: Math.round(seconds * 100) / 100,
    cpu_seconds: Math.round(cpuSeconds * 100) / 100,
    blocks_per_second: Math.round(ran / seconds),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    cores: availableParallelism(),
  })}\n`,
);
