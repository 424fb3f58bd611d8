import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EpochInput, EpochParams, EpochResult, SparseRowU16 } from '../../sim/consensus/types.ts';
import { expSafe, normaliseBondRow, oracleEpoch, oracleEpochStorageOrder, weightedMedian } from './chainEpoch.ts';

// ---------------------------------------------------------------------------------------------
// Vector files (test/vectors, format in docs/vector-format.md) and a small private replay loop
// ---------------------------------------------------------------------------------------------

type Hyper = Record<string, number | boolean>;
interface VEpoch {
  current_block: number;
  weights?: Record<string, [number, number][]>;
  last_update?: Record<string, number>;
  reset_bonds_uid?: number;
  hyperparameters?: Hyper;
  stake?: number[];
  block_at_registration?: number[];
  expected?: Record<string, unknown>;
}
interface VFile {
  source_test: string;
  tolerance: number;
  scenario: {
    n: number;
    stake: number[];
    hyperparameters: Hyper;
    block_at_registration: number[];
    initial: { validator_permits: boolean[]; last_update: number[] };
    epochs: VEpoch[];
    rao_emission?: number;
    owner_uid?: number;
    dense?: boolean;
  };
}

const load = (name: string): VFile =>
  JSON.parse(readFileSync(new URL(`../vectors/${name}`, import.meta.url), 'utf8')) as VFile;

const DEFAULTS: Hyper = {
  tempo: 360,
  kappa: 32767,
  bonds_moving_average: 900000,
  bonds_penalty: 65535,
  max_allowed_validators: 128,
  stake_threshold: 0,
  commit_reveal_enabled: false,
  yuma3_enabled: false,
  liquid_alpha_enabled: false,
  alpha_low: 45875,
  alpha_high: 58982,
  alpha_sigmoid_steepness: 1000,
  activity_cutoff_factor_milli: 13889,
  bonds_reset_enabled: false,
};

function paramsOf(h: Hyper): EpochParams {
  const num = (k: string): number => Number(h[k]);
  const tempo = num('tempo');
  const activityCutoff =
    h.activity_cutoff_blocks !== undefined
      ? num('activity_cutoff_blocks')
      : Math.max(1, Math.floor((num('activity_cutoff_factor_milli') * tempo) / 1000));
  return {
    tempo,
    activityCutoff,
    kappa: num('kappa'),
    bondsMovingAverage: num('bonds_moving_average'),
    bondsPenalty: num('bonds_penalty'),
    maxAllowedValidators: num('max_allowed_validators'),
    yuma3Enabled: h.yuma3_enabled === true,
    liquidAlphaEnabled: h.liquid_alpha_enabled === true,
    alphaLow: num('alpha_low'),
    alphaHigh: num('alpha_high'),
    alphaSigmoidSteepness: num('alpha_sigmoid_steepness'),
    stakeThreshold: BigInt(num('stake_threshold')),
    commitRevealEnabled: h.commit_reveal_enabled === true,
  };
}

const row = (entries: readonly (readonly [number, number])[]): SparseRowU16 => ({
  cols: Uint16Array.from(entries.map((e) => e[0])),
  vals: Uint16Array.from(entries.map((e) => e[1])),
});

interface Step {
  epoch: VEpoch;
  input: EpochInput;
  result: EpochResult;
}

