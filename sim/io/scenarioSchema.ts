import { z } from 'zod';
import {
  DEFAULT_MAX_ALLOWED_UIDS,
  MAX_ACTIVITY_CUTOFF_FACTOR_MILLI,
  MAX_BURN_HALF_LIFE,
  MAX_TEMPO,
  MIN_ACTIVITY_CUTOFF_FACTOR_MILLI,
  MIN_ALLOWED_UIDS,
  MIN_ALPHA_VALUE,
  MIN_TEMPO,
  OWNER_MAX_BONDS_MOVING_AVERAGE,
} from '../economy/ops/setHyperparameters.ts';

/**
 * The scenario file language (YAML). Every key is documented here, so `taosim schema` can hand editors a JSON
 * Schema with descriptions. Amounts are in TAO (or alpha) as decimal numbers; durations are blocks or
 * `<n>d` / `<n>h` / `<n>w` / `<n>y` at 12-second blocks.
 */
/** A duration written as text: a number and a unit (b, h, d, w, y). */
const durationText = z.string().regex(/^\d+(\.\d+)?\s*(b|h|d|w|y)$/, 'a block count or e.g. 30d, 12h, 2w, 1y');
const duration = z
  .union([z.number().int().positive(), durationText])
  .describe('blocks (integer) or a duration like 30d, 12h, 2w, 1y at 12 s per block');
const tao = (what: string) => z.number().nonnegative().describe(what);
const fraction = (what: string) => z.number().min(0).max(1).describe(what);
const u16 = (what: string) => z.number().int().min(0).max(65535).describe(what);

export const hyperparametersSchema = z
  .object({
    tempo: z.number().int().min(1).max(65535).describe('blocks between epochs (chain default 360)'),
    kappa: u16('consensus majority, u16/65535 (default 32767 ≈ 0.5)'),
    bonds_moving_average: z
      .number()
      .int()
      .min(0)
      .max(1_000_000)
      .describe('bonds EMA: alpha = 1 − value/1e6 (default 900000)'),
    bonds_penalty: u16('u16/65535; 65535 = bonds from clipped weights (default)'),
    max_allowed_validators: z.number().int().min(1).max(65535).describe('validator permits (default 64)'),
    max_allowed_uids: z.number().int().min(1).max(65535).describe('uids per subnet (default 256)'),
    yuma3_enabled: z.boolean().describe('Yuma3 bonds (default true for new subnets)'),
    commit_reveal: z
      .boolean()
      .describe('weights committed, and revealed reveal_period epochs later (default true, as on chain)'),
    reveal_period: z.number().int().min(1).max(100).describe('commit-reveal delay in epochs (default 1)'),
    weights_rate_limit: z
      .number()
      .int()
      .min(0)
      .describe('blocks between two weights sets (or commits) of a uid, from its LastUpdate (default 100)'),
    liquid_alpha_enabled: z.boolean().describe('per-bond EMA rate from a sigmoid (Yuma3 only; default false)'),
    alpha_low: u16('liquid alpha lower bound, u16/65535 (default 45875)'),
    min_childkey_take: u16('least childkey take on the subnet, u16/65535 (default 0; at most 11796 = 18 %)'),
    alpha_high: u16('liquid alpha upper bound, u16/65535 (default 58982)'),
    alpha_sigmoid_steepness: z.number().int().min(-32768).max(32767).describe('liquid alpha steepness (default 1000)'),
    activity_cutoff_factor_milli: z
      .number()
      .int()
      .min(1)
      .describe('activity cutoff = factor × tempo / 1000 blocks (default 13889)'),
    immunity_period: z.number().int().min(0).describe('blocks a new uid cannot be pruned (default 5000)'),
    owner_cut_enabled: z.boolean().describe('the owner takes the owner cut (default true)'),
    owner_incentive: z.enum(['burn', 'recycle']).describe("miner incentive to the owner's own hotkeys (default burn)"),
    registration_allowed: z
      .boolean()
      .describe('neurons may register; also gates emission to the subnet (default true)'),
    emission_enabled: z
      .boolean()
      .describe(
        'the subnet receives its share of block emission (default true; false for a subnet registered during the ' +
          'run, as on chain, until root enables it)',
      ),
    max_registrations_per_block: z
      .number()
      .int()
      .min(0)
      .describe(
        'MaxRegistrationsPerBlock (default 1): stored only — the chain (do_register at 14bc6f9f) does not enforce it',
      ),
    min_non_immune_uids: z.number().int().min(0).describe('pruning only while more uids than this are non-immune (10)'),
    burn_half_life: z.number().int().min(0).describe('blocks for the registration price to halve (default 360)'),
    burn_increase_mult: z
      .number()
      .min(1)
      .max(100)
      .describe('registration price × this per registration (default 1.26)'),
    min_burn: z.number().nonnegative().describe('registration price floor, TAO (default 0.0005)'),
    max_burn: z.number().nonnegative().describe('registration price ceiling, TAO (default 100)'),
  })
  .partial()
  .strict();

