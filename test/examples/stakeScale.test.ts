// A worked example of property-testing a consensus invariant (README "Property-testing consensus invariants"):
// copy this file, change the property, run `npx vitest run test/examples`.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runEpoch } from '../../sim/consensus/index.ts';
import type { EpochInput } from '../../sim/consensus/types.ts';
import { subnetArbitrary } from '../support/subnetArbitrary.ts';

/** Every uid's stake multiplied by k (and no stake threshold, which is absolute and would not scale). */
const scaled = (input: EpochInput, k: bigint): EpochInput => ({
  ...input,
  stake: input.stake.map((s) => s * k),
  params: { ...input.params, stakeThreshold: 0n },
});

describe('example invariant: consensus depends on stake shares, not on the stake unit', () => {
  it('multiplying every stake by the same factor changes no output of the chain-exact epoch', () => {
    fc.assert(
      fc.property(subnetArbitrary({ maxN: 64 }), fc.bigInt(2n, 1000n), (input, k) => {
        const base = runEpoch(scaled(input, 1n)); // fixed mode: bit-exact with the chain
        const big = runEpoch(scaled(input, k));
        // (k·s << 32) / (k·Σs) = (s << 32) / Σs exactly, so every normalised value, and all that follows, is equal.
        expect(big.stakeWeight).toEqual(base.stakeWeight);
        expect(big.consensus).toEqual(base.consensus);
        expect(big.incentive).toEqual(base.incentive);
        expect(big.dividends).toEqual(base.dividends);
        expect(big.emission).toEqual(base.emission);
        expect(big.bonds).toEqual(base.bonds);
        expect(big.newValidatorPermits).toEqual(base.newValidatorPermits);
      }),
    );
  });
});
