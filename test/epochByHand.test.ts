import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixedArith, runEpoch, stakeFromRao } from '../sim/consensus/index.ts';
import type { EpochInput, EpochParams } from '../sim/consensus/types.ts';
import { weightedMedian } from '../sim/consensus/weightedMedian.ts';

// Golden values worked out by hand (each case explains its arithmetic) and the chain's weighted-median cases.
const row = (cols: number[], vals: number[]) => ({ cols: Uint16Array.from(cols), vals: Uint16Array.from(vals) });
const params: EpochParams = {
  tempo: 360,
  activityCutoff: 5000,
  kappa: 32767,
  bondsMovingAverage: 900_000,
  bondsPenalty: 65535,
  maxAllowedValidators: 64,
  yuma3Enabled: false,
  liquidAlphaEnabled: false,
  alphaLow: 45875,
  alphaHigh: 58982,
  alphaSigmoidSteepness: 1000,
  stakeThreshold: 0n,
  commitRevealEnabled: false,
};
/** Validators 0 (stake 3) and 1 (stake 1), both permitted; 0 weights only miner 2, 1 weights only miner 3. */
const split = (p: Partial<EpochParams> = {}): EpochInput => ({
  n: 4,
  currentBlock: 1000,
  params: { ...params, ...p },
  stake: stakeFromRao([3, 1, 0, 0]),
  lastUpdate: [999, 999, 0, 0],
  blockAtRegistration: [0, 0, 0, 0],
  validatorPermits: [1, 1, 0, 0],
  weights: [row([2], [65535]), row([3], [65535]), row([], []), row([], [])],
  bonds: [row([], []), row([], []), row([], []), row([], [])],
  ownerUid: null,
  lastMechanismStepBlock: 0,
  raoEmission: 1_000_000_000n,
});

describe('epoch by hand', () => {
  // Active stake 0.75 / 0.25. Miner 2 is backed by 0.75 ≥ kappa (≈ 0.5): consensus 1. Miner 3 by 0.25 only:
  // consensus 0, so validator 1's weight is clipped away. Ranks: miner 2 = 0.75 → incentive 1. Bonds: ΔB(0,2) = 0.75
  // → normalised 1 → EMA 0.1 → normalised 1, so dividends go all to validator 0. Incentive and dividends sum to 2:
  // miner 2 and validator 0 get half of the emission each, exactly (0.5 is exact in Q32.32).
  it('pays the majority-backed miner and its validator half each under Yuma', () => {
    const r = runEpoch(split());
    expect(Array.from(r.consensus)).toEqual([0, 0, 65535, 0]);
    expect(Array.from(r.incentive)).toEqual([0, 0, 65535, 0]);
    expect(Array.from(r.dividends)).toEqual([65535, 0, 0, 0]);
    expect(Array.from(r.validatorTrust)).toEqual([65535, 0, 0, 0]);
    expect(Array.from(r.serverEmission)).toEqual([0n, 0n, 500_000_000n, 0n]);
    expect(Array.from(r.validatorEmission)).toEqual([500_000_000n, 0n, 0n, 0n]);
    expect(Array.from(r.stakeWeight)).toEqual([49151, 16383, 0, 0]); // floor(0.75·65535), floor(0.25·65535)
    // Stored bonds are column-max upscaled: validator 0's only bond is the column maximum.
    expect(Array.from(r.bonds[0]!.cols)).toEqual([2]);
    expect(Array.from(r.bonds[0]!.vals)).toEqual([65535]);
    expect(r.bonds[1]!.cols.length).toBe(0);
  });

  // Yuma3 stores the raw EMA bond: α = 1 − trunc32(0.9) = 429496730/2^32 (a hair above 0.1), B = α·1,
  // stored as floor(B·65535) = floor(6553.500001) = 6553. Dividends: validator 0 alone holds bonds.
  it('stores the raw EMA bond under Yuma3', () => {
    const r = runEpoch(split({ yuma3Enabled: true }));
    expect(Array.from(r.dividends)).toEqual([65535, 0, 0, 0]);
    expect(Array.from(r.bonds[0]!.vals)).toEqual([6553]);
  });

  // With kappa just above 0.75 the 0.75 backing of miner 2 is no longer a majority: consensus 0 everywhere,
  // nobody earns, and the whole emission goes to validators by active stake: 750 000 000 and 250 000 000.
  it('falls back to paying validators by stake when no miner reaches consensus', () => {
    const r = runEpoch(split({ kappa: 49200 }));
    expect(Array.from(r.consensus)).toEqual([0, 0, 0, 0]);
    expect(Array.from(r.validatorEmission)).toEqual([750_000_000n, 250_000_000n, 0n, 0n]);
    expect(Array.from(r.serverEmission)).toEqual([0n, 0n, 0n, 0n]);
  });

  // An inactive validator (last update older than the cutoff) is masked: validator 1 alone holds active stake, so
  // its miner 3 gets consensus 1 and validator 0's weight on miner 2 is clipped to nothing.
  it('ignores the weights of an inactive validator', () => {
    // 4000 + 5000 < 10000: inactive; the others updated at 9999.
    const r = runEpoch({ ...split(), lastUpdate: [4000, 9999, 9999, 9999], currentBlock: 10_000 });
    expect(Array.from(r.active)).toEqual([0, 1, 1, 1]);
    expect(Array.from(r.consensus)).toEqual([0, 0, 0, 65535]);
    expect(Array.from(r.incentive)).toEqual([0, 0, 0, 65535]);
  });
});

describe('weighted median (subtensor math tests)', () => {
  const vector = JSON.parse(readFileSync(new URL('./vectors/math_weighted_median.json', import.meta.url), 'utf8')) as {
    cases: { name: string; stake: number[]; score: number[]; majority: number; normalize: boolean; expected: number }[];
  };
  // `fixed(x: f32)` in the Rust tests: the f32 value rounded to the nearest Q32.32.
  const fixed = (x: number): bigint => BigInt(Math.round(Math.fround(x) * 2 ** 32));
  for (const c of vector.cases) {
    it(`gives ${c.expected} for ${c.name}`, () => {
      let stake = c.stake.map(fixed);
      if (c.normalize) {
        const s = stake.reduce((a, b) => a + b, 0n);
        stake = stake.map((x) => fixedArith.div(x, s));
      }
      const got = weightedMedian(
        fixedArith,
        stake,
        c.score.map(fixed),
        stake.map((_, i) => i),
        fixed(1) - fixed(c.majority),
        0n,
        stake.reduce((a, b) => a + b, 0n),
      );
      expect(got).toBe(fixed(c.expected));
    });
  }

  it('resolves an exact 50/50 split to the higher score with the default kappa (just below one half)', () => {
    const half = 1n << 31n;
    const kappa = fixedArith.u16Proportion(32767);
    const got = weightedMedian(
      fixedArith,
      [half, half],
      [1n << 30n, 3n << 30n],
      [0, 1],
      (1n << 32n) - kappa,
      0n,
      1n << 32n,
    );
    expect(got).toBe(3n << 30n);
  });
});