/**
 * The owner's own hyperparameter calls (`subnet_owners[].hyperparameters`): what the chain refuses an owner whatever
 * the state (`sim/economy/ops/setHyperparameters.ts` has the sources and the state-dependent rules: rate limit,
 * freeze window, current uids, min/max burn of the subnet, liquid alpha on). Genesis values and `set_subnet` events
 * (root) are not bound by these.
 */
const OWNER_ROOT_ONLY = {
  kappa: 'sudo_set_kappa',
  max_allowed_validators: 'sudo_set_max_allowed_validators',
  weights_rate_limit: 'sudo_set_weights_set_rate_limit',
  registration_allowed: 'sudo_set_network_registration_allowed',
  emission_enabled: 'sudo_set_subnet_emission_enabled',
  min_non_immune_uids: 'sudo_set_min_non_immune_uids',
  max_registrations_per_block: 'sudo_set_max_registrations_per_block',
} as const;
const OWNER_BOUNDS: Partial<Record<keyof z.infer<typeof hyperparametersSchema>, readonly [number, number, string]>> = {
  tempo: [MIN_TEMPO, MAX_TEMPO, 'TempoOutOfBounds'],
  activity_cutoff_factor_milli: [
    MIN_ACTIVITY_CUTOFF_FACTOR_MILLI,
    MAX_ACTIVITY_CUTOFF_FACTOR_MILLI,
    'ActivityCutoffFactorMilliOutOfBounds',
  ],
  bonds_moving_average: [0, OWNER_MAX_BONDS_MOVING_AVERAGE, 'BondsMovingAverageMaxReached'],
  max_allowed_uids: [
    MIN_ALLOWED_UIDS,
    DEFAULT_MAX_ALLOWED_UIDS,
    'MaxAllowedUidsLessThanMinAllowedUids / …GreaterThanDefaultMaxAllowedUids',
  ],
  alpha_low: [MIN_ALPHA_VALUE, 65_535, 'AlphaLowOutOfRange'],
  alpha_high: [MIN_ALPHA_VALUE, 65_535, 'AlphaHighTooLow'],
  alpha_sigmoid_steepness: [0, 32_767, 'NegativeSigmoidSteepness'],
  burn_half_life: [1, MAX_BURN_HALF_LIFE, 'InvalidValue'],
  burn_increase_mult: [1, 3, 'InvalidValue'],
};
const ownerHyperparametersSchema = hyperparametersSchema.superRefine((h, ctx) => {
  for (const [key, call] of Object.entries(OWNER_ROOT_ONLY)) {
    if (h[key as keyof typeof OWNER_ROOT_ONLY] !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `${key} is root-only on chain (${call}: BadOrigin for the owner); set it with a set_subnet event`,
      });
  }
  for (const [key, [min, max, error]] of Object.entries(OWNER_BOUNDS)) {
    const v = h[key as keyof typeof h];
    if (typeof v === 'number' && (v < min || v > max))
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `the chain refuses the owner ${key} outside [${min}, ${max}] (${error})`,
      });
  }
  if (h.min_burn !== undefined && h.min_burn >= 1)
    ctx.addIssue({ code: 'custom', path: ['min_burn'], message: 'the chain refuses the owner min_burn ≥ 1 TAO' });
  if (h.max_burn !== undefined && h.max_burn <= 0.1)
    ctx.addIssue({ code: 'custom', path: ['max_burn'], message: 'the chain refuses the owner max_burn ≤ 0.1 TAO' });
});

