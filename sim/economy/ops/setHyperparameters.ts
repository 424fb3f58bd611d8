import { MAX_CHILDKEY_TAKE_U16, MIN_CHILDKEY_TAKE_U16 } from '../childkeys.ts';
import type { ChainState, SubnetParams, SubnetState } from '../state.ts';
import { TxError } from '../txError.ts';
import { subnetOf, withSubnet } from './subnetUpdate.ts';

/*
 * Chain references are subtensor 14bc6f9f: `admin-utils` = pallets/admin-utils/src/lib.rs, other paths under
 * pallets/subtensor/src/, `runtime` = runtime/src/lib.rs.
 */

/** `AdminFreezeWindow` default (lib.rs:1081): owner calls are refused this many blocks before the subnet's epoch. */
export const ADMIN_FREEZE_WINDOW = 10;
/** `OwnerHyperparamRateLimit` default (lib.rs:1087): one change per hyperparameter per this many tempos. */
export const OWNER_HYPERPARAM_RATE_LIMIT_TEMPOS = 2;
/** `MIN_TEMPO` / `MAX_TEMPO` (lib.rs:1812, 1814): the owner's tempo bounds; MIN_TEMPO is also set_tempo's cooldown. */
export const MIN_TEMPO = 360;
export const MAX_TEMPO = 50_400;
/** `MIN/MAX_ACTIVITY_CUTOFF_FACTOR_MILLI` (lib.rs:1816, 1818). */
export const MIN_ACTIVITY_CUTOFF_FACTOR_MILLI = 1_000;
export const MAX_ACTIVITY_CUTOFF_FACTOR_MILLI = 50_000;
/** The owner's cap on `BondsMovingAverage` (admin-utils:866; root has none). */
export const OWNER_MAX_BONDS_MOVING_AVERAGE = 975_000;
/** `MinAllowedUids` default (`InitialMinAllowedUids`, runtime:1018; taosim does not store the per-subnet value). */
export const MIN_ALLOWED_UIDS = 64;
/** `DefaultMaxAllowedUids` (`InitialMaxAllowedUids`, runtime:972). */
export const DEFAULT_MAX_ALLOWED_UIDS = 256;
/** `MIN/MAX_COMMIT_REVEAL_PEROIDS` (lib.rs:129, 131). */
export const MIN_REVEAL_PERIOD = 1;
export const MAX_REVEAL_PERIOD = 100;
/** `u16::MAX / 40` (epoch/run_epoch.rs:1560): the least alpha_low and alpha_high. */
export const MIN_ALPHA_VALUE = 1638;
/** `MaxBurnHalfLife` (lib.rs:356). */
export const MAX_BURN_HALF_LIFE = 36_100;
/** `MinBurnUpperBound` 1 TAO and `MaxBurnLowerBound` 0.1 TAO (runtime:1004, 1005). */
export const MIN_BURN_UPPER_BOUND_RAO = 1_000_000_000n;
export const MAX_BURN_LOWER_BOUND_RAO = 100_000_000n;
const ONE_U64F64 = 1n << 64n;

type Key = keyof SubnetParams;

/** Calls only root may make (`ensure_root`): a signed origin, the owner's included, gets `BadOrigin`. */
const ROOT_ONLY = {
  kappa: 'sudo_set_kappa (admin-utils:574)',
  maxAllowedValidators: 'sudo_set_max_allowed_validators (admin-utils:826)',
  weightsSetRateLimit: 'sudo_set_weights_set_rate_limit (admin-utils:379)',
  registrationAllowed: 'sudo_set_network_registration_allowed (admin-utils:663)',
  emissionEnabled: 'sudo_set_subnet_emission_enabled (admin-utils:2268)',
  minNonImmuneUids: 'sudo_set_min_non_immune_uids (admin-utils:2055)',
  maxRegistrationsPerBlock: 'sudo_set_max_registrations_per_block (admin-utils:928)',
} as const satisfies Partial<Record<Key, string>>;

