import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EpochInput, SparseRowU16 } from '../sim/consensus/types.ts';
import { KernelMemory } from '../sim/consensus/wasmKernel.ts';

// The WebAssembly weights loader (assembly/weights.ts) against a model written from its contract: entries beyond the
// subnet and the diagonal (but the owner's) dropped, weights set at or before a target's registration dropped, each
// row divided by its sum (I32F32 safe_div: truncated to 2^-32), and whether every row is strictly increasing. Rows
// long enough for its eight-at-a-time paths, with disorder inside and across their blocks.
const G = 2 ** 32;

interface Case {
  readonly n: number;
  readonly owner: number;
  readonly rows: readonly (readonly [number, number][])[];
  readonly reg: readonly number[];
  readonly lastUpdate: readonly number[];
}

function model(c: Case, exact: boolean) {
  const cols: number[] = [];
  const vals: number[] = [];
  const start: number[] = [];
  let sorted = true;
  c.rows.forEach((row, i) => {
    start.push(cols.length);
    const kept = row.filter(([j]) => j < c.n && (j !== i || i === c.owner) && c.lastUpdate[i]! > c.reg[j]!);
    const sum = kept.reduce((s, [, v]) => s + v, 0);
    kept.forEach(([j, v], k) => {
      if (k > 0 && j <= kept[k - 1]![0]) sorted = false;
      cols.push(j);
      if (sum === 0) vals.push(v);
      else vals.push(exact ? Number((BigInt(v) << 32n) / BigInt(sum)) / G : Math.trunc((v / sum) * G) / G);
    });
  });
  start.push(cols.length);
  return { start, cols, vals, sorted };
}

function loaded(c: Case, exact: boolean) {
  const n = c.n;
  const entries = c.rows.reduce((s, r) => s + r.length, 0);
  const k = new KernelMemory(n, n, entries, 0, entries);
  k.reg.set(c.reg);
  const weights: SparseRowU16[] = c.rows.map((r) => ({
    cols: Uint16Array.from(r, ([j]) => j),
    vals: Uint16Array.from(r, ([, v]) => v),
  }));
  const input = {
    n,
    weights,
    lastUpdate: c.lastUpdate,
    params: { commitRevealEnabled: false },
  } as unknown as EpochInput;
  const permits = new Uint8Array(n).fill(1);
  const pos = Int32Array.from({ length: n }, (_, i) => i);
  const sorted = k.loadWeights(input, permits, c.owner, pos, exact);
  const w = k.weights;
  const end = w.start[n]!;
  return {
    start: Array.from(w.start.subarray(0, n + 1)),
    cols: Array.from(w.col.subarray(0, end)),
    vals: Array.from(w.val.subarray(0, end)),
    sorted,
  };
}

/** A row: a strictly increasing run of columns (some beyond n), then perhaps a swap, a repeat or a diagonal entry. */
const caseArb: fc.Arbitrary<Case> = fc.integer({ min: 1, max: 48 }).chain((n) =>
  fc
    .record({
      owner: fc.integer({ min: -1, max: n - 1 }),
      rows: fc.array(
        fc.record({
          cols: fc.uniqueArray(fc.integer({ min: 0, max: n + 3 }), { maxLength: 40 }),
          vals: fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 40, maxLength: 40 }),
          change: fc.constantFrom('none', 'none', 'swap', 'repeat', 'diagonal'),
          at: fc.nat(),
        }),
        { minLength: n, maxLength: n },
      ),
      reg: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: n, maxLength: n }),
      recent: fc.boolean(),
    })
    .map(({ owner, rows, reg, recent }): Case => {
      const made = rows.map((r, i) => {
        const cols = [...r.cols].sort((a, b) => a - b);
        if (cols.length > 1) {
          const k = r.at % (cols.length - 1);
          if (r.change === 'swap') [cols[k], cols[k + 1]] = [cols[k + 1]!, cols[k]!];
          if (r.change === 'repeat') cols[k + 1] = cols[k]!;
        }
        if (r.change === 'diagonal') cols.splice(r.at % (cols.length + 1), 0, i);
        return cols.map((j, k): [number, number] => [j, r.vals[k % 40]!]);
      });
      // Rows set after every registration (the loader's fast path), or some set before a target's registration.
      const lastUpdate = reg.map((_, i) => (recent ? 100 : 5 + (i % 20)));
      return { n, owner, rows: made, reg, lastUpdate };
    }),
);

describe('the WebAssembly weights loader', () => {
  for (const exact of [false, true])
    it(`filters, normalises and checks the order of stored rows as the chain's epoch reads them (${exact ? 'exact' : 'float'})`, () => {
      fc.assert(
        fc.property(caseArb, (c) => {
          expect(loaded(c, exact)).toEqual(model(c, exact));
        }),
        { numRuns: 400 },
      );
    });

  it('sums a very long row (repeated columns, 70 000 entries of 65 535) without overflow', () => {
    const n = 100;
    const long: [number, number][] = Array.from({ length: 70_000 }, (_, k) => [1 + (k % 90), 65535]);
    const c: Case = {
      n,
      owner: -1,
      rows: Array.from({ length: n }, (_, i) => (i === 0 ? long : [])),
      reg: new Array(n).fill(0),
      lastUpdate: new Array(n).fill(100),
    };
    for (const exact of [false, true]) expect(loaded(c, exact)).toEqual(model(c, exact));
  });

  it('sees a disorder inside a block of eight, across two blocks and across a dropped diagonal entry', () => {
    const n = 40;
    const increasing = Array.from({ length: 24 }, (_, k) => k + 10);
    const base = (cols: number[]): Case => ({
      n,
      owner: -1,
      rows: Array.from({ length: n }, (_, i) => (i === 0 ? cols.map((j): [number, number] => [j, 100 + j]) : [])),
      reg: new Array(n).fill(0),
      lastUpdate: new Array(n).fill(100),
    });
    const swapped = (k: number) => {
      const c = [...increasing];
      [c[k], c[k + 1]] = [c[k + 1]!, c[k]!];
      return c;
    };
    expect(loaded(base(increasing), false).sorted).toBe(true);
    expect(loaded(base(swapped(3)), false).sorted).toBe(false); // inside the first block
    expect(loaded(base(swapped(7)), false).sorted).toBe(false); // across the first two blocks
    expect(loaded(base(swapped(12)), false).sorted).toBe(false); // inside a later block
    // Row 0's diagonal (uid 0) is dropped: the entries around it decide (12 then 11: not increasing; 11 then 12: fine).
    expect(loaded(base([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 0, 11, 13, 14, 15, 16, 17]), false).sorted).toBe(false);
    expect(loaded(base([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 12, 13, 14, 15, 16, 17]), false).sorted).toBe(true);
    expect(loaded(base([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]), false).sorted).toBe(true);
  });
});
