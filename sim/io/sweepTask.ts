import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScenarioFile } from './runScenarioFile.ts';

/** One run of a sweep: exactly `taosim run <file> --seed <seed> --set … [--blocks n] --quiet --out <dir>`. */
export interface SweepTask {
  readonly file: string;
  /** The sweep's `--set` values, then this run's grid values. */
  readonly sets: readonly string[];
  readonly seed: number;
  readonly blocks?: number;
  readonly dir: string;
  readonly version: string;
}

export interface SweepTaskResult {
  readonly ok: boolean;
  /** Wall time of the run (progress only: never written to a file). */
  readonly seconds: number;
  readonly error?: string;
}

/** The file a failed run leaves in its folder instead of the usual outputs: the error message. */
export const ERROR_FILE = 'error.txt';

/** Write a failed run's folder: only `error.txt`, whose text is a function of the run (no stack, no time). */
export function writeRunError(dir: string, message: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, ERROR_FILE), `${message.trimEnd()}\n`);
}

/**
 * Run one sweep task (in the main thread with `--workers 1`, else in a worker thread: see sweepWorker.mjs).
 * The run folder is replaced, so it only ever holds this run's outputs, or `error.txt` if the run threw.
 * Never throws: a run error comes back as `{ ok: false, error }`.
 */
export function runSweepTask(task: SweepTask): SweepTaskResult {
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  try {
    rmSync(task.dir, { recursive: true, force: true });
    runScenarioFile(task.file, {
      sets: task.sets,
      seed: task.seed,
      ...(task.blocks !== undefined && { blocks: task.blocks }),
      outDir: task.dir,
      quiet: true,
      version: task.version,
    });
    return { ok: true, seconds: seconds() };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    writeRunError(task.dir, error);
    return { ok: false, seconds: seconds(), error };
  }
}
