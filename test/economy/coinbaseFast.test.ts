import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { coinbaseFastStats, setCoinbaseFastPath } from '../../sim/economy/coinbaseFast.ts';

import { DEFAULT_CHAIN_PARAMS } from '../../sim/economy/genesis.ts';
import type { ChainParams, ChainState } from '../../sim/economy/state.ts';
import { blockStep } from '../../sim/engine/blockStep.ts';
import { fingerprint } from '../support/fingerprint.ts';
import { smallNetwork } from '../support/smallNetwork.ts';

const TAO = 1_000_000_000n;

/** `blocks` blocks from `state`, on the doubles path or not; the states and records, fingerprinted. */
function run(state: ChainState, params: ChainParams, blocks: number, fast: boolean): string {
  setCoinbaseFastPath(fast);
  let s = state;
  const records: unknown[] = [];
  for (let k = 0; k < blocks; k++) {
    const step = blockStep(s, params);
    s = step.state;
    records.push(step.record);
  }
  return fingerprint({ s, records });
}

/** Rao amounts spread over many magnitudes, past the doubles path's 2^50 limit now and then. */
const rao = fc.oneof(
  { weight: 4, arbitrary: fc.bigInt({ min: 10n ** 11n, max: 10n ** 15n }) },
  { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 2n ** 56n }) },
  { weight: 1, arbitrary: fc.constantFrom(TAO, 1000n * TAO, 2n ** 50n - 1n, 2n ** 50n) },
);

const subnetCase = fc.record({
  tao: rao,
  alphaIn: rao,
  /** Mostly a mainnet-like price (0.3–5 TAO per alpha, from alphaIn); otherwise `tao` as drawn. */
  priceMilli: fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 300, max: 5000 }) },
    { weight: 1, arbitrary: fc.constant(0) },
  ),
  alphaOut: fc.oneof(
    { weight: 4, arbitrary: fc.bigInt({ min: 0n, max: 5n * 10n ** 15n }) },
    { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 54n }) },
  ),
  movingPrice: fc.bigInt({ min: 0n, max: 2n ** 32n }),
  minerBurned: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 2n ** 32n })),
  ownerCut: fc.boolean(),
  rare: fc.oneof(
    { weight: 8, arbitrary: fc.constant('none' as const) },
    { weight: 1, arbitrary: fc.constant('stable' as const) },
    { weight: 1, arbitrary: fc.constant('priceOne' as const) },
  ),
});

afterEach(() => setCoinbaseFastPath(true));

describe('the coinbase on doubles (coinbaseFast.ts)', () => {
  it('gives every subnet exactly what the bigint path gives, or leaves it to the bigint path', () => {
    const before = { ...coinbaseFastStats };
    fc.assert(
      fc.property(
        fc.array(subnetCase, { minLength: 3, maxLength: 3 }),
        fc.oneof(
          { weight: 4, arbitrary: fc.bigInt({ min: 10n ** 14n, max: 10n ** 17n }) },
          { weight: 1, arbitrary: fc.constant(0n) },
        ),
        fc.oneof(
          { weight: 3, arbitrary: fc.bigInt({ min: 2n ** 60n, max: 2n ** 64n - 1n }) },
          { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) },
        ),
        fc.integer({ min: 1, max: 3 }),
        (cases, rootTao, taoWeight, blocks) => {
          const s0 = smallNetwork();
          const state: ChainState = {
            ...s0,
            rootTaoRao: rootTao,
            subnets: s0.subnets.map((s, k) => {
              const c = cases[k]!;
              return {
                ...s,
                pool: {
                  // price exactly 1 makes a floor land on an integer: refused by the filter
                  taoRao:
                    c.rare === 'priceOne'
                      ? c.alphaIn
                      : c.priceMilli > 0
                        ? (c.alphaIn * BigInt(c.priceMilli)) / 1000n
                        : c.tao,
                  alphaInRao: c.alphaIn,
                  alphaOutRao: c.alphaOut,
                  ...(c.rare === 'stable' && { stable: true }),
                },
                movingPriceI96F32: c.movingPrice,
                minerBurnedU96F32: c.minerBurned,
                params: { ...s.params, ownerCutEnabled: c.ownerCut },
              };
            }),
          };
          const params: ChainParams = { ...DEFAULT_CHAIN_PARAMS, taoWeightU64: taoWeight, rootClaim: null };
          expect(run(state, params, blocks, true)).toBe(run(state, params, blocks, false));
        },
      ),
      { numRuns: 300 },
    );
    // Not vacuous: most subnet-blocks took the doubles path, with the cap binding and without, and some were handed
    // back.
    const taken = coinbaseFastStats.taken - before.taken;
    const capped = coinbaseFastStats.capped - before.capped;
    const bought = coinbaseFastStats.bought - before.bought;
    const refused = coinbaseFastStats.refused - before.refused;
    expect(taken).toBeGreaterThan(300);
    expect(capped).toBeGreaterThan(100);
    expect(bought).toBeGreaterThan(100); // capped with a chain buy
    expect(taken - capped).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(20);
  });

  it('takes subnets without root stake (root proportion 0: the validators get the whole rest, a whole number of rao)', () => {
    const s0 = smallNetwork();
    const state: ChainState = {
      ...s0,
      rootTaoRao: 0n,
      subnets: s0.subnets.map((s) => ({ ...s, params: { ...s.params, ownerCutEnabled: false } })),
    };
    const params: ChainParams = { ...DEFAULT_CHAIN_PARAMS, rootClaim: null };
    const before = { ...coinbaseFastStats };
    expect(run(state, params, 3, true)).toBe(run(state, params, 3, false));
    // The first block's prices are exactly ½ (refused, as in the next test); after it every subnet is taken.
    expect(coinbaseFastStats.taken - before.taken).toBe(6);
    expect(coinbaseFastStats.refused - before.refused).toBe(3);
  });

  it('hands a pool whose price is an exact grid value back to the bigint path (its floor is not certain)', () => {
    const s0 = smallNetwork();
    const state: ChainState = {
      ...s0,
      subnets: s0.subnets.map((s) => ({ ...s, pool: { ...s.pool, taoRao: s.pool.alphaInRao } })), // price 1
    };
    const params: ChainParams = { ...DEFAULT_CHAIN_PARAMS, rootClaim: null };
    const before = { ...coinbaseFastStats };
    expect(run(state, params, 1, true)).toBe(run(state, params, 1, false));
    expect(coinbaseFastStats.refused - before.refused).toBe(3);
    expect(coinbaseFastStats.taken - before.taken).toBe(0);
  });
});
