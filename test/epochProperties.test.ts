import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runEpoch } from '../sim/consensus/index.ts';
import type { EpochInput, EpochResult, SparseRowU16 } from '../sim/consensus/types.ts';
import { relabel, subnetArbitrary } from './support/subnetArbitrary.ts';

// Invariants of the chain's epoch on random subnets (sizes 1–256, sparse and dense weights, ties, zero stake,
// inactive validators, Yuma and Yuma3, with and without liquid alpha). Fixed mode unless said otherwise.
const fixed = (input: EpochInput): EpochResult => runEpoch(input, { mode: 'fixed' });
const total = (xs: BigUint64Array): bigint => xs.reduce((s, x) => s + x, 0n);
const sumU16 = (xs: Uint16Array): number => xs.reduce((s, x) => s + x, 0);
const hasStake = (input: EpochInput): boolean => input.stake.some((s) => s > 0n);

/**
 * Provable truncation loss of the combined emission: each of n normalised shares is truncated to the I32F32 grid
 * (they then sum to 1 − k·2^-32 with k ≤ n − 1) and each rao amount is floored (< 1 rao each).
 */
const maxLossRao = (n: number, rao: bigint): bigint =>
  BigInt(n) + (BigInt(n - 1) * rao + (1n << 32n) - 1n) / (1n << 32n);

