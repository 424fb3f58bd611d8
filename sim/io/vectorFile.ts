import type { VectorEpoch, VectorScenario } from '../consensus/replay.ts';
import type { EpochParams, SparseRowU16 } from '../consensus/types.ts';
import { InputError } from './inputError.ts';
import { array, boolean, finite, integer, type JsonObject, object, u64 } from './jsonFields.ts';

/** The outputs a vector can state, by their names in the file. */
export const OUTPUT_KEYS = [
  'consensus_u16',
  'incentive_u16',
  'dividends_u16',
  'validator_trust_u16',
  'emission',
  'server_emission',
  'validator_emission',
] as const;
export type OutputKey = (typeof OUTPUT_KEYS)[number];

export interface Expected {
  readonly whole: ReadonlyMap<OutputKey, readonly bigint[]>;
  readonly at: ReadonlyMap<OutputKey, readonly (readonly [number, bigint])[]>;
  readonly bondsAt: readonly (readonly [number, number, number])[];
  readonly dividendsFloat: readonly number[] | null;
  readonly allValidatorsLike: number | null;
  readonly allServersLike: number | null;
}

export interface VectorFile {
  readonly scenario: VectorScenario;
  readonly tolerance: number;
  /** Per epoch, what the file expects (null: nothing to check). */
  readonly expected: readonly (Expected | null)[];
}

const HYPER = {
  tempo: 360,
  kappa: 32767,
  bonds_moving_average: 900_000,
  bonds_penalty: 65535,
  max_allowed_validators: 128,
  yuma3_enabled: false,
  liquid_alpha_enabled: false,
  alpha_low: 45875,
  alpha_high: 58982,
  alpha_sigmoid_steepness: 1000,
  activity_cutoff_factor_milli: 13_889,
  activity_cutoff_blocks: null as number | null,
  stake_threshold: 0n,
  commit_reveal_enabled: false,
  bonds_reset_enabled: false,
};
type Hyper = typeof HYPER;
/** Chain hyperparameters the epoch does not read; accepted and ignored. */
const IGNORED_HYPER = ['min_allowed_weights', 'rho', 'immunity_period', 'max_allowed_uids', 'max_weight_limit'];
const HYPER_KEYS = [...Object.keys(HYPER), ...IGNORED_HYPER];
const INFO_KEYS = ['source_test', 'source_file', 'source_commit', 'tolerance_note', 'note'];
const EXPECTED_KEYS = [
  ...OUTPUT_KEYS,
  ...OUTPUT_KEYS.map((k) => `${k}_at`),
  'bonds_at',
  'dividends_float',
  'bonds_float_validators_miners',
  'bonds_check_note',
  'all_validators_like_uid',
  'all_servers_like_uid',
];

function readHyper(v: unknown, path: string, base: Hyper): Hyper {
  const o = object(v, path, HYPER_KEYS);
  const h = { ...base };
  const u16 = (k: keyof Hyper): number => integer(o[k], `${path}.${k}`, 0, 65535);
  for (const k of ['tempo', 'kappa', 'bonds_penalty', 'max_allowed_validators', 'alpha_low', 'alpha_high'] as const) {
    if (k in o) h[k] = u16(k);
  }
  for (const k of ['yuma3_enabled', 'liquid_alpha_enabled', 'commit_reveal_enabled', 'bonds_reset_enabled'] as const) {
    if (k in o) h[k] = boolean(o[k], `${path}.${k}`);
  }
  if ('bonds_moving_average' in o)
    h.bonds_moving_average = integer(o.bonds_moving_average, `${path}.bonds_moving_average`, 0, 1_000_000);
  if ('alpha_sigmoid_steepness' in o)
    h.alpha_sigmoid_steepness = integer(o.alpha_sigmoid_steepness, `${path}.alpha_sigmoid_steepness`, -32768, 32767);
  if ('activity_cutoff_factor_milli' in o)
    h.activity_cutoff_factor_milli = integer(
      o.activity_cutoff_factor_milli,
      `${path}.activity_cutoff_factor_milli`,
      0,
      2 ** 32 - 1,
    );
  if ('activity_cutoff_blocks' in o)
    h.activity_cutoff_blocks = integer(
      o.activity_cutoff_blocks,
      `${path}.activity_cutoff_blocks`,
      1,
      Number.MAX_SAFE_INTEGER,
    );
  if ('stake_threshold' in o) h.stake_threshold = u64(o.stake_threshold, `${path}.stake_threshold`);
  return h;
}