/** How the chain orders an owner call's checks. */
type Order =
  /** admin-utils' `ensure_sn_owner_or_root_with_limits` (rate limit), `ensure_admin_window_open`, then the bounds. */
  | 'limitWindowBounds'
  /** subtensor's `do_set_tempo` / `do_set_activity_cutoff_factor`: bounds, window, then rate limit. */
  | 'boundsWindowLimit';

interface OwnerCall {
  readonly call: string;
  /** Rate-limit key (`Hyperparameter` name, or 'TempoUpdate'); null: the call has no owner rate limit. */
  readonly limit: string | null;
  readonly order: Order;
  /** The argument's type: a value outside it cannot be encoded. */
  readonly type: 'u16' | 'i16' | 'u32' | 'u64' | 'u64n' | 'u128n' | 'bool' | 'recycleOrBurn';
  /** Value checks (the chain's bounds) against the subnet as it is before the call. */
  readonly bounds?: (subnet: SubnetState, value: never) => void;
}

function refuse(code: ConstructorParameters<typeof TxError>[0], message: string): never {
  throw new TxError(code, message);
}

/** A bounds check `lo ≤ value ≤ hi`, refused with `code` (the calls whose bound is one closed range). */
const within =
  (code: ConstructorParameters<typeof TxError>[0], what: string, lo: number, hi: number) =>
  (_s: SubnetState, v: number): void => {
    if (v < lo || v > hi) refuse(code, `${what} ${v} outside [${lo}, ${hi}]`);
  };

