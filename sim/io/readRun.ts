import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { RunData } from '../../analysis/report/buildReport.ts';
import { NETWORK_COLUMNS, SUBNET_COLUMNS } from '../../analysis/sampleRows.ts';
import { parseJsonFile } from './parseJsonExact.ts';

/** Columns of a run's CSVs that hold text; every other one holds numbers. */
const TEXT_COLUMNS = new Set(['date', 'name']);

/**
 * A run CSV's rows, checked as `taosim run` writes them: rows (network.csv has one a sample), the columns the readers use, numbers
 * where numbers belong (a broken or hand-edited file is refused here rather than drawn as NaN).
 */
function csvRows(dir: string, name: string, columns: readonly string[], someRows: boolean): Record<string, string>[] {
  const rows = parse(readFileSync(join(dir, name), 'utf8'), { columns: true }) as Record<string, string>[];
  if (rows.length === 0) {
    if (someRows) throw new Error(`${name} has no rows`);
    return rows; // no subnet left at any sample: possible, if unusual
  }
  const missing = columns.filter((c) => !(c in rows[0]!));
  if (missing.length > 0)
    throw new Error(`${name} lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  rows.forEach((row, k) => {
    for (const c of columns) {
      const v = row[c]!;
      if (!TEXT_COLUMNS.has(c) && (v.trim() === '' || !Number.isFinite(Number(v))))
        throw new Error(`${name} line ${k + 2}: ${c} is "${v}", not a number`);
    }
  });
  return rows;
}

/** Read a run folder written by `taosim run` (network.csv, subnets.csv, summary.json). */
export function readRun(dir: string): RunData {
  return {
    network: csvRows(dir, 'network.csv', NETWORK_COLUMNS, true),
    subnets: csvRows(dir, 'subnets.csv', SUBNET_COLUMNS, false),
    summary: parseJsonFile(readFileSync(join(dir, 'summary.json'), 'utf8'), 'summary.json') as Record<string, unknown>,
  };
}