const validatorGroup = z
  .object({
    count: z.number().int().min(1).describe('how many validators of this kind'),
    kind: z
      .enum(['honest', 'lazy', 'cabal'])
      .default('honest')
      .describe(
        "honest: observed quality plus noise; lazy: copies last epoch's consensus; cabal: weights only the cabal's miners",
      ),
    stake: tao('alpha each validator holds on the subnet, staked by its own coldkey'),
    root_stake: tao('TAO each validator holds on root (earns through tao_weight)').default(0),
    noise: z.number().min(0).default(0.05).describe('standard deviation of the noise on observed quality'),
    take: fraction('delegate take (default 0.18, the chain maximum)').default(0.18),
    offline: z
      .array(z.object({ from: duration, to: duration }).strict())
      .default([])
      .describe('windows (from the start of the run) during which these validators set no weights'),
    parent: z
      .object({
        root_stake: tao('TAO the parent holds on root').default(0),
        stake: tao('alpha the parent holds on this subnet').default(0),
        proportion: z
          .number()
          .gt(0)
          .max(1)
          .default(1)
          .describe("share of the parent's alpha and root stake lent to the validator (1 = all, u64::MAX)"),
        take: z
          .number()
          .min(0)
          .max(11_796 / 65_535)
          .default(0)
          .describe("the validator's childkey take on what its parent earns through it (≤ 0.18; default 0)"),
      })
      .strict()
      .optional()
      .describe(
        'child hotkeys at genesis: each validator of the group is the child of its own parent hotkey ' +
          '(<validator>-parent, not registered on the subnet: a root validator, say), which lends it a proportion ' +
          'of its stake — the epoch weighs the validator with it, and the parent gets its share of the dividends',
      ),
  })
  .strict();

const minerGroup = z
  .object({
    count: z.number().int().min(1).describe('how many miners'),
    quality_mean: fraction('mean latent quality of the miners').default(0.5),
    quality_sd: z.number().min(0).default(0.2).describe('spread of latent quality across miners'),
    cabal: z
      .boolean()
      .default(false)
      .describe("these miners belong to the subnet's cabal (cabal validators weight only them)"),
    entry: z
      .object({
        budget: tao('TAO the would-be miners have for registrations'),
        cost_per_day: tao('a miner’s operating cost, TAO per day').default(0.5),
        horizon_days: z.number().positive().default(30).describe('days over which entering must pay back'),
        patience: z.number().int().min(1).default(3).describe('checks in a row below cost before a miner quits'),
        every: duration.default(360).describe('how often entry and exit are reconsidered'),
      })
      .strict()
      .optional()
      .describe('miners register when expected earnings beat the burn plus cost, and quit when unprofitable'),
    sell_every: duration
      .optional()
      .describe('the miners unstake (sell) everything they earned this often, so they hold no stake'),
    drift: z
      .object({
        amplitude: z.number().min(0).describe('how far quality swings around its mean'),
        period: duration.describe('time for a full swing; each miner has its own phase'),
      })
      .strict()
      .optional()
      .describe('latent quality that changes over time (what weight copiers lag behind)'),
  })
  .strict();

const delegatorGroup = z
  .object({
    count: z.number().int().min(1).describe('how many delegators'),
    kind: z
      .enum(['loyal', 'yield', 'random'])
      .default('loyal')
      .describe('loyal: stake once and stay; yield: chase the best recent return; random: move at random'),
    tao: tao('TAO each delegator stakes (its free balance at the start)'),
    every: duration.default('1d').describe('how often yield-chasing and random delegators reconsider'),
  })
  .strict();

