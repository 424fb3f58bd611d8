import { closeSync, openSync, writeSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';

/**
 * A CSV file written as rows arrive, a batch at a time, instead of held in memory to the end: a year of the full
 * network is ~1 M subnet rows, which as strings would take most of a gigabyte. The bytes are those of
 * `stringify(allRows, { header: true, columns })` (csv-stringify ends every record with a newline).
 */
export class CsvSink {
  private readonly fd: number;
  private batch: string[][] = [];

  constructor(
    readonly path: string,
    columns: readonly string[],
  ) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, stringify([[...columns]]));
  }

  push(rows: readonly string[][]): void {
    for (const row of rows) this.batch.push(row);
    if (this.batch.length >= 2000) this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    writeSync(this.fd, stringify(this.batch));
    this.batch = [];
  }
}
