import { describe, expect, it } from 'vitest';
import type { EpochResult } from '../sim/consensus/types.ts';
import { checkAgainstExpected, formatEpochJson } from '../sim/io/epochJson.ts';
import { readVectorFile } from '../sim/io/vectorFile.ts';

// Hand-made results for 3 uids: uids 0 and 1 are staked validators, uid 2 a server.
const row = (cols: number[], vals: number[]) => ({ cols: Uint16Array.from(cols), vals: Uint16Array.from(vals) });
const result = (over: Partial<EpochResult> = {}): EpochResult => ({
  active: Uint8Array.of(1, 1, 0),
  stakeWeight: Uint16Array.of(32767, 32767, 0),
  consensus: Uint16Array.of(0, 0, 65535),
  incentive: Uint16Array.of(0, 0, 65535),
  dividends: Uint16Array.of(32767, 32767, 0),
  validatorTrust: Uint16Array.of(65535, 65535, 0),
  serverEmission: BigUint64Array.of(0n, 0n, 2n ** 64n - 1n),
  validatorEmission: BigUint64Array.of(250n, 250n, 0n),
  emission: BigUint64Array.of(250n, 250n, 500n),
  newValidatorPermits: Uint8Array.of(1, 1, 0),
  bonds: [row([2, 1, 0], [7, 0, 9]), row([], []), row([], [])],
  ...over,
});
const vector = (tolerance: number, expected: object) =>
  readVectorFile({
    tolerance,
    scenario: {
      n: 3,
      stake: [5, 5, 0],
      block_at_registration: [0, 0, 0],
      initial: { validator_permits: [false, false, false], last_update: [0, 0, 0] },
      epochs: [{ current_block: 7, expected }],
    },
  });
const check = (tolerance: number, expected: object, r = result()) =>
  checkAgainstExpected(vector(tolerance, expected), [r])[0]!;

describe('formatEpochJson', () => {
  it('formatEpochJson(results) prints u64 emissions as exact integers, bonds sorted without zeros, flags as booleans', () => {
    const json = formatEpochJson([result()]);
    expect(json).toContain('"server_emission":[0,0,18446744073709551615]');
    const epoch = (JSON.parse(json) as { epochs: Record<string, unknown>[] }).epochs[0]!;
    expect(epoch.bonds).toEqual([
      [
        [0, 9],
        [2, 7],
      ],
      [],
      [],
    ]);
    expect(epoch.active).toEqual([true, true, false]);
    expect(epoch.new_validator_permits).toEqual([true, true, false]);
    expect(epoch.dividends_u16).toEqual([32767, 32767, 0]);
  });
});

describe('checkAgainstExpected', () => {
  it('checkAgainstExpected(file, results) reports the epoch, its block, and ok when everything matches', () => {
    const c = check(0, { incentive_u16: [0, 0, 65535], emission_at: [[2, 500]], bonds_at: [[0, 2, 7]] });
    expect(c).toEqual({ epoch: 0, block: 7, checked: true, ok: true, mismatches: [] });
  });

  it('checkAgainstExpected(file, results) compares exactly when the tolerance is 0, u64 values included', () => {
    const want = { server_emission_at: [[2, 2n ** 64n - 2n]] }; // as parseJsonExact reads it
    expect(check(0, want).mismatches).toEqual([
      'server_emission[2] = 18446744073709551615, expected 18446744073709551614',
    ]);
    expect(check(1e-3, want).ok).toBe(false);
    expect(check(1, want).ok).toBe(true);
  });

  it('checkAgainstExpected(file, results) names each differing value', () => {
    const c = check(0, { consensus_u16: [0, 1, 65535], validator_trust_u16_at: [[2, 3]] });
    expect(c.ok).toBe(false);
    expect(c.mismatches).toEqual(['consensus_u16[1] = 0, expected 1', 'validator_trust_u16[2] = 0, expected 3']);
  });

  it('checkAgainstExpected(file, results) reads a null or absent expected bond as 0', () => {
    expect(check(0, { bonds_at: [[0, 1, null]] }).ok).toBe(true); // stored as an explicit 0
    expect(check(0, { bonds_at: [[1, 0, null]] }).ok).toBe(true); // absent
    expect(check(0, { bonds_at: [[1, 0, 1]] }).mismatches).toEqual(['bonds[1][0] = 0, expected 1']);
  });

  it('checkAgainstExpected(file, results) compares dividends_float as u16 / 65535 within the tolerance', () => {
    expect(check(1e-3, { dividends_float: [0.5, 0.5, 0] }).ok).toBe(true);
    expect(check(1e-3, { dividends_float: [0.5, 0.502, 0] }).mismatches).toEqual([
      'dividends[1] = 0.499992, expected 0.502',
    ]);
  });

  it('checkAgainstExpected(file, results) wants every validator (staked uid) and every server like the named uid', () => {
    expect(check(0, { all_validators_like_uid: 0, all_servers_like_uid: 2 }).ok).toBe(true);
    const uneven = result({ dividends: Uint16Array.of(32767, 32768, 0) });
    expect(check(0, { all_validators_like_uid: 0 }, uneven).mismatches).toEqual([
      'dividends_u16[1] = 32768, expected the same as uid 0 (32767)',
    ]);
    expect(check(0, { all_servers_like_uid: 2 }, uneven).ok).toBe(true);
  });

  it('checkAgainstExpected(file, results) marks an epoch without expected values as ok but not checked', () => {
    const file = readVectorFile({
      scenario: {
        n: 1,
        stake: [1],
        block_at_registration: [0],
        initial: { validator_permits: [false], last_update: [0] },
        epochs: [{ current_block: 3 }],
      },
    });
    expect(checkAgainstExpected(file, [result()])[0]).toEqual({
      epoch: 0,
      block: 3,
      checked: false,
      ok: true,
      mismatches: [],
    });
  });
});
