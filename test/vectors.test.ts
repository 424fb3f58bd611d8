import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replayScenario } from '../sim/consensus/replay.ts';
import { checkAgainstExpected } from '../sim/io/epochJson.ts';
import { parseJsonExact } from '../sim/io/parseJsonExact.ts';
import { readVectorFile } from '../sim/io/vectorFile.ts';

// subtensor's own epoch tests (test/vectors/SOURCE.md), each run as the chain runs it.
const dir = new URL('./vectors/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.startsWith('epoch_') && f.endsWith('.json'));
const load = (f: string) => readVectorFile(parseJsonExact(readFileSync(new URL(f, dir), 'utf8'), f));

describe('subtensor epoch vectors', () => {
  it('are all present', () => {
    expect(files.length).toBe(7);
  });
  for (const f of files) {
    const file = load(f);
    const yuma3 = file.scenario.epochs.some((e) => e.params.yuma3Enabled);
    const variants: [string, 'fixed' | 'float', boolean][] = [
      ['fixed', 'fixed', false],
      ['float', 'float', false],
    ];
    // The chain's Yuma3 tests run both the sparse and the dense epoch.
    if (yuma3) variants.push(['fixed, dense', 'fixed', true]);
    for (const [label, mode, dense] of variants) {
      it(`${f} matches the chain (${label})`, () => {
        const checks = checkAgainstExpected(file, replayScenario(file.scenario, { mode, dense }));
        expect(checks.some((c) => c.checked)).toBe(true);
        expect(checks.flatMap((c) => c.mismatches.map((p) => `epoch ${c.epoch}: ${p}`))).toEqual([]);
        expect(checks.every((c) => c.ok)).toBe(true);
      });
    }
  }

  it('would notice a one-LSB difference in an expected bond', () => {
    const file = load('epoch_test_bonds.json');
    const e = file.expected[2]!;
    const tampered = {
      ...file,
      expected: file.expected.map((x, k) => (k === 2 ? { ...e, bondsAt: [[0, 4, 14583] as const] } : x)),
    };
    const checks = checkAgainstExpected(tampered, replayScenario(file.scenario));
    expect(checks.flatMap((c) => c.mismatches)).toEqual(['bonds[0][4] = 14582, expected 14583']);
    expect(checks.map((c) => c.ok)).toEqual([true, true, false, true, true, true, true, true]);
  });
});