/** The owner's calls, one per owner-settable SubnetParams field (alphaLow / alphaHigh: one call, `AlphaValues`). */
const OWNER_CALLS: Readonly<Record<Exclude<Key, keyof typeof ROOT_ONLY>, OwnerCall>> = {
  // subtensor `set_tempo` (macros/dispatches.rs:2602 → coinbase/tempo_control.rs:12): owner only (root uses
  // sudo_set_tempo), bounds (:15), window (:20), TempoUpdate cooldown of MIN_TEMPO blocks (:22, rate_limiting.rs:50).
  tempo: {
    call: 'set_tempo',
    limit: 'TempoUpdate',
    order: 'boundsWindowLimit',
    type: 'u16',
    bounds: within('TempoOutOfBounds', 'tempo', MIN_TEMPO, MAX_TEMPO),
  },
  // subtensor `set_activity_cutoff_factor` (coinbase/tempo_control.rs:38): bounds (:45), then for the owner the
  // window (:56) and the rate limit (:57).
  activityCutoffFactorMilli: {
    call: 'set_activity_cutoff_factor',
    limit: 'ActivityCutoffFactorMilli',
    order: 'boundsWindowLimit',
    type: 'u32',
    bounds: within(
      'ActivityCutoffFactorMilliOutOfBounds',
      'factor',
      MIN_ACTIVITY_CUTOFF_FACTOR_MILLI,
      MAX_ACTIVITY_CUTOFF_FACTOR_MILLI,
    ),
  },
  // sudo_set_bonds_moving_average (admin-utils:853): the owner is capped at 975 000 (:865-868).
  bondsMovingAverage: {
    call: 'sudo_set_bonds_moving_average',
    limit: 'BondsMovingAverage',
    order: 'limitWindowBounds',
    type: 'u64',
    bounds: (_s, v: number) => {
      if (v > OWNER_MAX_BONDS_MOVING_AVERAGE)
        refuse('BondsMovingAverageMaxReached', `${v} > ${OWNER_MAX_BONDS_MOVING_AVERAGE} (the owner's cap)`);
    },
  },
  // sudo_set_bonds_penalty (admin-utils:892): any u16.
  bondsPenalty: { call: 'sudo_set_bonds_penalty', limit: 'BondsPenalty', order: 'limitWindowBounds', type: 'u16' },
  // sudo_set_max_allowed_uids (admin-utils:523): ≥ MinAllowedUids (:538), ≥ the subnet's uids (:542),
  // ≤ DefaultMaxAllowedUids (:546). (ensure_max_uids_over_all_mechanisms, :552, is the same bound with one mechanism.)
  maxAllowedUids: {
    call: 'sudo_set_max_allowed_uids',
    limit: 'MaxAllowedUids',
    order: 'limitWindowBounds',
    type: 'u16',
    bounds: (s, max: number) => {
      if (max < MIN_ALLOWED_UIDS)
        refuse('MaxAllowedUidsLessThanMinAllowedUids', `${max} < MinAllowedUids ${MIN_ALLOWED_UIDS}`);
      const n = s.neurons.hotkeys.length;
      if (n > max) refuse('MaxAllowedUIdsLessThanCurrentUIds', `${max} < the subnet's ${n} uids`);
      if (max > DEFAULT_MAX_ALLOWED_UIDS)
        refuse('MaxAllowedUidsGreaterThanDefaultMaxAllowedUids', `${max} > ${DEFAULT_MAX_ALLOWED_UIDS}`);
    },
  },
  // The toggles (admin-utils:1647, 1199, 1237): no value check.
  yuma3Enabled: { call: 'sudo_set_yuma3_enabled', limit: 'Yuma3Enabled', order: 'limitWindowBounds', type: 'bool' },
  commitRevealEnabled: {
    call: 'sudo_set_commit_reveal_weights_enabled',
    limit: 'CommitRevealEnabled',
    order: 'limitWindowBounds',
    type: 'bool',
  },
  liquidAlphaEnabled: {
    call: 'sudo_set_liquid_alpha_enabled',
    limit: 'LiquidAlphaEnabled',
    order: 'limitWindowBounds',
    type: 'bool',
  },
  // sudo_set_commit_reveal_weights_interval (admin-utils:1336) → set_reveal_period (subnets/weights.rs:1294):
  // too large is checked first.
  revealPeriodEpochs: {
    call: 'sudo_set_commit_reveal_weights_interval',
    limit: 'WeightCommitInterval',
    order: 'limitWindowBounds',
    type: 'u64',
    bounds: (_s, p: number) => {
      if (p > MAX_REVEAL_PERIOD) refuse('RevealPeriodTooLarge', `${p} > ${MAX_REVEAL_PERIOD}`);
      if (p < MIN_REVEAL_PERIOD) refuse('RevealPeriodTooSmall', `${p} < ${MIN_REVEAL_PERIOD}`);
    },
  },
  // sudo_set_alpha_values (admin-utils:1261) → do_set_alpha_values (epoch/run_epoch.rs:1546): checked on the pair.
  alphaLow: { call: 'sudo_set_alpha_values', limit: 'AlphaValues', order: 'limitWindowBounds', type: 'u16' },
  alphaHigh: { call: 'sudo_set_alpha_values', limit: 'AlphaValues', order: 'limitWindowBounds', type: 'u16' },
  // sudo_set_alpha_sigmoid_steepness (admin-utils:1602): the owner may not set a negative one (:1620).
  alphaSigmoidSteepness: {
    call: 'sudo_set_alpha_sigmoid_steepness',
    limit: 'AlphaSigmoidSteepness',
    order: 'limitWindowBounds',
    type: 'i16',
    bounds: (_s, v: number) => {
      if (v < 0) refuse('NegativeSigmoidSteepness', `${v} < 0 (only root may)`);
    },
  },
  // sudo_set_immunity_period (admin-utils:457): any u16.
  immunityPeriod: {
    call: 'sudo_set_immunity_period',
    limit: 'ImmunityPeriod',
    order: 'limitWindowBounds',
    type: 'u16',
  },
  // sudo_set_owner_cut_enabled (admin-utils:2205): ensure_subnet_owner_or_root and the window, no rate limit.
  ownerCutEnabled: { call: 'sudo_set_owner_cut_enabled', limit: null, order: 'limitWindowBounds', type: 'bool' },
  // sudo_set_recycle_or_burn (admin-utils:1462).
  // sudo_set_min_childkey_take_per_subnet (admin-utils:1158): owner or root, rate-limited, window, then
  // MinChildkeyTake ≤ take ≤ MaxChildkeyTake (:1175-1179, InvalidValue).
  minChildkeyTakeU16: {
    call: 'sudo_set_min_childkey_take_per_subnet',
    limit: 'MinChildkeyTake',
    order: 'limitWindowBounds',
    type: 'u16',
    bounds: within('InvalidValue', 'min childkey take', MIN_CHILDKEY_TAKE_U16, MAX_CHILDKEY_TAKE_U16),
  },
  ownerIncentive: {
    call: 'sudo_set_recycle_or_burn',
    limit: 'RecycleOrBurn',
    order: 'limitWindowBounds',
    type: 'recycleOrBurn',
  },
  // sudo_set_burn_half_life (admin-utils:2107): 1 ..= MaxBurnHalfLife (:2124-2128).
  burnHalfLife: {
    call: 'sudo_set_burn_half_life',
    limit: 'BurnHalfLife',
    order: 'limitWindowBounds',
    type: 'u16',
    bounds: within('InvalidValue', 'burn half-life', 1, MAX_BURN_HALF_LIFE),
  },
  // sudo_set_burn_increase_mult (admin-utils:2155): a U64F64 within 1 ..= 3 (:2172-2175).
  burnIncreaseMultU64F64: {
    call: 'sudo_set_burn_increase_mult',
    limit: 'BurnIncreaseMult',
    order: 'limitWindowBounds',
    type: 'u128n',
    bounds: (_s, v: bigint) => {
      if (v < ONE_U64F64 || v > 3n * ONE_U64F64) refuse('InvalidValue', `burn increase mult ${v} bits outside [1, 3]`);
    },
  },
  // sudo_set_min_burn (admin-utils:722): < MinBurnUpperBound (:738) and < the subnet's max burn (:743).
  minBurnRao: {
    call: 'sudo_set_min_burn',
    limit: 'MinBurn',
    order: 'limitWindowBounds',
    type: 'u64n',
    bounds: (s, v: bigint) => {
      if (v >= MIN_BURN_UPPER_BOUND_RAO) refuse('ValueNotInBounds', `min burn ${v} ≥ ${MIN_BURN_UPPER_BOUND_RAO} rao`);
      if (v >= s.params.maxBurnRao) refuse('ValueNotInBounds', `min burn ${v} ≥ max burn ${s.params.maxBurnRao}`);
    },
  },
  // sudo_set_max_burn (admin-utils:761): > MaxBurnLowerBound (:777) and > the subnet's min burn (:782).
  maxBurnRao: {
    call: 'sudo_set_max_burn',
    limit: 'MaxBurn',
    order: 'limitWindowBounds',
    type: 'u64n',
    bounds: (s, v: bigint) => {
      if (v <= MAX_BURN_LOWER_BOUND_RAO) refuse('ValueNotInBounds', `max burn ${v} ≤ ${MAX_BURN_LOWER_BOUND_RAO} rao`);
      if (v <= s.params.minBurnRao) refuse('ValueNotInBounds', `max burn ${v} ≤ min burn ${s.params.minBurnRao}`);
    },
  },
};

