import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../sim/io/inputError.ts';
import { jsonErrorOffset, parseJsonExact } from '../sim/io/parseJsonExact.ts';
import { readVectorFile } from '../sim/io/vectorFile.ts';

const text = readFileSync(new URL('./vectors/epoch_test_bonds.json', import.meta.url), 'utf8');
const base = JSON.parse(text);
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
const parseError = (json: string): string => {
  try {
    parseJsonExact(json, 'f.json');
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  return 'no error';
};

describe('parseJsonExact', () => {
  it('parseJsonExact(text) keeps integers above 2^53 exact as bigint and leaves everything else to JSON.parse', () => {
    const v = parseJsonExact(
      '{"a": 18446744073709551615, "b": [9007199254740993, 9007199254740991, 1.5, -3, 1e300], "c": "12345678901234567890"}',
      'x',
    );
    expect(v).toEqual({
      a: 18446744073709551615n,
      b: [9007199254740993n, 9007199254740991, 1.5, -3, 1e300],
      c: '12345678901234567890',
    });
    const long = `1${'0'.repeat(500)}`;
    expect(parseJsonExact(`[${long}, -${long}]`, 'x')).toEqual([10n ** 500n, -(10n ** 500n)]);
  });

  it('parseJsonExact(text) leaves strings alone, even ones holding control characters or digits', () => {
    const v = parseJsonExact('["\\u0000bigint:5", "\\\\u0001", "a\\"99999999999999999999", 99999999999999999999]', 'x');
    expect(v).toEqual(['\u0000bigint:5', '\\u0001', 'a"99999999999999999999', 99999999999999999999n]);
  });

  it('parseJsonExact(text) reports invalid JSON with the file, the position and its line and column', () => {
    expect(parseError('{"n": 3,}')).toBe(
      'f.json: invalid JSON: Expected double-quoted property name in JSON at position 8 (line 1, column 9)',
    );
    // the position is the file's own, not shifted by the rewriting of big integers
    expect(parseError('{"a": 18446744073709551615,\n "b": [1 2]}')).toMatch(/at position 37 \(line 2, column 10\)$/);
    // Node 20 leaves the position out of these two messages: it is found by reading the text again.
    expect(parseError('')).toBe('f.json: invalid JSON: Unexpected end of JSON input (line 1, column 1)');
    expect(parseError('{\n  "a": [1,\n   nul')).toBe(
      'f.json: invalid JSON: Unexpected end of JSON input (line 3, column 7)',
    );
    expect(parseError('{\n  "a": x}')).toBe(
      'f.json: invalid JSON: Unexpected character "x" at position 9 (line 2, column 8)',
    );
  });

  it('jsonErrorOffset(text) gives no position rather than a wrong one when the nesting is too deep to read', () => {
    const deep = `${'['.repeat(200_000)}x`;
    expect([-1, 200_000]).toContain(jsonErrorOffset(deep));
    expect(jsonErrorOffset(`${'['.repeat(50)}x`)).toBe(50);
  });

  it('jsonErrorOffset(text) is −1 for JSON and otherwise the position JSON.parse names, where it names one', () => {
    // Texts near JSON: valid documents with one character inserted, deleted or replaced.
    const near = fc
      .tuple(
        fc.json(),
        fc.nat(),
        fc.constantFrom('insert', 'delete', 'replace', 'none'),
        fc.constantFrom(...'{}[],:"\\ -0123e.tnx\n'),
      )
      .map(([json, at, edit, c]) => {
        const k = json.length === 0 ? 0 : at % json.length;
        if (edit === 'insert') return json.slice(0, k) + c + json.slice(k);
        if (edit === 'delete') return json.slice(0, k) + json.slice(k + 1);
        if (edit === 'replace') return json.slice(0, k) + c + json.slice(k + 1);
        return json;
      });
    fc.assert(
      fc.property(near, (t) => {
        let message: string | null = null;
        try {
          JSON.parse(t);
        } catch (e) {
          message = (e as Error).message;
        }
        const offset = jsonErrorOffset(t);
        if (message === null) return void expect(offset).toBe(-1);
        expect(offset).toBeGreaterThanOrEqual(0);
        const named = /at position (\d+)/.exec(message);
        if (named) expect(offset).toBe(Number(named[1]));
        if (message.startsWith('Unexpected end')) expect(offset).toBe(t.length);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('readVectorFile', () => {
  it('readVectorFile(json) reads u64 stakes above 2^53 exactly and refuses those beyond 2^64-1', () => {
    const max = '18446744073709551615';
    const big = text.replace('"stake": [\n   1,', `"stake": [\n   ${max},`);
    expect(readVectorFile(parseJsonExact(big, 'f')).scenario.epochs[0]!.stake[0]).toBe(2n ** 64n - 1n);
    const over = text.replace('"stake": [\n   1,', '"stake": [\n   18446744073709551616,');
    expect(errorOf(parseJsonExact(over, 'f'))).toBe(
      'scenario.stake[0]: expected an integer in 0..2^64-1 (u64), got 18446744073709551616',
    );
  });

  it('readVectorFile(json) takes the chain defaults for everything a file does not state', () => {
    const file = readVectorFile(edit((d) => delete d.scenario.hyperparameters));
    const p = file.scenario.epochs[0]!.params;
    expect(p).toEqual({
      tempo: 360,
      activityCutoff: 5000, // max(1, floor(13889 × 360 / 1000))
      kappa: 32767,
      bondsMovingAverage: 900000,
      bondsPenalty: 65535,
      maxAllowedValidators: 128,
      yuma3Enabled: false,
      liquidAlphaEnabled: false,
      alphaLow: 45875,
      alphaHigh: 58982,
      alphaSigmoidSteepness: 1000,
      stakeThreshold: 0n,
      commitRevealEnabled: false,
    });
    expect(file.scenario.epochs[0]!.bondsResetEnabled).toBe(false);
    expect([file.scenario.raoEmission, file.scenario.ownerUid, file.scenario.dense]).toEqual([
      1_000_000_000n,
      null,
      false,
    ]);
    expect(readVectorFile(base).tolerance).toBe(0);
    expect(readVectorFile(edit((d) => delete d.tolerance)).tolerance).toBe(0);
  });

  it('readVectorFile(json) derives the activity cutoff from tempo unless activity_cutoff_blocks is set', () => {
    const cutoff = (h: Json): number =>
      readVectorFile(edit((d) => (d.scenario.hyperparameters = h))).scenario.epochs[0]!.params.activityCutoff;
    expect(cutoff({ tempo: 1 })).toBe(13);
    expect(cutoff({ tempo: 0 })).toBe(1);
    expect(cutoff({ tempo: 360, activity_cutoff_factor_milli: 2000 })).toBe(720);
    expect(cutoff({ tempo: 360, activity_cutoff_blocks: 7 })).toBe(7);
  });

  it('readVectorFile(json) carries hyperparameter, stake and registration overrides forward from their epoch on', () => {
    const file = readVectorFile(
      edit((d) => {
        d.scenario.epochs[2].hyperparameters = { kappa: 100 };
        d.scenario.epochs[3].stake = [5, 5, 5, 5, 0, 0, 0, 0];
        d.scenario.epochs[4].block_at_registration = [9, 9, 9, 9, 9, 9, 9, 9];
      }),
    );
    expect(file.scenario.epochs.map((e) => e.params.kappa)).toEqual([32767, 32767, 100, 100, 100, 100, 100, 100]);
    expect(file.scenario.epochs.map((e) => e.params.tempo)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(file.scenario.epochs[5]!.stake).toEqual([5n, 5n, 5n, 5n, 0n, 0n, 0n, 0n]);
    expect(file.scenario.epochs[1]!.stake[3]).toBe(4n);
    expect([file.scenario.epochs[3]!.blockAtRegistration[0], file.scenario.epochs[7]!.blockAtRegistration[0]]).toEqual([
      1, 9,
    ]);
  });

  it('readVectorFile(json) returns a frozen scenario', () => {
    const file = readVectorFile(base);
    const s = file.scenario;
    for (const o of [file, s, s.epochs, s.epochs[1], s.epochs[1]!.params, s.epochs[1]!.stake, s.initialPermits])
      expect(Object.isFrozen(o)).toBe(true);
    expect(() => (s.epochs[0]!.stake as bigint[]).push(1n)).toThrow(TypeError);
  });

  it('readVectorFile(json) names the missing field', () => {
    expect(errorOf(edit((d) => delete d.scenario))).toBe('scenario: expected an object, got nothing');
    expect(errorOf(edit((d) => delete d.scenario.n))).toBe('scenario.n: expected an integer in 1..65535, got nothing');
    expect(errorOf(edit((d) => delete d.scenario.epochs))).toBe('scenario.epochs: expected an array, got nothing');
    expect(errorOf(edit((d) => delete d.scenario.initial.last_update))).toBe(
      'scenario.initial.last_update: expected an array, got nothing',
    );
    expect(errorOf(edit((d) => delete d.scenario.epochs[0].current_block))).toBe(
      'scenario.epochs[0].current_block: expected an integer in 0..9007199254740991, got nothing',
    );
    expect(errorOf([1])).toBe('expected an object, got [1]');
  });

  it('readVectorFile(json) wants every per-uid array to hold n entries', () => {
    expect(errorOf(edit((d) => d.scenario.stake.pop()))).toBe('scenario.stake: expected 8 entries (n), got 7');
    expect(errorOf(edit((d) => d.scenario.block_at_registration.push(1)))).toBe(
      'scenario.block_at_registration: expected 8 entries (n), got 9',
    );
    expect(errorOf(edit((d) => d.scenario.initial.validator_permits.pop()))).toBe(
      'scenario.initial.validator_permits: expected 8 entries (n), got 7',
    );
    expect(errorOf(edit((d) => d.scenario.initial.last_update.pop()))).toBe(
      'scenario.initial.last_update: expected 8 entries (n), got 7',
    );
    expect(errorOf(edit((d) => (d.scenario.epochs[3].stake = [1])))).toBe(
      'scenario.epochs[3].stake: expected 8 entries (n), got 1',
    );
    expect(errorOf(edit((d) => (d.scenario.epochs[3].block_at_registration = [])))).toBe(
      'scenario.epochs[3].block_at_registration: expected 8 entries (n), got 0',
    );
  });

  it('readVectorFile(json) wants uids in 0..n-1, as keys and as weight destinations', () => {
    expect(errorOf(edit((d) => (d.scenario.epochs[1].weights['8'] = [])))).toBe(
      'scenario.epochs[1].weights["8"]: expected an integer in 0..7, got 8',
    );
    expect(errorOf(edit((d) => (d.scenario.epochs[1].weights['03'] = [])))).toBe(
      'scenario.epochs[1].weights["03"]: expected a uid (0..7) as the key, got "03"',
    );
    expect(errorOf(edit((d) => (d.scenario.epochs[1].last_update = { x: 2 })))).toBe(
      'scenario.epochs[1].last_update["x"]: expected a uid (0..7) as the key, got "x"',
    );
    expect(errorOf(edit((d) => (d.scenario.epochs[1].weights['0'][0][0] = 8)))).toBe(
      'scenario.epochs[1].weights["0"][0][0]: expected an integer in 0..7, got 8',
    );
    expect(errorOf(edit((d) => (d.scenario.epochs[1].weights['0'][1][0] = 4)))).toBe(
      'scenario.epochs[1].weights["0"][1][0]: uid 4 appears twice in the row (the chain refuses duplicate uids)',
    );
    expect(errorOf(edit((d) => (d.scenario.epochs[1].weights['0'][1] = [5])))).toBe(
      'scenario.epochs[1].weights["0"][1]: expected 2 entries (a [uid, weight] pair), got 1',
    );
    expect(errorOf(edit((d) => (d.scenario.epochs[1].reset_bonds_uid = 8)))).toBe(
      'scenario.epochs[1].reset_bonds_uid: expected an integer in 0..7, got 8',
    );
    expect(errorOf(edit((d) => (d.scenario.owner_uid = -1)))).toBe(
      'scenario.owner_uid: expected an integer in 0..7, got -1',
    );
    expect(errorOf(edit((d) => (d.scenario.epochs[2].expected.bonds_at[0][1] = 9)))).toBe(
      'scenario.epochs[2].expected.bonds_at[0][1]: expected an integer in 0..7, got 9',
    );
  });

  it('readVectorFile(json) wants u16 values in 0..65535 and u64 values whole and non-negative', () => {
    expect(errorOf(edit((d) => (d.scenario.epochs[1].weights['3'][0][1] = 70000)))).toBe(
      'scenario.epochs[1].weights["3"][0][1]: expected an integer in 0..65535, got 70000',
    );
    expect(errorOf(edit((d) => (d.scenario.hyperparameters.kappa = 65536)))).toBe(
      'scenario.hyperparameters.kappa: expected an integer in 0..65535, got 65536',
    );
    expect(errorOf(edit((d) => (d.scenario.epochs[4].hyperparameters = { alpha_low: 1.5 })))).toBe(
      'scenario.epochs[4].hyperparameters.alpha_low: expected an integer in 0..65535, got 1.5',
    );
    expect(errorOf(edit((d) => (d.scenario.epochs[2].expected.bonds_at[0][2] = -1)))).toBe(
      'scenario.epochs[2].expected.bonds_at[0][2]: expected an integer in 0..65535, got -1',
    );
    expect(errorOf(edit((d) => (d.scenario.stake[2] = -1)))).toBe(
      'scenario.stake[2]: expected an integer in 0..2^64-1 (u64), got -1',
    );
    expect(errorOf(edit((d) => (d.scenario.stake[2] = '5')))).toBe(
      'scenario.stake[2]: expected an integer in 0..2^64-1 (u64), got "5"',
    );
    expect(errorOf(edit((d) => (d.scenario.rao_emission = 0.5)))).toBe(
      'scenario.rao_emission: expected an integer in 0..2^64-1 (u64), got 0.5',
    );
    expect(errorOf(edit((d) => (d.scenario.hyperparameters.yuma3_enabled = 1)))).toBe(
      'scenario.hyperparameters.yuma3_enabled: expected true or false, got 1',
    );
    expect(errorOf(edit((d) => (d.scenario.initial.validator_permits[0] = 1)))).toBe(
      'scenario.initial.validator_permits[0]: expected true or false, got 1',
    );
  });

  it('readVectorFile(json) names the closest known hyperparameter or key for an unknown one', () => {
    expect(errorOf(edit((d) => (d.scenario.hyperparameters.bonds_penalt = 1)))).toMatch(
      /^scenario\.hyperparameters\.bonds_penalt: unknown key `bonds_penalt` \(did you mean `bonds_penalty`\?\)/,
    );
    expect(errorOf(edit((d) => (d.scenario.epochs[3].hyperparameters = { yuma_3_enabled: true })))).toMatch(
      /^scenario\.epochs\[3\]\.hyperparameters\.yuma_3_enabled: unknown key .* \(did you mean `yuma3_enabled`\?\)/,
    );
    expect(errorOf(edit((d) => (d.scenario.epochs[1].expected.bond_at = [])))).toMatch(/did you mean `bonds_at`\?/);
    expect(errorOf(edit((d) => (d.toleranse = 0)))).toMatch(/^toleranse: unknown key .*did you mean `tolerance`/);
  });

  it('readVectorFile(json) accepts and ignores chain hyperparameters the epoch does not read', () => {
    const plain = readVectorFile(base).scenario.epochs[0]!.params;
    const file = readVectorFile(
      edit((d) => Object.assign(d.scenario.hyperparameters, { min_allowed_weights: 1, rho: 30 })),
    );
    expect(file.scenario.epochs[0]!.params).toEqual(plain);
  });

  it('readVectorFile(json) wants a tolerance that is a number >= 0', () => {
    expect(errorOf(edit((d) => (d.tolerance = -0.1)))).toBe('tolerance: expected a number >= 0, got -0.1');
    expect(errorOf(edit((d) => (d.tolerance = '0')))).toBe('tolerance: expected a number, got "0"');
    expect(readVectorFile(edit((d) => (d.tolerance = 0.001))).tolerance).toBe(0.001);
  });

  it('readVectorFile(json) reads expected bonds given as null as no bond (0)', () => {
    const file = readVectorFile(edit((d) => (d.scenario.epochs[2].expected.bonds_at = [[0, 4, null]])));
    expect(file.expected[2]!.bondsAt).toEqual([[0, 4, 0]]);
    expect(file.expected[0]).toBeNull();
  });
});