function epochParams(h: Hyper): EpochParams {
  return {
    tempo: h.tempo,
    activityCutoff:
      h.activity_cutoff_blocks ?? Math.max(1, Math.floor((h.activity_cutoff_factor_milli * h.tempo) / 1000)),
    kappa: h.kappa,
    bondsMovingAverage: h.bonds_moving_average,
    bondsPenalty: h.bonds_penalty,
    maxAllowedValidators: h.max_allowed_validators,
    yuma3Enabled: h.yuma3_enabled,
    liquidAlphaEnabled: h.liquid_alpha_enabled,
    alphaLow: h.alpha_low,
    alphaHigh: h.alpha_high,
    alphaSigmoidSteepness: h.alpha_sigmoid_steepness,
    stakeThreshold: h.stake_threshold,
    commitRevealEnabled: h.commit_reveal_enabled,
  };
}

const block = (v: unknown, path: string): number => integer(v, path, 0, Number.MAX_SAFE_INTEGER);
const uidKey = (key: string, path: string, n: number): number => {
  if (!/^\d+$/.test(key)) throw new InputError(path, `expected a uid as the key, got "${key}"`);
  return integer(Number(key), path, 0, n - 1);
};

function readWeights(v: unknown, path: string, n: number): Map<number, SparseRowU16> {
  const rows = new Map<number, SparseRowU16>();
  for (const [key, value] of Object.entries(object(v, path))) {
    const rowPath = `${path}["${key}"]`;
    const uid = uidKey(key, rowPath, n);
    const entries = array(value, rowPath).map((e, k) => {
      const pair = array(e, `${rowPath}[${k}]`, 2, 'a [uid, weight] pair');
      return [
        integer(pair[0], `${rowPath}[${k}][0]`, 0, n - 1),
        integer(pair[1], `${rowPath}[${k}][1]`, 0, 65535),
      ] as const;
    });
    const seen = new Set<number>();
    entries.forEach(([j], k) => {
      if (seen.has(j))
        throw new InputError(
          `${rowPath}[${k}][0]`,
          `uid ${j} appears twice in the row (the chain refuses duplicate uids)`,
        );
      seen.add(j);
    });
    rows.set(uid, { cols: Uint16Array.from(entries, (e) => e[0]), vals: Uint16Array.from(entries, (e) => e[1]) });
  }
  return rows;
}

function readExpected(v: unknown, path: string, n: number): Expected {
  const o = object(v, path, EXPECTED_KEYS);
  const whole = new Map<OutputKey, bigint[]>();
  const at = new Map<OutputKey, [number, bigint][]>();
  for (const key of OUTPUT_KEYS) {
    if (key in o)
      whole.set(
        key,
        array(o[key], `${path}.${key}`, n).map((x, i) => u64(x, `${path}.${key}[${i}]`)),
      );
    const atKey = `${key}_at`;
    if (atKey in o) {
      at.set(
        key,
        array(o[atKey], `${path}.${atKey}`).map((e, k) => {
          const p = array(e, `${path}.${atKey}[${k}]`, 2, 'a [uid, value] pair');
          return [integer(p[0], `${path}.${atKey}[${k}][0]`, 0, n - 1), u64(p[1], `${path}.${atKey}[${k}][1]`)];
        }),
      );
    }
  }
  const bondsAt =
    'bonds_at' in o
      ? array(o.bonds_at, `${path}.bonds_at`).map((e, k) => {
          const p = array(e, `${path}.bonds_at[${k}]`, 3, 'an [i, j, u16 or null] triple');
          const value = p[2] === null ? 0 : integer(p[2], `${path}.bonds_at[${k}][2]`, 0, 65535);
          return [
            integer(p[0], `${path}.bonds_at[${k}][0]`, 0, n - 1),
            integer(p[1], `${path}.bonds_at[${k}][1]`, 0, n - 1),
            value,
          ] as const;
        })
      : [];
  const uidOrNull = (k: string): number | null => (k in o ? integer(o[k], `${path}.${k}`, 0, n - 1) : null);
  return {
    whole,
    at,
    bondsAt,
    dividendsFloat:
      'dividends_float' in o
        ? array(o.dividends_float, `${path}.dividends_float`, n).map((x, i) =>
            finite(x, `${path}.dividends_float[${i}]`),
          )
        : null,
    allValidatorsLike: uidOrNull('all_validators_like_uid'),
    allServersLike: uidOrNull('all_servers_like_uid'),
  };
}

