import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../sim/io/inputError.ts';
import { parseJsonExact } from '../sim/io/parseJsonExact.ts';
import { readVectorFile } from '../sim/io/vectorFile.ts';

const base = JSON.parse(readFileSync(new URL('./vectors/epoch_test_bonds.json', import.meta.url), 'utf8'));
// biome-ignore lint/suspicious/noExplicitAny: the fixtures are edited freely to break them
type Json = Record<string, any>;
const edit = (f: (d: Json) => void): Json => {
  const d = structuredClone(base);
  f(d);
  return d;
};
const errorOf = (json: unknown): string => {
  try {
    readVectorFile(json);
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  return 'no error';
};

describe('vector files', () => {
  it('parse integers above 2^53 exactly', () => {
    const v = parseJsonExact(
      '{"a": 18446744073709551615, "b": [9007199254740993, 1.5, -3], "c": "12345678901234567890"}',
      'x',
    );
    expect(v).toEqual({ a: 18446744073709551615n, b: [9007199254740993n, 1.5, -3], c: '12345678901234567890' });
  });

  it('take the chain defaults for hyperparameters a file does not state', () => {
    const file = readVectorFile(edit((d) => (d.scenario.hyperparameters = {})));
    const p = file.scenario.epochs[0]!.params;
    expect([p.tempo, p.kappa, p.bondsMovingAverage, p.bondsPenalty, p.maxAllowedValidators]).toEqual([
      360, 32767, 900000, 65535, 128,
    ]);
    expect([p.alphaLow, p.alphaHigh, p.alphaSigmoidSteepness, p.yuma3Enabled, p.liquidAlphaEnabled]).toEqual([
      45875,
      58982,
      1000,
      false,
      false,
    ]);
    expect(p.activityCutoff).toBe(5000); // 13889 × 360 / 1000
    expect(file.scenario.raoEmission).toBe(1_000_000_000n);
  });

  it('carry hyperparameter, stake and registration overrides forward from their epoch on', () => {
    const file = readVectorFile(
      edit((d) => {
        d.scenario.epochs[2].hyperparameters = { kappa: 100 };
        d.scenario.epochs[3].stake = [5, 5, 5, 5, 0, 0, 0, 0];
      }),
    );
    expect(file.scenario.epochs.map((e) => e.params.kappa)).toEqual([32767, 32767, 100, 100, 100, 100, 100, 100]);
    expect(file.scenario.epochs[5]!.stake).toEqual([5n, 5n, 5n, 5n, 0n, 0n, 0n, 0n]);
    expect(file.scenario.epochs[1]!.stake[3]).toBe(4n);
  });

  it('name the field, the expected value and the value found when something is wrong', () => {
    expect(errorOf(edit((d) => d.scenario.stake.pop()))).toBe('scenario.stake: expected 8 entries (n), got 7');
    expect(errorOf(edit((d) => (d.scenario.stake[2] = -1)))).toBe(
      'scenario.stake[2]: expected an integer in 0..2^64-1 (u64), got -1',
    );
    expect(errorOf(edit((d) => (d.scenario.epochs[1].weights['0'][0][1] = 70000)))).toBe(
      'scenario.epochs[1].weights["0"][0][1]: expected an integer in 0..65535, got 70000',
    );
    expect(errorOf(edit((d) => (d.scenario.epochs[1].weights['0'][0][0] = 8)))).toBe(
      'scenario.epochs[1].weights["0"][0][0]: expected an integer in 0..7, got 8',
    );
    expect(errorOf(edit((d) => (d.scenario.epochs[1].weights['0'][1][0] = 4)))).toBe(
      'scenario.epochs[1].weights["0"][1][0]: uid 4 appears twice in the row (the chain refuses duplicate uids)',
    );
    expect(errorOf(edit((d) => delete d.scenario.epochs[0].current_block))).toBe(
      'scenario.epochs[0].current_block: expected an integer in 0..9007199254740991, got nothing',
    );
    expect(errorOf(edit((d) => (d.scenario.initial.validator_permits[0] = 1)))).toBe(
      'scenario.initial.validator_permits[0]: expected true or false, got 1',
    );
    expect(errorOf(edit((d) => (d.scenario.epochs[1].last_update = { x: 2 })))).toBe(
      'scenario.epochs[1].last_update["x"]: expected a uid as the key, got "x"',
    );
  });

  it('suggest the closest known name for an unknown key', () => {
    expect(errorOf(edit((d) => (d.scenario.hyperparameters.bonds_penalt = 1)))).toMatch(
      /^scenario\.hyperparameters\.bonds_penalt: unknown key `bonds_penalt` \(did you mean `bonds_penalty`\?\)/,
    );
    expect(errorOf(edit((d) => (d.scenario.epochs[1].expected.bond_at = [])))).toMatch(/did you mean `bonds_at`\?/);
  });

  it('report invalid JSON with its position', () => {
    expect(() => parseJsonExact('{"n": 3,}', 'f.json')).toThrow(/^f\.json: invalid JSON: .*position 8/);
  });
});