const event = z
  .object({
    at: z
      .union([duration, z.string().datetime({ offset: true })])
      .describe(
        'when: blocks or 1d / 12h / … from the start of the run, or an ISO 8601 date (12 s blocks from `start`)',
      ),
    set_subnet: z
      .object({
        subnet: z
          .string()
          .describe(
            "subnet name, or a subnet_owners' name (then it applies only if that subnet is registered by then)",
          ),
        hyperparameters: hyperparametersSchema.describe('new values from then on'),
      })
      .strict()
      .optional()
      .describe('a parameter change on one subnet'),
    tao_weight: fraction('new tao_weight from then on').optional(),
    stake_shock: z
      .object({
        subnet: z.string().describe('the subnet’s name'),
        fraction: fraction('share of every staker’s alpha sold through the pool'),
      })
      .strict()
      .optional()
      .describe('every staker on the subnet sells a fraction of its stake at once'),
    dissolve_subnet: z
      .string()
      .optional()
      .describe(
        'dissolve this subnet (its pool TAO to its stakers pro rata by value, beside protocol-bought alpha, whose share is recycled)',
      ),
    validators_become: z
      .object({
        subnet: z.string().describe('the subnet’s name'),
        group: z.number().int().min(0).describe('index in the subnet’s validators list, from 0'),
        kind: z.enum(['honest', 'lazy', 'cabal']).describe('the group’s new behaviour'),
      })
      .strict()
      .optional()
      .describe('a validator group changes behaviour (e.g. a cabal forms)'),
  })
  .strict()
  .refine(
    (e) =>
      ['set_subnet', 'tao_weight', 'stake_shock', 'dissolve_subnet', 'validators_become'].filter((k) => k in e)
        .length === 1,
    {
      message: 'an event needs exactly one of set_subnet, tao_weight, stake_shock, dissolve_subnet, validators_become',
    },
  );

const subnet = z
  .object({
    name: z.string().min(1).describe('short name, e.g. text'),
    purpose: z.string().optional().describe('what the subnet does, e.g. "text generation"'),
    copies: z.number().int().min(1).default(1).describe('repeat this subnet N times (named <name>1 … <name>N)'),
    age: z
      .union([z.number().int().min(0), durationText])
      .default('1y')
      .describe(
        'how long before the start the subnet and its neurons registered and its emission started (default 1y, a mainnet subnet: past its 120-day immunity, its moving price at full EMA rate; 0 = registered at the start)',
      ),
    mechanism: z
      .enum(['dynamic', 'stable'])
      .default('dynamic')
      .describe(
        'dynamic: a dTAO pool (default); stable: [legacy] price 1 and 1:1 swaps (SubnetMechanism 0, as before dTAO)',
      ),
    pool: z
      .object({
        tao: tao('TAO in the pool (SubnetTAO); above 0 for a dynamic pool'),
        alpha: tao('alpha in the pool (SubnetAlphaIn); above 0 for a dynamic pool'),
        spread: z
          .number()
          .min(0)
          .default(0)
          .describe('copies: pool TAO × exp(spread·N(0,1)), a heavy-tailed spread of sizes'),
        moving_price: fraction('initial moving price (EMA) of the alpha price; default min(spot, 1)').optional(),
      })
      .strict()
      .describe('the subnet pool at the start; price = tao/alpha'),
    hyperparameters: hyperparametersSchema.optional().describe('this subnet’s hyperparameters (over subnet_defaults)'),
    validators: z.array(validatorGroup).min(1).describe('validator groups'),
    demand: z
      .object({
        tao_per_day: tao('TAO buyers spend on the subnet’s services each day'),
        on_chain_share: fraction(
          'share of that revenue that buys the subnet’s alpha through its pool (owner buyback)',
        ).default(1),
      })
      .strict()
      .optional()
      .describe('demand for the subnet’s AI services (README, “Writing a scenario”: demand)'),
    miners: z.union([minerGroup, z.array(minerGroup).min(1)]).describe('a miner group, or a list of groups'),
  })
  .strict();