/** Validate a parsed vector file (see docs/vector-format.md) into a replayable scenario plus its expectations. */
export function readVectorFile(json: unknown): VectorFile {
  const root = object(json, 'file', ['scenario', 'tolerance', ...INFO_KEYS]);
  const tolerance = 'tolerance' in root ? finite(root.tolerance, 'tolerance') : 0;
  const s = object(root.scenario, 'scenario', [
    'n',
    'stake',
    'hyperparameters',
    'block_at_registration',
    'initial',
    'epochs',
    'rao_emission',
    'owner_uid',
    'dense',
    'note',
  ]);
  const n = integer(s.n, 'scenario.n', 1, 65535);
  const stakes = (v: unknown, path: string): bigint[] => array(v, path, n).map((x, i) => u64(x, `${path}[${i}]`));
  const blocks = (v: unknown, path: string): number[] => array(v, path, n).map((x, i) => block(x, `${path}[${i}]`));
  const initial: JsonObject = object(s.initial, 'scenario.initial', ['validator_permits', 'last_update']);
  let hyper = readHyper(s.hyperparameters ?? {}, 'scenario.hyperparameters', HYPER);
  let stake = stakes(s.stake, 'scenario.stake');
  let registered = blocks(s.block_at_registration, 'scenario.block_at_registration');
  const epochs: VectorEpoch[] = [];
  const expected: (Expected | null)[] = [];
  array(s.epochs, 'scenario.epochs').forEach((raw, k) => {
    const path = `scenario.epochs[${k}]`;
    const e = object(raw, path, [
      'current_block',
      'weights',
      'last_update',
      'reset_bonds_uid',
      'hyperparameters',
      'stake',
      'block_at_registration',
      'expected',
      'note',
    ]);
    if ('hyperparameters' in e) hyper = readHyper(e.hyperparameters, `${path}.hyperparameters`, hyper);
    if ('stake' in e) stake = stakes(e.stake, `${path}.stake`);
    if ('block_at_registration' in e) registered = blocks(e.block_at_registration, `${path}.block_at_registration`);
    const lastUpdate = new Map<number, number>();
    for (const [key, value] of Object.entries(object(e.last_update ?? {}, `${path}.last_update`))) {
      lastUpdate.set(uidKey(key, `${path}.last_update["${key}"]`, n), block(value, `${path}.last_update["${key}"]`));
    }
    epochs.push({
      currentBlock: block(e.current_block, `${path}.current_block`),
      params: epochParams(hyper),
      bondsResetEnabled: hyper.bonds_reset_enabled,
      stake,
      blockAtRegistration: registered,
      weights: readWeights(e.weights ?? {}, `${path}.weights`, n),
      lastUpdate,
      resetBondsUid: 'reset_bonds_uid' in e ? integer(e.reset_bonds_uid, `${path}.reset_bonds_uid`, 0, n - 1) : null,
    });
    expected.push('expected' in e ? readExpected(e.expected, `${path}.expected`, n) : null);
  });
  return {
    tolerance,
    expected,
    scenario: {
      n,
      initialPermits: array(initial.validator_permits, 'scenario.initial.validator_permits', n).map((x, i) =>
        boolean(x, `scenario.initial.validator_permits[${i}]`) ? 1 : 0,
      ),
      initialLastUpdate: blocks(initial.last_update, 'scenario.initial.last_update'),
      raoEmission: 'rao_emission' in s ? u64(s.rao_emission, 'scenario.rao_emission') : 1_000_000_000n,
      ownerUid: 'owner_uid' in s ? integer(s.owner_uid, 'scenario.owner_uid', 0, n - 1) : null,
      dense: 'dense' in s ? boolean(s.dense, 'scenario.dense') : false,
      epochs,
    },
  };
}
