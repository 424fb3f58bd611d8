import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocU16 } from '../sim/economy/rowAlloc.ts';

describe('allocU16', () => {
  it('gives zeroed rows of the asked length that never share memory', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 200 }), (lengths) => {
        const rows = lengths.map((n) => allocU16(n));
        rows.forEach((r, k) => {
          expect(r.length).toBe(lengths[k]);
          expect(r.every((v) => v === 0)).toBe(true);
          r.fill(k + 1); // a write to one row must not show in another
        });
        for (const [k, r] of rows.entries()) expect(r.every((v) => v === k + 1)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});
