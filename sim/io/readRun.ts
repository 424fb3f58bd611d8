import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { RunData } from '../../analysis/report/buildReport.ts';
import { parseJsonFile } from './parseJsonExact.ts';

/** Read a run folder written by `taosim run` (network.csv, subnets.csv, summary.json). */
export function readRun(dir: string): RunData {
  const csv = (name: string): Record<string, string>[] =>
    parse(readFileSync(join(dir, name), 'utf8'), { columns: true }) as Record<string, string>[];
  return {
    network: csv('network.csv'),
    subnets: csv('subnets.csv'),
    summary: parseJsonFile(readFileSync(join(dir, 'summary.json'), 'utf8'), 'summary.json') as Record<string, unknown>,
  };
}