const chain = z
  .object({
    issuance: tao(
      'TotalIssuance at the start in TAO, at most the 21 000 000 cap; what no account holds sits in the `unallocated` balance',
    )
      .max(21_000_000)
      .optional(),
    tao_weight: fraction('weight of root TAO stake against alpha (runtime default 0.0527; mainnet 0.18)'),
    owner_cut: fraction('subnet owner cut of alpha emission (default 0.18)'),
    max_epochs_per_block: z.number().int().min(1).describe('epochs run per block at most (default 2)'),
    consensus_mode: z
      .enum(['fixed', 'float'])
      .describe(
        'consensus arithmetic: fixed = bit-exact with the chain (default); float = plain doubles, not exact: epochs ≈ 20 % faster, a whole run ≈ 5 %',
      ),
    halving: z
      .union([
        z.literal('issuance'),
        z
          .object({
            calendar_blocks: z
              .number()
              .int()
              .positive()
              .describe('blocks between halvings (10519200 ≈ 4 years of 12 s blocks)'),
          })
          .strict(),
      ])
      .describe("issuance (the chain's rule) or {calendar_blocks: N}: the article's calendar halving, not the chain's"),
    share_rule: z
      .enum(['price_ema_unburned', 'price_ema'])
      .describe('subnet emission shares: HEAD rule, or [legacy] price only'),
    epoch_schedule: z
      .enum(['scheduler', 'legacy_modulo'])
      .describe('HEAD scheduler, or [legacy] (block + netuid + 1) % (tempo + 1)'),
    fee_rate: fraction('swap fee of a subnet pool (FeeRate, default 33/65535 ≈ 0.05 %)'),
    subnet_limit: z.number().int().min(1).describe('subnets at most; registering beyond dissolves one (default 128)'),
    min_lock: tao('NetworkMinLockCost in TAO (default 1000)'),
    lock_reduction_interval: z
      .number()
      .int()
      .min(1)
      .describe(
        'NetworkLockReductionInterval (57600): the lock cost falls by the last lock over this × block emission in TAO',
      ),
    network_immunity_period: z.number().int().min(0).describe('blocks a new subnet cannot be dissolved (864000)'),
    network_rate_limit: z
      .number()
      .int()
      .min(0)
      .describe('blocks between two subnet registrations, network-wide (NetworkRateLimit, 28800 on mainnet)'),
    new_subnets_emit: z
      .boolean()
      .describe(
        "OPT-IN, root's decision on chain: subnets registered during the run get emission enabled at once. " +
          'Default false, as the chain registers them with SubnetEmissionEnabled = false until root enables it ' +
          '(or an event: set_subnet with emission_enabled: true)',
      ),
    slashing: z
      .object({
        fraction: fraction('share of an offline permit holder’s stake taken at each epoch of its subnet'),
        offline_blocks: z.number().int().min(0).default(5000).describe('blocks without weights before slashing'),
        destination: z.enum(['burn', 'recycle']).default('burn').describe('where the slashed alpha goes'),
      })
      .strict()
      .describe('OPT-IN, NOT ON CHAIN (the chain has no slashing): slash offline validators, to compare'),
    root_claim: z
      .union([
        z.literal('none'),
        z
          .object({
            every: duration.default('1d').describe('how often root dividends are claimed'),
            type: z.enum(['swap', 'keep']).default('swap').describe('swap: sold for TAO staked on root; keep: alpha'),
          })
          .strict(),
      ])
      .describe("root dividends' claim: {every, type} (default daily swap, the chain's default type) or none"),
    stake_threshold: z
      .number()
      .min(0)
      .describe(
        'StakeThreshold in TAO of stake weight (alpha + root × tao_weight): below it no validator permit and no ' +
          "weights sets (the subnet owner exempt). Default 0, the pallet's default; root sets it on chain",
      ),
    bootstrap: z
      .enum(['none', 'equal_stake'])
      .describe(
        'none (the chain): an epoch where nobody has stake pays nobody; equal_stake, OPT-IN, NOT ON CHAIN: such an ' +
          'epoch counts every uid that set weights as one equal stake (a fair launch from zero issuance)',
      ),
  })
  .partial()
  .strict();

