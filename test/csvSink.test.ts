import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvSink } from '../sim/io/csvSink.ts';

describe('CsvSink', () => {
  it('writes the bytes of one stringify of all rows with the header, whatever the batches', () => {
    const dir = mkdtempSync(join(tmpdir(), 'taosim-sink-'));
    const cell = fc.oneof(fc.string(), fc.constantFrom('a,b', 'say "hi"', 'x\ny', '', '1.000000000'));
    const batches = fc.array(fc.array(fc.tuple(cell, cell, cell), { maxLength: 3000 }), { maxLength: 5 });
    let k = 0;
    fc.assert(
      fc.property(batches, (bs) => {
        const path = join(dir, `t${k++}.csv`);
        const sink = new CsvSink(path, ['a', 'b', 'c']);
        for (const b of bs) sink.push(b.map((r) => [...r]));
        sink.close();
        const all = bs.flat().map((r) => [...r]);
        expect(readFileSync(path, 'utf8')).toBe(stringify(all, { header: true, columns: ['a', 'b', 'c'] }));
      }),
      { numRuns: 30 },
    );
  });
});
