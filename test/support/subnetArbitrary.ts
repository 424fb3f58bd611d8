import fc from 'fast-check';
import { stakeFromRao } from '../../sim/consensus/index.ts';
import type { EpochInput, EpochParams, SparseRowU16 } from '../../sim/consensus/types.ts';

/**
 * Random subnet states for property tests, shaped like chain storage: weights rows are row-max-upscaled u16 with
 * sorted, distinct columns (zero entries allowed), bonds only on rows that hold a permit (the sparse epoch empties
 * every other row), stake in whole rao with zero-stake uids, inactive validators and recent registrations.
 */
export interface SubnetConstraints {
  readonly minN?: number;
  readonly maxN?: number;
  readonly yuma3?: boolean;
  /** Probability-like switch: when false no stake entry is zero. */
  readonly zeroStake?: boolean;
}

const CURRENT_BLOCK = 10_000;

const row = (cols: number[], vals: number[]): SparseRowU16 => ({
  cols: Uint16Array.from(cols),
  vals: Uint16Array.from(vals),
});

function maxUpscale(vals: number[]): number[] {
  const max = Math.max(0, ...vals);
  return max === 0 ? vals : vals.map((v) => Math.round((v * 65535) / max));
}

export function subnetArbitrary(c: SubnetConstraints = {}): fc.Arbitrary<EpochInput> {
  const minN = c.minN ?? 1;
  const maxN = c.maxN ?? 256;
  return fc
    .record({
      n: fc.integer({ min: minN, max: maxN }),
      seed: fc.integer(),
      yuma3: c.yuma3 === undefined ? fc.boolean() : fc.constant(c.yuma3),
      liquid: fc.boolean(),
      denseWeights: fc.boolean(),
      kappa: fc.oneof(fc.constant(32767), fc.integer({ min: 1, max: 65535 })),
      bondsPenalty: fc.oneof(fc.constant(65535), fc.constant(0), fc.integer({ min: 0, max: 65535 })),
      bma: fc.oneof(fc.constant(900_000), fc.constant(975_000), fc.integer({ min: 0, max: 1_000_000 })),
      alphaLow: fc.integer({ min: 1638, max: 65535 }),
      alphaSpan: fc.integer({ min: 0, max: 65535 }),
      steepness: fc.oneof(fc.constant(1000), fc.integer({ min: -32768, max: 32767 })),
      maxValidators: fc.integer({ min: 1, max: 64 }),
      ownerUid: fc.option(fc.nat(), { nil: null }),
      ties: fc.boolean(),
    })
    .chain((g) => {
      const n = g.n;
      const uid = fc.integer({ min: 0, max: n - 1 });
      // With `ties`, values come from a few levels so equal stakes and equal weights are common.
      const positiveStake = g.ties ? fc.constantFrom(1_000_000_000n, 2_000_000_000n) : fc.bigInt(1n, 1n << 50n);
      const stakeValue = c.zeroStake === false ? positiveStake : fc.oneof(fc.constant(0n), positiveStake);
      const value = g.ties ? fc.constantFrom(0, 1, 32768, 65535) : fc.integer({ min: 0, max: 65535 });
      const weightRow = g.denseWeights
        ? fc.array(value, { minLength: n, maxLength: n }).map((vals) => ({ cols: vals.map((_, j) => j), vals }))
        : fc.uniqueArray(fc.tuple(uid, value), { selector: (e) => e[0], maxLength: Math.min(n, 32) }).map((es) => {
            es.sort((x, y) => x[0] - y[0]);
            return { cols: es.map((e) => e[0]), vals: es.map((e) => e[1]) };
          });
      return fc
        .record({
          stake: fc.array(stakeValue, { minLength: n, maxLength: n }),
          permits: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
          lastUpdate: fc.array(
            fc.oneof(
              fc.integer({ min: CURRENT_BLOCK - 200, max: CURRENT_BLOCK }),
              fc.integer({ min: 0, max: CURRENT_BLOCK }),
            ),
            { minLength: n, maxLength: n },
          ),
          registered: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: CURRENT_BLOCK })), {
            minLength: n,
            maxLength: n,
          }),
          weights: fc.array(fc.option(weightRow, { nil: undefined, freq: 3 }), { minLength: n, maxLength: n }),
          bonds: fc.array(weightRow, { minLength: n, maxLength: n }),
          tempo: fc.oneof(fc.constant(360), fc.integer({ min: 1, max: 1000 })),
          cutoff: fc.oneof(fc.constant(5000), fc.integer({ min: 1, max: 12_000 })),
        })
        .map((s): EpochInput => {
          const params: EpochParams = {
            tempo: s.tempo,
            activityCutoff: s.cutoff,
            kappa: g.kappa,
            bondsMovingAverage: g.bma,
            bondsPenalty: g.bondsPenalty,
            maxAllowedValidators: g.maxValidators,
            yuma3Enabled: g.yuma3,
            liquidAlphaEnabled: g.liquid,
            alphaLow: g.alphaLow,
            alphaHigh: Math.min(65535, g.alphaLow + g.alphaSpan),
            alphaSigmoidSteepness: g.steepness,
            stakeThreshold: 0n,
            commitRevealEnabled: false,
          };
          return {
            n,
            currentBlock: CURRENT_BLOCK,
            params,
            stake: stakeFromRao(s.stake),
            lastUpdate: s.lastUpdate,
            blockAtRegistration: s.registered,
            validatorPermits: s.permits.map((p) => (p ? 1 : 0)),
            weights: s.weights.map((w) => (w ? row(w.cols, maxUpscale(w.vals)) : row([], []))),
            bonds: s.bonds.map((b, i) => (s.permits[i] ? row(b.cols, b.vals) : row([], []))),
            ownerUid: g.ownerUid === null ? null : g.ownerUid % n,
            lastMechanismStepBlock: 0,
            raoEmission: 1_000_000_000n,
          };
        });
    });
}

/** The same subnet with uid i renamed perm[i] everywhere (rows re-sorted by column, as a fresh set_weights would). */
export function relabel(input: EpochInput, perm: readonly number[]): EpochInput {
  const n = input.n;
  const inv = new Array<number>(n);
  perm.forEach((to, from) => {
    inv[to] = from;
  });
  const moveRow = (r: SparseRowU16 | undefined): SparseRowU16 => {
    const es = r ? [...r.cols].map((j, k) => [perm[j]!, r.vals[k]!] as const) : [];
    const sorted = [...es].sort((x, y) => x[0] - y[0]);
    return row(
      sorted.map((e) => e[0]),
      sorted.map((e) => e[1]),
    );
  };
  const pick = <V>(xs: ArrayLike<V>): V[] => Array.from({ length: n }, (_, i) => xs[inv[i]!]!);
  return {
    ...input,
    stake: pick(input.stake),
    lastUpdate: pick(input.lastUpdate),
    blockAtRegistration: pick(input.blockAtRegistration),
    validatorPermits: pick(input.validatorPermits),
    weights: Array.from({ length: n }, (_, i) => moveRow(input.weights[inv[i]!])),
    bonds: Array.from({ length: n }, (_, i) => moveRow(input.bonds[inv[i]!])),
    ownerUid: input.ownerUid === null ? null : perm[input.ownerUid]!,
  };
}