/** Integer argument types (a u64 taken as a safe integer here: the values taosim keeps as numbers are far below). */
const INT_RANGE: Readonly<Record<'u16' | 'i16' | 'u32' | 'u64', readonly [number, number]>> = {
  u16: [0, 65_535],
  i16: [-32_768, 32_767],
  u32: [0, 4_294_967_295],
  u64: [0, Number.MAX_SAFE_INTEGER],
};

function checkEncodable(key: string, type: OwnerCall['type'], value: unknown): void {
  const ok =
    type === 'bool'
      ? typeof value === 'boolean'
      : type === 'recycleOrBurn'
        ? value === 'burn' || value === 'recycle'
        : type === 'u64n' || type === 'u128n'
          ? typeof value === 'bigint' && value >= 0n && value < 1n << (type === 'u64n' ? 64n : 128n)
          : Number.isSafeInteger(value) &&
            (value as number) >= INT_RANGE[type][0] &&
            (value as number) <= INT_RANGE[type][1];
  if (!ok) refuse('ValueNotEncodable', `${key} = ${String(value)} is not a ${type}`);
}

/**
 * `is_in_admin_freeze_window` (utils/misc.rs:59): a pending (deferred or triggered) epoch still to come, or fewer than
 * `AdminFreezeWindow` blocks until the next automatic epoch (`blocks_until_next_auto_epoch`,
 * coinbase/run_coinbase.rs:1109: LastEpochBlock + tempo − now, saturating). Tempo 0 never freezes. This is the HEAD
 * scheduler's formula; under the [legacy] modulo schedule taosim still tracks LastEpochBlock and uses it.
 */
