#!/usr/bin/env node
// Launcher: run the TypeScript CLI through tsx (a runtime dependency), so `npx taosim …` works after `npm ci`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Simulations (`run`, `sweep`) get a larger young generation (docs/performance.md, "Garbage collection"): with V8's
// default (16 MB semi-spaces) about one long run in two falls into a mode where garbage collection costs twice as much
// (≈ 15 % of the run); with 64 MB none did. A V8 heap flag only applies at process start, so the launcher starts
// node again with it — unless node was started with flags of the user's (`node --inspect bin/taosim.js …`: a second
// process would not get the debugger) or NODE_OPTIONS sets a size.
const SEMI_SPACE_FLAG = '--max-semi-space-size=64';
const simulates = ['run', 'sweep'].includes(process.argv[2] ?? '');
const chosen = process.execArgv.length > 0 || (process.env.NODE_OPTIONS ?? '').includes('--max-semi-space-size');
if (simulates && !chosen) {
  const args = [SEMI_SPACE_FLAG, fileURLToPath(import.meta.url), ...process.argv.slice(2)];
  const child = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (child.error) throw child.error;
  // A child killed by a signal: the shell's convention, 128 + the signal's number (SIGINT → 130).
  const signals = { SIGINT: 2, SIGTERM: 15, SIGKILL: 9 };
  process.exit(child.status ?? 128 + (signals[child.signal] ?? 1));
}

const { register } = await import('tsx/esm/api');
register();
await import('../sim/cli.ts');
