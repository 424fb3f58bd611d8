import type { EpochParams } from '../consensus/types.ts';
import { boolean, fieldPath, integer, object, u64 } from './jsonFields.ts';

const defaults = {
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
  /** null: derived from the factor, max(1, floor(factor × tempo / 1000)). */
  activity_cutoff_blocks: null as number | null,
  stake_threshold: 0n,
  commit_reveal_enabled: false,
  bonds_reset_enabled: false,
};
export type VectorHyperparameters = Readonly<typeof defaults>;
/** A vector's hyperparameters, by their names in the file, with the chain's storage defaults (docs/vector-format.md). */
export const DEFAULT_HYPERPARAMETERS: VectorHyperparameters = Object.freeze(defaults);

/** Chain hyperparameters the epoch does not read (subtensor tests set some of them): accepted and ignored. */
const UNUSED_BY_EPOCH = [
  'min_allowed_weights',
  'max_weight_limit',
  'rho',
  'immunity_period',
  'max_allowed_uids',
  'activity_cutoff',
  'tao_weight',
  'weights_rate_limit',
  'weights_version',
];
export const HYPERPARAMETER_NAMES: readonly string[] = [...Object.keys(DEFAULT_HYPERPARAMETERS), ...UNUSED_BY_EPOCH];

const U16 = ['tempo', 'kappa', 'bonds_penalty', 'max_allowed_validators', 'alpha_low', 'alpha_high'] as const;
const BOOL = ['yuma3_enabled', 'liquid_alpha_enabled', 'commit_reveal_enabled', 'bonds_reset_enabled'] as const;

/**
 * Read a `hyperparameters` object over `base` (the defaults, or the values in force before this epoch). An unknown
 * name is an error naming the closest known one.
 */
export function vectorHyperparameters(v: unknown, path: string, base: VectorHyperparameters): VectorHyperparameters {
  const o = object(v, path, HYPERPARAMETER_NAMES);
  const at = (k: string): string => fieldPath(path, k);
  const h: typeof defaults = { ...base };
  for (const k of U16) if (k in o) h[k] = integer(o[k], at(k), 0, 65535);
  for (const k of BOOL) if (k in o) h[k] = boolean(o[k], at(k));
  if ('bonds_moving_average' in o)
    h.bonds_moving_average = integer(o.bonds_moving_average, at('bonds_moving_average'), 0, 1_000_000);
  if ('alpha_sigmoid_steepness' in o)
    h.alpha_sigmoid_steepness = integer(o.alpha_sigmoid_steepness, at('alpha_sigmoid_steepness'), -32768, 32767);
  if ('activity_cutoff_factor_milli' in o)
    h.activity_cutoff_factor_milli = integer(
      o.activity_cutoff_factor_milli,
      at('activity_cutoff_factor_milli'),
      0,
      2 ** 32 - 1,
    );
  if ('activity_cutoff_blocks' in o)
    h.activity_cutoff_blocks = integer(
      o.activity_cutoff_blocks,
      at('activity_cutoff_blocks'),
      1,
      Number.MAX_SAFE_INTEGER,
    );
  if ('stake_threshold' in o) h.stake_threshold = u64(o.stake_threshold, at('stake_threshold'));
  return Object.freeze(h);
}

/** The kernel's view of the hyperparameters. */
export function epochParamsOf(h: VectorHyperparameters): EpochParams {
  return Object.freeze({
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
  });
}