/** Replays a vector file epoch by epoch, carrying bonds, permits, weights and last_update as the chain stores them. */
function replay(file: VFile, dense: boolean): Step[] {
  const sc = file.scenario;
  const n = sc.n;
  let hyper: Hyper = { ...DEFAULTS, ...sc.hyperparameters };
  let stake = sc.stake.slice();
  let blockAtRegistration = sc.block_at_registration.slice();
  let permits: number[] = sc.initial.validator_permits.map((b) => (b ? 1 : 0));
  const lastUpdate = sc.initial.last_update.slice();
  const weights: SparseRowU16[] = Array.from({ length: n }, () => row([]));
  let bonds: SparseRowU16[] = Array.from({ length: n }, () => row([]));
  const steps: Step[] = [];
  for (const epoch of sc.epochs) {
    if (epoch.hyperparameters !== undefined) hyper = { ...hyper, ...epoch.hyperparameters };
    if (epoch.stake !== undefined) stake = epoch.stake.slice();
    if (epoch.block_at_registration !== undefined) blockAtRegistration = epoch.block_at_registration.slice();
    for (const [uid, r] of Object.entries(epoch.weights ?? {})) weights[Number(uid)] = row(r);
    for (const [uid, b] of Object.entries(epoch.last_update ?? {})) lastUpdate[Number(uid)] = b;
    if (epoch.reset_bonds_uid !== undefined && hyper.bonds_reset_enabled === true) {
      const gone = epoch.reset_bonds_uid;
      bonds = bonds.map((b) => {
        const kept: [number, number][] = [];
        b.cols.forEach((j, k) => {
          if (j !== gone) kept.push([j, b.vals[k] as number]);
        });
        return row(kept);
      });
    }
    const input: EpochInput = {
      n,
      currentBlock: epoch.current_block,
      params: paramsOf(hyper),
      stake: stake.map((s) => BigInt(s) << 64n),
      lastUpdate: lastUpdate.slice(),
      blockAtRegistration: blockAtRegistration.slice(),
      validatorPermits: permits.slice(),
      weights: weights.slice(),
      bonds: bonds.slice(),
      ownerUid: sc.owner_uid ?? null,
      lastMechanismStepBlock: 0,
      raoEmission: BigInt(sc.rao_emission ?? 1_000_000_000),
    };
    const result = oracleEpochStorageOrder(input, dense);
    steps.push({ epoch, input, result });
    permits = Array.from(result.newValidatorPermits);
    bonds = result.bonds.slice();
  }
  return steps;
}

// ---------------------------------------------------------------------------------------------
// Comparing a result with an epoch's `expected`
// ---------------------------------------------------------------------------------------------

const U16_FIELDS: Record<string, keyof EpochResult> = {
  consensus: 'consensus',
  incentive: 'incentive',
  dividends: 'dividends',
  validator_trust: 'validatorTrust',
  stake_weight: 'stakeWeight',
};
const U64_FIELDS: Record<string, keyof EpochResult> = {
  emission: 'emission',
  server_emission: 'serverEmission',
  validator_emission: 'validatorEmission',
};
const LIKE_FIELDS: (keyof EpochResult)[] = [
  'active',
  'stakeWeight',
  'consensus',
  'incentive',
  'dividends',
  'validatorTrust',
  'serverEmission',
  'validatorEmission',
  'emission',
  'newValidatorPermits',
];

function vectorOf(r: EpochResult, key: keyof EpochResult): (number | bigint)[] {
  return Array.from(r[key] as ArrayLike<number | bigint>);
}
function bondOf(r: EpochResult, i: number, j: number): number {
  const b = r.bonds[i];
  if (b === undefined) return 0;
  let v = 0;
  b.cols.forEach((c, k) => {
    if (c === j) v = b.vals[k] as number;
  });
  return v;
}