export function inAdminFreezeWindow(subnet: SubnetState, block: number): boolean {
  const tempo = subnet.params.tempo;
  if (tempo === 0) return false;
  if (subnet.pendingEpochAt > 0 && subnet.pendingEpochAt > block) return true;
  return Math.max(0, subnet.lastEpochBlock + tempo - block) < ADMIN_FREEZE_WINDOW;
}

/**
 * The owner's rate limit for a key (`rate_limit_on_subnet`, utils/rate_limiting.rs:38): a hyperparameter,
 * `OwnerHyperparamRateLimit` tempos of the subnet's current tempo (:44-47); `TempoUpdate`, MIN_TEMPO blocks (:50).
 */
export function ownerRateLimit(subnet: SubnetState, key: string): number {
  return key === 'TempoUpdate' ? MIN_TEMPO : subnet.params.tempo * OWNER_HYPERPARAM_RATE_LIMIT_TEMPOS;
}

/** `check_passes_rate_limit` (utils/rate_limiting.rs:64): never set (0), or at least the limit ago. */
function passesRateLimit(subnet: SubnetState, key: string, block: number): boolean {
  const last = subnet.ownerRateLimitBlocks.get(key) ?? 0;
  return last === 0 || block - last >= ownerRateLimit(subnet, key);
}

/**
 * A subnet owner sets hyperparameters of its subnet: each key of `params` is one of the owner's calls (admin-utils'
 * `sudo_set_*`, subtensor's `set_tempo` and `set_activity_cutoff_factor`), made in the order of the keys, each seeing
 * the changes before it (alphaLow and alphaHigh are one call, `sudo_set_alpha_values`, at the first of them; a value
 * not given is the stored one). All or nothing: the first refusal refuses the transaction and changes nothing.
 *
 * Refuses, with the chain's errors: a coldkey that does not own the subnet (`BadOrigin`, ensure_subnet_owner_or_root,
 * utils/misc.rs:12); a root-only parameter (`BadOrigin`: kappa, max validators, weights rate limit, registration
 * allowed, emission enabled, min non-immune uids, max registrations per block); the owner's rate limit
 * (`TxRateLimitExceeded`: one change per hyperparameter per 2 tempos, tempo once per 360 blocks; owner cut enabled has
 * none); the admin freeze window (`AdminActionProhibitedDuringWeightsWindow`, the last 10 blocks before the subnet's
 * epoch or while an epoch is pending); out-of-bounds values (see `OWNER_CALLS`). A successful call records its block
 * for its rate limit (`record_owner_rl`, utils/misc.rs:94); a tempo change also restarts the epoch cycle
 * (`apply_tempo_with_cycle_reset`, utils/misc.rs:121: LastEpochBlock = now).
 *
 * Not modelled: the per-subnet `MinAllowedUids` (its default 64 is used), root changing `AdminFreezeWindow` or
 * `OwnerHyperparamRateLimit`, and rate-limit blocks surviving a dissolved netuid's re-registration (on chain
 * `LastRateLimitedBlock` is not cleared; here a new subnet starts afresh).
 */