export const scenarioSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a plain name: letters, digits, ".", "_" or "-", not a path')
      .describe('scenario name (the run folder out/<name> is named after it)'),
    description: z.string().optional().describe('what the scenario shows'),
    seed: z.number().int().min(0).default(1).describe('every random stream derives from it'),
    start: z
      .string()
      .datetime({ offset: true })
      .default('2026-06-30T00:00:00Z')
      .describe('date of the first block (ISO 8601)'),
    duration,
    sample_every: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('blocks between time-series rows (default: the first tempo)'),
    chain: chain.default({}).describe('network-wide parameters and opt-in rules'),
    subnet_defaults: hyperparametersSchema.default({}).describe('hyperparameters every subnet starts from'),
    subnets: z.array(subnet).min(1).describe('the subnets, netuid 1, 2, … in order (copies expand in place)'),
    delegators: z.array(delegatorGroup).default([]).describe('nominators who stake on validators through subnet pools'),
    events: z.array(event).default([]).describe('the timeline: what happens when'),
    subnet_owners: z
      .array(
        z
          .object({
            name: z.string().min(1).describe('name of the subnet they will create'),
            budget: tao('TAO they hold for the lock'),
            max_lock: tao('they register once the network lock cost has fallen to this'),
            from: duration.default(0).describe('not before this time'),
            hyperparameters: ownerHyperparametersSchema
              .optional()
              .describe(
                'set on their subnet once it runs (the owner’s own hyperparameter calls, all or nothing: ' +
                  'root-only ones and values outside the chain’s bounds for the owner are refused here)',
              ),
          })
          .strict(),
      )
      .default([])
      .describe('would-be owners who register new subnets when the lock cost allows'),
  })
  .strict()
  .superRefine((s, ctx) => {
    const names = s.subnets.map((x) => x.name);
    // Names identify subnets (events, hotkeys `<name>-v…`): each once, copies included (`<name>1` … `<name>N`).
    const seen = new Map<string, number>();
    s.subnets.forEach((x, k) => {
      for (const name of copyNames(x)) {
        const before = seen.get(name);
        if (before !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['subnets', k, 'name'],
            message: `a name of its own: "${name}" is subnets[${before}]'s (names identify subnets in events and keys)`,
          });
          break;
        }
        seen.set(name, k);
      }
    });
    const expanded = [...seen.keys()];
    const limit = s.chain.subnet_limit ?? 128;
    if (expanded.length > limit) {
      // Blamed on the largest `copies`, or else on the first subnet beyond the limit.
      const most = s.subnets.reduce((best, x, k) => (x.copies > s.subnets[best]!.copies ? k : best), 0);
      ctx.addIssue({
        code: 'custom',
        path: s.subnets[most]!.copies > 1 ? ['subnets', most, 'copies'] : ['subnets', limit, 'name'],
        message: `at most chain.subnet_limit (${limit}) subnets; the scenario has ${expanded.length} (copies included)`,
      });
    }
    const ownerNames = s.subnet_owners.map((o) => o.name);
    s.events.forEach((e, k) => {
      const named = e.set_subnet?.subnet ?? e.stake_shock?.subnet ?? e.dissolve_subnet ?? e.validators_become?.subnet;
      // set_subnet may also name a subnet_owners' subnet (root enabling its emission, say); the others need one
      // that exists from the start.
      const known = names.includes(named ?? '') || (e.set_subnet !== undefined && ownerNames.includes(named ?? ''));
      if (named !== undefined && !known) {
        ctx.addIssue({
          code: 'custom',
          path: ['events', k],
          message: `no subnet named "${named}" (subnets: ${names.join(', ')})`,
        });
      }
      const group = e.validators_become;
      const target = group && s.subnets.find((x) => x.name === group.subnet);
      if (group && target && group.group >= target.validators.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['events', k, 'validators_become', 'group'],
          message: `a validator group index from 0 to ${target.validators.length - 1} (subnet ${group.subnet} has ${target.validators.length} group${target.validators.length === 1 ? '' : 's'}, numbered from 0)`,
        });
      }
    });
    s.events.forEach((e, k) => {
      if (typeof e.at === 'string' && e.at.includes('T') && Date.parse(e.at) < Date.parse(s.start)) {
        ctx.addIssue({
          code: 'custom',
          path: ['events', k, 'at'],
          message: `a date at or after the scenario's start (${s.start})`,
        });
      }
    });
    s.subnets.forEach((sub, k) => {
      if (sub.mechanism === 'dynamic') {
        for (const side of ['tao', 'alpha'] as const) {
          // A negative amount is reported as such already; one that rounds to 0 rao is as empty as 0.
          if (sub.pool[side] < 0 || Math.round(sub.pool[side] * 1e9) > 0) continue;
          ctx.addIssue({
            code: 'custom',
            path: ['subnets', k, 'pool', side],
            message: `a dynamic pool needs ${side} of at least 1 rao (1e-9; its price is tao/alpha); a subnet without a pool is \`mechanism: stable\` ([legacy] price 1)`,
          });
        }
      }
      sub.validators.forEach((g, gi) => {
        g.offline.forEach((w, wi) => {
          // Ends that are not durations are reported as such already.
          if (!duration.safeParse(w.from).success || !duration.safeParse(w.to).success) return;
          const from = durationBlocks(w.from);
          const to = durationBlocks(w.to);
          if (to > from) return;
          ctx.addIssue({
            code: 'custom',
            path: ['subnets', k, 'validators', gi, 'offline', wi, 'to'],
            message: `the end of the window after its start (from is block ${from}, to is block ${to})`,
          });
        });
      });
    });
    s.subnets.forEach((sub, k) => {
      const max = sub.hyperparameters?.max_allowed_uids ?? s.subnet_defaults.max_allowed_uids ?? 256;
      const miners = Array.isArray(sub.miners) ? sub.miners : [sub.miners];
      const uids = 1 + sub.validators.reduce((a, g) => a + g.count, 0) + miners.reduce((a, g) => a + g.count, 0);
      if (uids > max) {
        ctx.addIssue({
          code: 'custom',
          path: Array.isArray(sub.miners) ? ['subnets', k, 'miners'] : ['subnets', k, 'miners', 'count'],
          message: `the owner, validators and miners need ${uids} uids but max_allowed_uids is ${max}`,
        });
      }
    });
  });

export type ScenarioFile = z.infer<typeof scenarioSchema>;

/** The names a subnet entry gives its subnets: its name, or <name>1 … <name>N with `copies: N`. */
export function copyNames(sub: { readonly name: string; readonly copies: number }): string[] {
  return sub.copies === 1 ? [sub.name] : Array.from({ length: sub.copies }, (_, k) => `${sub.name}${k + 1}`);
}
export type HyperparametersFile = z.infer<typeof hyperparametersSchema>;

/** Blocks in a duration (12-second blocks: 300 per hour, 7200 per day). */
export function durationBlocks(d: ScenarioFile['duration']): number {
  if (typeof d === 'number') return d;
  const m = /^(\d+(?:\.\d+)?)\s*(b|h|d|w|y)$/.exec(d)!;
  const per = { b: 1, h: 300, d: 7200, w: 50_400, y: 2_629_800 }[m[2] as 'b' | 'h' | 'd' | 'w' | 'y'];
  return Math.round(Number(m[1]) * per);
}