/** Every difference between `expected` and the result, as readable lines (empty = match). */
function mismatches(
  expected: Record<string, unknown>,
  r: EpochResult,
  file: VFile,
  stake: readonly number[],
): string[] {
  const out: string[] = [];
  const tol = file.tolerance;
  const same = (a: number | bigint, b: number | bigint, scale: number): boolean =>
    tol === 0 ? BigInt(a) === BigInt(b) : Math.abs(Number(a) - Number(b)) / scale <= tol;
  for (const [key, value] of Object.entries(expected)) {
    if (key === 'bonds_float_validators_miners' || key === 'bonds_check_note') continue; // informational only
    const base = key.replace(/_at$/, '').replace(/_u16$/, '');
    const field = U16_FIELDS[base] ?? U64_FIELDS[base];
    const scale = U16_FIELDS[base] !== undefined ? 65535 : 1e9;
    if (field !== undefined && !key.endsWith('_at')) {
      const got = vectorOf(r, field);
      const want = value as number[];
      if (got.length !== want.length || want.some((w, i) => !same(got[i] ?? 0, w, scale))) {
        out.push(`${key}: got [${got.join(', ')}], want [${want.join(', ')}]`);
      }
    } else if (field !== undefined) {
      const got = vectorOf(r, field);
      for (const [uid, want] of value as [number, number][]) {
        if (!same(got[uid] ?? 0, want, scale)) out.push(`${key} uid ${uid}: got ${got[uid]}, want ${want}`);
      }
    } else if (key === 'bonds_at') {
      for (const [i, j, want] of value as [number, number, number | null][]) {
        const got = bondOf(r, i, j);
        if (got !== (want ?? 0)) out.push(`bond (${i}, ${j}): got ${got}, want ${want}`);
      }
    } else if (key === 'dividends_float') {
      const eps = tol > 0 ? tol : 1e-3;
      (value as number[]).forEach((want, i) => {
        const got = (r.dividends[i] ?? 0) / 65535;
        if (!(Math.abs(got - want) <= eps)) out.push(`dividends_float uid ${i}: got ${got.toFixed(5)}, want ${want}`);
      });
    } else if (key === 'all_validators_like_uid' || key === 'all_servers_like_uid') {
      const like = value as number;
      const staked = key === 'all_validators_like_uid';
      for (let uid = 0; uid < r.consensus.length; uid++) {
        if ((stake[uid] ?? 0) > 0 !== staked) continue;
        for (const f of LIKE_FIELDS) {
          const v = vectorOf(r, f);
          if (v[uid] !== v[like]) out.push(`${key}: uid ${uid} ${String(f)} ${v[uid]} != uid ${like}'s ${v[like]}`);
        }
      }
    } else {
      out.push(`unknown expected key ${key}`);
    }
  }
  return out;
}

/** Replays a file and collects every mismatch of every epoch that states `expected`. */
function check(file: VFile, dense: boolean): { checked: number; problems: string[] } {
  const problems: string[] = [];
  let checked = 0;
  replay(file, dense).forEach((step, k) => {
    if (step.epoch.expected === undefined) return;
    checked += 1;
    const stake = step.input.stake.map((s) => Number(s >> 64n));
    for (const m of mismatches(step.epoch.expected, step.result, file, stake)) {
      problems.push(`epoch #${k} (block ${step.epoch.current_block}): ${m}`);
    }
  });
  return { checked, problems };
}

// ---------------------------------------------------------------------------------------------
// The chain's own test vectors
// ---------------------------------------------------------------------------------------------

const ORIGINAL_YUMA = [
  'epoch_test_1_graph.json',
  'epoch_test_10_graph.json',
  'epoch_test_bonds.json',
  'epoch_test_512_graph_interleave0_serverself0.json',
];
const YUMA3 = [
  'epoch_test_yuma_3_kappa_moves_first.json',
  'epoch_test_yuma_3_liquid_alpha_disabled.json',
  'epoch_test_yuma_3_bonds_reset.json',
];

describe('oracle of the sparse epoch (epoch_mechanism)', () => {
  for (const name of [...ORIGINAL_YUMA, ...YUMA3]) {
    it(`reproduces every asserted value of ${name}`, () => {
      const file = load(name);
      const { checked, problems } = check(file, false);
      expect(checked).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    });
  }
});

describe('oracle of the dense epoch (epoch_dense_mechanism)', () => {
  // The chain runs the Yuma3 tests with sparse = true and false, and test_512_graph's epochs in the dense epoch.
  for (const name of [...YUMA3, 'epoch_test_512_graph_interleave0_serverself0.json']) {
    it(`reproduces every asserted value of ${name}`, () => {
      const file = load(name);
      const { checked, problems } = check(file, true);
      expect(checked).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    });
  }

  for (const name of ['epoch_test_1_graph.json', 'epoch_test_10_graph.json', 'epoch_test_bonds.json']) {
    it(`gives the same asserted values as the sparse epoch on ${name}`, () => {
      const { problems } = check(load(name), true);
      expect(problems).toEqual([]);
    });
  }
});

