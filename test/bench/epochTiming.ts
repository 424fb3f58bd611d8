import { runEpoch } from '../../sim/consensus/index.ts';
import { benchSubnet } from './epochCase.ts';
import { measure } from './stats.ts';

/**
 * One epoch case of `npm run bench`, run in a process of its own (bench.ts spawns one per case): a simulation runs
 * one consensus mode throughout, and V8 optimises the kernel for what it has run, so cases that shared a process
 * measured each other's leftovers (up to 2× on a pass after the other mode had run). Prints the Timing as JSON.
 * usage: node --import tsx test/bench/epochTiming.ts VALIDATORS UIDS yuma|yuma3 float|fixed [--quick]
 */
const [validators, uids, yuma, mode] = process.argv.slice(2);
if (!validators || !uids || (yuma !== 'yuma' && yuma !== 'yuma3') || (mode !== 'float' && mode !== 'fixed'))
  throw new Error('usage: epochTiming.ts VALIDATORS UIDS yuma|yuma3 float|fixed [--quick]');
const quick = process.argv.includes('--quick');
const input = benchSubnet(Number(validators), Number(uids), yuma === 'yuma3');
const big = Number(uids) >= 1024 && mode === 'fixed';
const timing = measure(() => runEpoch(input, { mode }), {
  runs: quick ? 5 : big ? 10 : 30,
  warmup: 20,
  warmupMs: quick ? 300 : 1_500,
  budgetMs: quick ? 3_000 : 20_000,
});
process.stdout.write(`${JSON.stringify(timing)}\n`);