export function setHyperparameters(
  state: ChainState,
  tx: { readonly coldkey: string; readonly netuid: number; readonly params: Partial<SubnetParams> },
): ChainState {
  let subnet = subnetOf(state, tx.netuid);
  if (subnet.ownerColdkey !== tx.coldkey) {
    refuse('BadOrigin', `${tx.coldkey} does not own subnet ${tx.netuid}`);
  }
  const block = state.block;
  const keys = (Object.keys(tx.params) as Key[]).filter((k) => tx.params[k] !== undefined);
  let alphaDone = false;
  for (const key of keys) {
    if (key in ROOT_ONLY) {
      refuse('BadOrigin', `${key} is root-only: ${ROOT_ONLY[key as keyof typeof ROOT_ONLY]}`);
    }
    const spec = OWNER_CALLS[key as keyof typeof OWNER_CALLS];
    const isAlpha = key === 'alphaLow' || key === 'alphaHigh';
    if (isAlpha && alphaDone) continue;
    const value = tx.params[key];
    checkEncodable(key, spec.type, value);
    const rateLimit = () => {
      if (spec.limit !== null && !passesRateLimit(subnet, spec.limit, block))
        refuse(
          'TxRateLimitExceeded',
          `${spec.call}: last at block ${subnet.ownerRateLimitBlocks.get(spec.limit)}, limit ${ownerRateLimit(subnet, spec.limit)} blocks`,
        );
    };
    const window = () => {
      if (inAdminFreezeWindow(subnet, block))
        refuse(
          'AdminActionProhibitedDuringWeightsWindow',
          `${spec.call} at block ${block}: subnet ${tx.netuid} frozen`,
        );
    };
    let next: Partial<SubnetParams>;
    if (isAlpha) {
      alphaDone = true;
      const low = tx.params.alphaLow ?? subnet.params.alphaLow;
      const high = tx.params.alphaHigh ?? subnet.params.alphaHigh;
      checkEncodable('alphaLow', 'u16', low);
      checkEncodable('alphaHigh', 'u16', high);
      rateLimit();
      window();
      // do_set_alpha_values (epoch/run_epoch.rs:1546): liquid alpha on (:1554), alpha_high ≥ 1638 (:1563),
      // 1638 ≤ alpha_low ≤ alpha_high (:1565).
      if (!subnet.params.liquidAlphaEnabled) refuse('LiquidAlphaDisabled', `liquid alpha is off on ${tx.netuid}`);
      if (high < MIN_ALPHA_VALUE) refuse('AlphaHighTooLow', `alpha_high ${high} < ${MIN_ALPHA_VALUE}`);
      if (low < MIN_ALPHA_VALUE || low > high)
        refuse('AlphaLowOutOfRange', `alpha_low ${low} outside [${MIN_ALPHA_VALUE}, alpha_high ${high}]`);
      next = { alphaLow: low, alphaHigh: high };
    } else {
      const bounds = () => spec.bounds?.(subnet, value as never);
      if (spec.order === 'boundsWindowLimit') {
        bounds();
        window();
        rateLimit();
      } else {
        rateLimit();
        window();
        bounds();
      }
      next = { [key]: value };
    }
    const limits = spec.limit === null ? subnet.ownerRateLimitBlocks : new Map(subnet.ownerRateLimitBlocks);
    if (spec.limit !== null) (limits as Map<string, number>).set(spec.limit, block);
    subnet = {
      ...subnet,
      params: { ...subnet.params, ...next },
      ...(key === 'tempo' && { lastEpochBlock: block }),
      ownerRateLimitBlocks: limits,
    };
  }
  return withSubnet(state, subnet);
}