describe('oracle helpers', () => {
  it('weighted_median returns the chain test_math_weighted_median results', () => {
    const file = JSON.parse(readFileSync(new URL('../vectors/math_weighted_median.json', import.meta.url), 'utf8')) as {
      cases: {
        name: string;
        stake: number[];
        score: number[];
        majority: number;
        normalize: boolean;
        expected: number;
      }[];
    };
    // `fixed(f32)` in the Rust test: I32F32::saturating_from_num of an f32, rounded to nearest.
    const fx = (x: number): bigint => BigInt(Math.round(Math.fround(x) * 2 ** 32));
    for (const c of file.cases) {
      let stake = c.stake.map(fx);
      if (c.normalize) {
        const s = stake.reduce((a, b) => a + b, 0n);
        if (s !== 0n) stake = stake.map((v) => (v << 32n) / s);
      }
      const score = c.score.map(fx);
      const minority = fx(1) - fx(c.majority);
      const hi = stake.reduce((a, b) => a + b, 0n);
      const got = weightedMedian(
        stake,
        score,
        stake.map((_, i) => i),
        minority,
        0n,
        hi,
      );
      expect([c.name, got]).toEqual([c.name, fx(c.expected)]);
    }
  });

  it('exp_safe is exp of substrate-fixed: 1 at 0, E (I9F23 bits 22802600) at 1, clamped at +-20', () => {
    expect(expSafe(0n)).toBe(1n << 32n);
    expect(expSafe(1n << 32n)).toBe(22802600n << 9n);
    expect(expSafe(25n << 32n)).toBe(expSafe(20n << 32n));
    expect(expSafe(-(25n << 32n))).toBe(expSafe(-(20n << 32n)));
    expect(Number(expSafe(2n << 32n)) / 2 ** 32).toBeCloseTo(Math.exp(2), 6);
    expect(Number(expSafe(-(3n << 32n))) / 2 ** 32).toBeCloseTo(Math.exp(-3), 6);
  });

  it('oracleEpoch returns the stored bond rows sorted by column with zero values omitted', () => {
    const file = load('epoch_test_yuma_3_bonds_reset.json');
    const step = replay(file, true)[3] as Step;
    const stored = oracleEpochStorageOrder(step.input, true).bonds;
    const normalised = oracleEpoch(step.input, true).bonds;
    expect(stored.some((r) => Array.from(r.vals).includes(0))).toBe(true); // dense rows keep zeros
    expect(normalised.map((r) => [Array.from(r.cols), Array.from(r.vals)])).toEqual(
      stored.map((r) => {
        const s = normaliseBondRow(r);
        return [Array.from(s.cols), Array.from(s.vals)];
      }),
    );
    for (const r of normalised) {
      expect(Array.from(r.vals).every((v) => v > 0)).toBe(true);
      expect(Array.from(r.cols)).toEqual(Array.from(r.cols).sort((a, b) => a - b));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Chain quirks the oracle mirrors on purpose (hand-built inputs)
// ---------------------------------------------------------------------------------------------

/** 2 validators (uids 0, 1) with old permits and 2 miners (uids 2, 3); Yuma3 with liquid alpha, bonds_penalty 0. */
function quirkInput(
  weights0: [number, number][],
  bonds0: [number, number][],
  over: Partial<EpochParams> = {},
): EpochInput {
  return {
    n: 4,
    currentBlock: 100,
    params: {
      ...paramsOf({ ...DEFAULTS, tempo: 10 }),
      yuma3Enabled: true,
      liquidAlphaEnabled: true,
      bondsPenalty: 0,
      ...over,
    },
    stake: [3n << 64n, 1n << 64n, 0n, 0n],
    lastUpdate: [99, 99, 99, 99],
    blockAtRegistration: [1, 1, 1, 1],
    validatorPermits: [1, 1, 0, 0],
    weights: [
      row(weights0),
      row([
        [2, 65535],
        [3, 20000],
      ]),
      row([]),
      row([]),
    ],
    bonds: [
      row(bonds0),
      row([
        [2, 30000],
        [3, 30000],
      ]),
      row([]),
      row([]),
    ],
    ownerUid: null,
    lastMechanismStepBlock: 0,
    raoEmission: 1_000_000_000n,
  };
}
const entries = (r: SparseRowU16 | undefined): [number, number][] =>
  r === undefined ? [] : Array.from(r.cols, (c, k) => [c, r.vals[k] as number]);

describe('chain quirks the oracle reproduces', () => {
  it('sparse Yuma3 liquid alpha drops a bond whose column is absent from the weights row, but decays it when the weight is an explicit 0', () => {
    const absent = oracleEpoch(
      quirkInput(
        [[2, 65535]],
        [
          [2, 30000],
          [3, 30000],
        ],
      ),
    );
    const zero = oracleEpoch(
      quirkInput(
        [
          [2, 65535],
          [3, 0],
        ],
        [
          [2, 30000],
          [3, 30000],
        ],
      ),
    );
    expect(entries(absent.bonds[0]).map((e) => e[0])).toEqual([2]);
    expect(entries(zero.bonds[0]).map((e) => e[0])).toEqual([2, 3]);
    const decayed = entries(zero.bonds[0])[1]?.[1] ?? 0;
    expect(decayed).toBeGreaterThan(0);
    expect(decayed).toBeLessThan(30000);
  });

  it('the dense epoch decays that bond whether the weight is absent or 0', () => {
    const absent = oracleEpoch(
      quirkInput(
        [[2, 65535]],
        [
          [2, 30000],
          [3, 30000],
        ],
      ),
      true,
    );
    const zero = oracleEpoch(
      quirkInput(
        [
          [2, 65535],
          [3, 0],
        ],
        [
          [2, 30000],
          [3, 30000],
        ],
      ),
      true,
    );
    expect(entries(absent.bonds[0])).toEqual(entries(zero.bonds[0]));
    expect(entries(absent.bonds[0]).map((e) => e[0])).toEqual([2, 3]);
  });

  it('sparse Yuma3 liquid alpha stores a bond row in the order of the weights row, which set_weights does not sort', () => {
    const r = oracleEpochStorageOrder(
      quirkInput(
        [
          [3, 20000],
          [2, 65535],
        ],
        [
          [2, 30000],
          [3, 30000],
        ],
      ),
    );
    expect(entries(r.bonds[0]).map((e) => e[0])).toEqual([3, 2]);
  });

  it('compute_liquid_alpha_values_sparse misreads rows that are not sorted by column', () => {
    // Column 2's bond sits after column 3's, so the forward-only peek reads it as 0 when computing column 2's alpha.
    const w: [number, number][] = [
      [2, 20000],
      [3, 65535],
    ];
    const sorted = oracleEpoch(
      quirkInput(w, [
        [2, 60000],
        [3, 1000],
      ]),
    );
    const unsorted = oracleEpoch(
      quirkInput(w, [
        [3, 1000],
        [2, 60000],
      ]),
    );
    expect(entries(unsorted.bonds[0])).not.toEqual(entries(sorted.bonds[0]));
    // Without liquid alpha (mat_ema_sparse densifies each row) the order does not matter.
    const plain = { liquidAlphaEnabled: false };
    expect(
      entries(
        oracleEpoch(
          quirkInput(
            w,
            [
              [3, 1000],
              [2, 60000],
            ],
            plain,
          ),
        ).bonds[0],
      ),
    ).toEqual(
      entries(
        oracleEpoch(
          quirkInput(
            w,
            [
              [2, 60000],
              [3, 1000],
            ],
            plain,
          ),
        ).bonds[0],
      ),
    );
  });

  it('the sparse epoch exempts the owner from the stake threshold, forces its permits and keeps its self-weight; the dense epoch does none of that', () => {
    const input: EpochInput = {
      ...quirkInput([[2, 65535]], []),
      params: { ...quirkInput([], []).params, yuma3Enabled: false, liquidAlphaEnabled: false, stakeThreshold: 2n },
      stake: [1n << 64n, 5n << 64n, 0n, 0n],
      validatorPermits: [0, 1, 0, 0],
      weights: [row([[0, 65535]]), row([[2, 65535]]), row([]), row([])],
      ownerUid: 0,
    };
    const sparse = oracleEpoch(input);
    const dense = oracleEpoch(input, true);
    expect(Array.from(sparse.newValidatorPermits)).toEqual([1, 1, 0, 0]);
    expect(Array.from(dense.newValidatorPermits)).toEqual([0, 1, 0, 0]);
    expect(sparse.stakeWeight[0]).toBeGreaterThan(0);
    expect(dense.stakeWeight[0]).toBe(0);
  });
});