describe('epoch invariants (fixed mode)', () => {
  it('pays out at most the epoch emission, and at most n rao (plus (n−1)·rao/2^32 of normalisation) less', () => {
    fc.assert(
      fc.property(subnetArbitrary(), (input) => {
        const r = fixed(input);
        const paid = total(r.emission);
        expect(paid).toBeLessThanOrEqual(input.raoEmission);
        expect(total(r.serverEmission) + total(r.validatorEmission)).toBeLessThanOrEqual(input.raoEmission);
        if (hasStake(input)) {
          expect(input.raoEmission - paid).toBeLessThanOrEqual(maxLossRao(input.n, input.raoEmission));
          const split = total(r.serverEmission) + total(r.validatorEmission);
          expect(input.raoEmission - split).toBeLessThanOrEqual(2n * maxLossRao(input.n, input.raoEmission));
        } else {
          expect(paid).toBe(0n);
        }
      }),
    );
  });

  it('keeps normalised u16 vectors within n LSB below 65535 and never above (incentive, dividends, stake weight)', () => {
    fc.assert(
      fc.property(subnetArbitrary(), (input) => {
        const r = fixed(input);
        for (const v of [r.incentive, r.dividends, r.stakeWeight]) {
          const s = sumU16(v);
          expect(s).toBeLessThanOrEqual(65535);
          if (s > 0) expect(s).toBeGreaterThanOrEqual(65535 - input.n);
        }
        for (const vt of r.validatorTrust) expect(vt).toBeLessThanOrEqual(65535);
        if (hasStake(input)) expect(sumU16(r.stakeWeight)).toBeGreaterThan(0);
      }),
    );
  });

  // Original Yuma pays dividends on stored bonds: a validator that unstaked everything since the last epoch still
  // earns on its decaying bonds for one epoch (the chain does this too). Yuma3 multiplies by active stake.
  it('gives no dividends and no validator emission to a uid with zero stake (under Yuma, one without bonds)', () => {
    fc.assert(
      fc.property(subnetArbitrary(), (input) => {
        const r = fixed(input);
        input.stake.forEach((s, i) => {
          if (s === 0n && (input.params.yuma3Enabled || !input.bonds[i]?.vals.some((v) => v > 0))) {
            expect(r.dividends[i]).toBe(0);
            expect(r.validatorEmission[i]).toBe(0n);
          }
        });
      }),
    );
  });

  it('gives no dividends to a uid without a validator permit (the subnet owner always has one)', () => {
    fc.assert(
      fc.property(subnetArbitrary(), (input) => {
        const r = fixed(input);
        for (let i = 0; i < input.n; i++) {
          if (!input.validatorPermits[i] && i !== input.ownerUid) expect(r.dividends[i]).toBe(0);
        }
      }),
    );
  });

  it('gives no consensus and no incentive to a miner no validator weights', () => {
    const withUnweighted = subnetArbitrary().chain((input) =>
      fc.integer({ min: 0, max: input.n - 1 }).map((j): [EpochInput, number] => [dropColumn(input, j), j]),
    );
    fc.assert(
      fc.property(withUnweighted, ([input, j]) => {
        const r = fixed(input);
        expect(r.consensus[j]).toBe(0);
        expect(r.incentive[j]).toBe(0);
        expect(r.serverEmission[j]).toBe(0n);
      }),
    );
  });

  it('permutes its outputs when uids are relabelled (stakes distinct, so no permit ties)', () => {
    const relabelled = subnetArbitrary({ maxN: 64 })
      .filter((input) => new Set(input.stake).size === input.n)
      .chain((input) =>
        fc
          .shuffledSubarray(
            Array.from({ length: input.n }, (_, i) => i),
            { minLength: input.n, maxLength: input.n },
          )
          .map((perm): [EpochInput, number[]] => [input, perm]),
      );
    fc.assert(
      fc.property(relabelled, ([input, perm]) => {
        const r = fixed(input);
        const q = fixed(relabel(input, perm));
        for (let i = 0; i < input.n; i++) {
          const k = perm[i]!;
          for (const key of ['consensus', 'incentive', 'dividends', 'validatorTrust', 'stakeWeight'] as const) {
            expect(q[key][k], `${key}[${i}→${k}]`).toBe(r[key][i]);
          }
          for (const key of ['serverEmission', 'validatorEmission', 'emission'] as const) {
            expect(q[key][k], `${key}[${i}→${k}]`).toBe(r[key][i]);
          }
          expect(q.newValidatorPermits[k]).toBe(r.newValidatorPermits[i]);
          expect(bondMap(q.bonds[k])).toEqual(relabelRow(r.bonds[i], perm));
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('float mode', () => {
  // The documented bound (README "Arithmetic modes"): float outputs within 1 LSB of fixed for u16 values and within
  // 1e-5 of the epoch emission for rao amounts (measured: identical on 1499 of 1500 random subnets).
  it('stays within the documented bound of fixed mode', () => {
    fc.assert(
      fc.property(subnetArbitrary({ maxN: 128 }), (input) => {
        const a = fixed(input);
        const b = runEpoch(input, { mode: 'float' });
        for (const key of ['consensus', 'incentive', 'dividends', 'validatorTrust', 'stakeWeight'] as const) {
          for (let i = 0; i < input.n; i++) expect(Math.abs(a[key][i]! - b[key][i]!)).toBeLessThanOrEqual(1);
        }
        const bound = input.raoEmission / 100_000n;
        for (const key of ['serverEmission', 'validatorEmission', 'emission'] as const) {
          for (let i = 0; i < input.n; i++) {
            const d = a[key][i]! - b[key][i]!;
            expect(d < 0n ? -d : d).toBeLessThanOrEqual(bound);
          }
        }
        expect(Array.from(b.newValidatorPermits)).toEqual(Array.from(a.newValidatorPermits));
      }),
    );
  });
});

function dropColumn(input: EpochInput, j: number): EpochInput {
  const strip = (row: SparseRowU16): SparseRowU16 => {
    const keep = [...row.cols.keys()].filter((k) => row.cols[k] !== j);
    return { cols: Uint16Array.from(keep, (k) => row.cols[k]!), vals: Uint16Array.from(keep, (k) => row.vals[k]!) };
  };
  return { ...input, weights: input.weights.map(strip) };
}

/** A bonds row as {column: value} with zero entries dropped. */
function bondMap(row: SparseRowU16 | undefined): Record<number, number> {
  const out: Record<number, number> = {};
  if (!row) return out;
  for (let k = 0; k < row.cols.length; k++) {
    if (row.vals[k]) out[row.cols[k]!] = row.vals[k]!;
  }
  return out;
}

function relabelRow(row: SparseRowU16 | undefined, perm: readonly number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const [j, v] of Object.entries(bondMap(row))) out[perm[Number(j)]!] = v;
  return out;
}
