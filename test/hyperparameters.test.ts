import { describe, expect, it } from 'vitest';
import { genesisState } from '../sim/economy/genesis.ts';
import { setHyperparameters } from '../sim/economy/ops/setHyperparameters.ts';
import type { ChainState, SubnetParams, SubnetState } from '../sim/economy/state.ts';
import { buildScenario } from '../sim/engine/buildScenario.ts';
import { runSimulation } from '../sim/engine/runSimulation.ts';
import { loadScenario, ScenarioError } from '../sim/io/loadScenario.ts';

/*
 * The subnet owner's hyperparameter calls against subtensor 14bc6f9f. Every bound below is the chain's, with its
 * source: `admin-utils` = pallets/admin-utils/src/lib.rs, `runtime` = runtime/src/lib.rs, other paths under
 * pallets/subtensor/src/.
 */

const TAO = 1_000_000_000n;
const OWNER = 'own-c';
const START = 10_000;

/** One subnet (netuid 1, tempo 360 unless given) with the owner's hotkey and `miners` more uids. */
function net(params: Partial<SubnetParams> = {}, miners = 3): ChainState {
  const state = genesisState({
    block: START,
    subnets: [
      {
        netuid: 1,
        name: 'text',
        ownerColdkey: OWNER,
        ownerHotkey: 'own-h',
        poolTaoRao: 1000n * TAO,
        poolAlphaRao: 1000n * TAO,
        neurons: [
          { hotkey: 'own-h', coldkey: OWNER },
          ...Array.from({ length: miners }, (_, k) => ({ hotkey: `m${k}`, coldkey: `m${k}-c` })),
        ],
        params,
      },
    ],
  });
  return at(state, START);
}

/** The state at `block`, the subnet's last epoch at `lastEpoch` (default: that block, far from the freeze window). */
function at(state: ChainState, block: number, lastEpoch = block, pendingEpochAt = 0): ChainState {
  return { ...state, block, subnets: state.subnets.map((s) => ({ ...s, lastEpochBlock: lastEpoch, pendingEpochAt })) };
}

const sub = (s: ChainState): SubnetState => s.subnets[0]!;
const set = (state: ChainState, params: Partial<SubnetParams>, coldkey = OWNER): ChainState =>
  setHyperparameters(state, { coldkey, netuid: 1, params });
function refused(state: ChainState, params: Partial<SubnetParams>, code: string, coldkey = OWNER): void {
  const before = JSON.stringify(sub(state).params, (_k, v) => (typeof v === 'bigint' ? `${v}` : v));
  expect(() => set(state, params, coldkey)).toThrow(expect.objectContaining({ code }));
  // A refusal changes nothing (the op is pure: the state it was given stays as it was).
  expect(JSON.stringify(sub(state).params, (_k, v) => (typeof v === 'bigint' ? `${v}` : v))).toBe(before);
}

describe('setHyperparameters: who may call', () => {
  it('refuses a coldkey that does not own the subnet (ensure_subnet_owner_or_root, utils/misc.rs:19: BadOrigin)', () => {
    refused(net(), { bondsPenalty: 1 }, 'BadOrigin', 'someone-else');
    refused(net(), { tempo: 720 }, 'BadOrigin', 'someone-else'); // ensure_subnet_owner, misc.rs:32
  });

  it('refuses the owner the root-only parameters (ensure_root: BadOrigin)', () => {
    const rootOnly: Partial<SubnetParams>[] = [
      { kappa: 40000 }, // sudo_set_kappa, admin-utils:574
      { maxAllowedValidators: 32 }, // sudo_set_max_allowed_validators, admin-utils:826
      { weightsSetRateLimit: 50 }, // sudo_set_weights_set_rate_limit, admin-utils:379
      { registrationAllowed: false }, // sudo_set_network_registration_allowed, admin-utils:663
      { emissionEnabled: true }, // sudo_set_subnet_emission_enabled, admin-utils:2268
      { minNonImmuneUids: 5 }, // sudo_set_min_non_immune_uids, admin-utils:2055
      { maxRegistrationsPerBlock: 3 }, // sudo_set_max_registrations_per_block, admin-utils:928
    ];
    for (const p of rootOnly) refused(net(), p, 'BadOrigin');
  });

  it('lets the owner set every owner-callable parameter, within bounds, at once (one call each)', () => {
    const p: Partial<SubnetParams> = {
      tempo: 720,
      activityCutoffFactorMilli: 20_000,
      bondsMovingAverage: 975_000,
      bondsPenalty: 0,
      maxAllowedUids: 128,
      yuma3Enabled: false,
      commitRevealEnabled: false,
      revealPeriodEpochs: 3,
      liquidAlphaEnabled: true,
      alphaLow: 2000,
      alphaHigh: 60000,
      alphaSigmoidSteepness: 0,
      immunityPeriod: 65535,
      ownerCutEnabled: false,
      ownerIncentive: 'recycle',
      burnHalfLife: 36_100,
      burnIncreaseMultU64F64: 3n << 64n,
      minBurnRao: 999_999_999n,
      maxBurnRao: 1_000_000_001n,
      minChildkeyTakeU16: 11_796,
    };
    const out = sub(set(net(), p));
    expect(out.params).toEqual({ ...sub(net()).params, ...p });
  });

  it('is all or nothing: a refused call in the list refuses the transaction', () => {
    const state = net();
    refused(state, { bondsPenalty: 7, kappa: 1 }, 'BadOrigin');
    // Nothing was recorded for BondsPenalty either: the same change alone goes through.
    expect(sub(set(state, { bondsPenalty: 7 })).params.bondsPenalty).toBe(7);
  });
});

describe('setHyperparameters: bounds (the chain refuses the owner outside them)', () => {
  it('tempo: MIN_TEMPO 360 ..= MAX_TEMPO 50 400 (lib.rs:1812, 1814; tempo_control.rs:15: TempoOutOfBounds)', () => {
    refused(net(), { tempo: 359 }, 'TempoOutOfBounds');
    refused(net(), { tempo: 50_401 }, 'TempoOutOfBounds');
    expect(sub(set(net(), { tempo: 360 })).params.tempo).toBe(360);
    expect(sub(set(net(), { tempo: 50_400 })).params.tempo).toBe(50_400);
  });

  it('a tempo change restarts the epoch cycle: LastEpochBlock = now (apply_tempo_with_cycle_reset, misc.rs:121)', () => {
    const state = at(net(), START + 100, START); // last epoch 100 blocks ago
    expect(sub(set(state, { tempo: 720 })).lastEpochBlock).toBe(START + 100);
    // Other parameters leave the schedule alone.
    expect(sub(set(state, { bondsPenalty: 1 })).lastEpochBlock).toBe(START);
  });

  it('activity cutoff factor: 1000 ..= 50 000 per mille (lib.rs:1816, 1818; tempo_control.rs:45)', () => {
    refused(net(), { activityCutoffFactorMilli: 999 }, 'ActivityCutoffFactorMilliOutOfBounds');
    refused(net(), { activityCutoffFactorMilli: 50_001 }, 'ActivityCutoffFactorMilliOutOfBounds');
    expect(sub(set(net(), { activityCutoffFactorMilli: 1000 })).params.activityCutoffFactorMilli).toBe(1000);
    expect(sub(set(net(), { activityCutoffFactorMilli: 50_000 })).params.activityCutoffFactorMilli).toBe(50_000);
  });

  it('bonds moving average: the owner at most 975 000 (admin-utils:866: BondsMovingAverageMaxReached)', () => {
    refused(net(), { bondsMovingAverage: 975_001 }, 'BondsMovingAverageMaxReached');
    expect(sub(set(net(), { bondsMovingAverage: 975_000 })).params.bondsMovingAverage).toBe(975_000);
    expect(sub(set(net(), { bondsMovingAverage: 0 })).params.bondsMovingAverage).toBe(0);
  });

  it('max allowed uids: ≥ MinAllowedUids 64, ≥ the uids registered, ≤ 256 (admin-utils:538-549; runtime:1018, 972)', () => {
    refused(net(), { maxAllowedUids: 63 }, 'MaxAllowedUidsLessThanMinAllowedUids');
    expect(sub(set(net(), { maxAllowedUids: 64 })).params.maxAllowedUids).toBe(64);
    refused(net(), { maxAllowedUids: 257 }, 'MaxAllowedUidsGreaterThanDefaultMaxAllowedUids');
    expect(sub(set(net(), { maxAllowedUids: 256 })).params.maxAllowedUids).toBe(256);
    const full = net({}, 99); // 100 uids
    refused(full, { maxAllowedUids: 99 }, 'MaxAllowedUIdsLessThanCurrentUIds');
    expect(sub(set(full, { maxAllowedUids: 100 })).params.maxAllowedUids).toBe(100);
  });

  it('reveal period: 1 ..= 100 epochs (lib.rs:129, 131; subnets/weights.rs:1295, 1300)', () => {
    refused(net(), { revealPeriodEpochs: 0 }, 'RevealPeriodTooSmall');
    refused(net(), { revealPeriodEpochs: 101 }, 'RevealPeriodTooLarge');
    expect(sub(set(net(), { revealPeriodEpochs: 1 })).params.revealPeriodEpochs).toBe(1);
    expect(sub(set(net(), { revealPeriodEpochs: 100 })).params.revealPeriodEpochs).toBe(100);
  });

  it('alpha values: liquid alpha on, 1638 ≤ alpha_low ≤ alpha_high, alpha_high ≥ 1638 (epoch/run_epoch.rs:1553-1567)', () => {
    // Liquid alpha is off by default: LiquidAlphaDisabled.
    refused(net(), { alphaLow: 2000, alphaHigh: 3000 }, 'LiquidAlphaDisabled');
    // Calls run in the order of the keys: enabling it first works, enabling it after does not.
    expect(sub(set(net(), { liquidAlphaEnabled: true, alphaLow: 2000 })).params.alphaLow).toBe(2000);
    refused(net(), { alphaLow: 2000, liquidAlphaEnabled: true }, 'LiquidAlphaDisabled');
    const on = net({ liquidAlphaEnabled: true });
    refused(on, { alphaLow: 1638, alphaHigh: 1637 }, 'AlphaHighTooLow');
    refused(on, { alphaLow: 1637, alphaHigh: 60000 }, 'AlphaLowOutOfRange');
    refused(on, { alphaLow: 40001, alphaHigh: 40000 }, 'AlphaLowOutOfRange');
    // alpha_low = alpha_high is allowed (`<=`), and 1638 itself.
    expect(sub(set(on, { alphaLow: 1638, alphaHigh: 1638 })).params).toMatchObject({ alphaLow: 1638, alphaHigh: 1638 });
    // One of the pair: the other is the stored value (default alpha_high 58 982).
    refused(on, { alphaLow: 58_983 }, 'AlphaLowOutOfRange');
    expect(sub(set(on, { alphaLow: 58_982 })).params).toMatchObject({ alphaLow: 58_982, alphaHigh: 58_982 });
    // The pair is one call (AlphaValues): setting both does not trip its own rate limit.
    expect(sub(set(on, { alphaHigh: 60000, alphaLow: 3000 })).ownerRateLimitBlocks.get('AlphaValues')).toBe(START);
  });

  it('sigmoid steepness: the owner may not set a negative one (admin-utils:1620: NegativeSigmoidSteepness)', () => {
    refused(net(), { alphaSigmoidSteepness: -1 }, 'NegativeSigmoidSteepness');
    expect(sub(set(net(), { alphaSigmoidSteepness: 0 })).params.alphaSigmoidSteepness).toBe(0);
    expect(sub(set(net(), { alphaSigmoidSteepness: 32_767 })).params.alphaSigmoidSteepness).toBe(32_767);
  });

  it('burn half-life: 1 ..= MaxBurnHalfLife 36 100 (admin-utils:2124-2128, lib.rs:357: InvalidValue)', () => {
    refused(net(), { burnHalfLife: 0 }, 'InvalidValue');
    refused(net(), { burnHalfLife: 36_101 }, 'InvalidValue');
    expect(sub(set(net(), { burnHalfLife: 1 })).params.burnHalfLife).toBe(1);
  });

  it('min childkey take per subnet: MinChildkeyTake 0 ..= MaxChildkeyTake 11 796 (admin-utils:1175-1179: InvalidValue)', () => {
    refused(net(), { minChildkeyTakeU16: 11_797 }, 'InvalidValue');
    expect(sub(set(net(), { minChildkeyTakeU16: 11_796 })).params.minChildkeyTakeU16).toBe(11_796);
  });

  it('burn increase multiplier: 1 ..= 3 as U64F64 (admin-utils:2173: InvalidValue)', () => {
    refused(net(), { burnIncreaseMultU64F64: (1n << 64n) - 1n }, 'InvalidValue');
    refused(net(), { burnIncreaseMultU64F64: (3n << 64n) + 1n }, 'InvalidValue');
    expect(sub(set(net(), { burnIncreaseMultU64F64: 1n << 64n })).params.burnIncreaseMultU64F64).toBe(1n << 64n);
  });

  it('min burn < MinBurnUpperBound 1 TAO and < max burn (admin-utils:738, 743; runtime:1004: ValueNotInBounds)', () => {
    refused(net(), { minBurnRao: TAO }, 'ValueNotInBounds');
    expect(sub(set(net(), { minBurnRao: TAO - 1n })).params.minBurnRao).toBe(TAO - 1n);
    const low = net({ maxBurnRao: 500_000_000n });
    refused(low, { minBurnRao: 500_000_000n }, 'ValueNotInBounds');
    expect(sub(set(low, { minBurnRao: 499_999_999n })).params.minBurnRao).toBe(499_999_999n);
  });

  it('max burn > MaxBurnLowerBound 0.1 TAO and > min burn (admin-utils:777, 782; runtime:1005: ValueNotInBounds)', () => {
    refused(net(), { maxBurnRao: 100_000_000n }, 'ValueNotInBounds');
    expect(sub(set(net(), { maxBurnRao: 100_000_001n })).params.maxBurnRao).toBe(100_000_001n);
    const high = net({ minBurnRao: 200_000_000n });
    refused(high, { maxBurnRao: 200_000_000n }, 'ValueNotInBounds');
    // In one transaction, each call sees the ones before it: lower the floor, then the ceiling.
    expect(sub(set(high, { minBurnRao: 100n, maxBurnRao: 150_000_000n })).params.maxBurnRao).toBe(150_000_000n);
    refused(high, { maxBurnRao: 150_000_000n, minBurnRao: 100n }, 'ValueNotInBounds');
  });

  it('refuses values its call argument cannot carry (u16 immunity period, integer penalty)', () => {
    refused(net(), { immunityPeriod: 65_536 }, 'ValueNotEncodable');
    refused(net(), { bondsPenalty: 1.5 }, 'ValueNotEncodable');
    expect(sub(set(net(), { immunityPeriod: 65_535 })).params.immunityPeriod).toBe(65_535);
  });
});

describe('setHyperparameters: the owner rate limit (utils/rate_limiting.rs)', () => {
  it('a hyperparameter changes once per OwnerHyperparamRateLimit 2 × tempo blocks (lib.rs:1087; rate_limiting.rs:44-47, 64-67)', () => {
    const first = set(net(), { bondsPenalty: 1 });
    expect(sub(first).ownerRateLimitBlocks.get('BondsPenalty')).toBe(START);
    // 2 × 360 = 720 blocks. (The last epoch moved along so that the freeze window stays open.)
    refused(at(first, START + 719), { bondsPenalty: 2 }, 'TxRateLimitExceeded');
    expect(sub(set(at(first, START + 720), { bondsPenalty: 2 })).params.bondsPenalty).toBe(2);
    // Per hyperparameter (RateLimitKey::OwnerHyperparamUpdate(netuid, hparam)): another one is free.
    expect(sub(set(at(first, START + 1), { immunityPeriod: 100 })).params.immunityPeriod).toBe(100);
    // The same value counts as a change too.
    refused(at(first, START + 1), { bondsPenalty: 1 }, 'TxRateLimitExceeded');
  });

  it('the limit scales with the tempo in force at the call', () => {
    const slow = set(net({ tempo: 1000 }), { yuma3Enabled: false });
    refused(at(slow, START + 1999), { yuma3Enabled: true }, 'TxRateLimitExceeded');
    expect(sub(set(at(slow, START + 2000), { yuma3Enabled: true })).params.yuma3Enabled).toBe(true);
  });

  it('tempo: once per MIN_TEMPO 360 blocks (TempoUpdate, rate_limiting.rs:50; tempo_control.rs:22-26)', () => {
    // Tempo 1000: its next epoch is far enough that the freeze window does not answer first.
    const first = set(net(), { tempo: 1000 });
    expect(sub(first).ownerRateLimitBlocks.get('TempoUpdate')).toBe(START);
    refused(at(first, START + 359, START), { tempo: 2000 }, 'TxRateLimitExceeded');
    expect(sub(set(at(first, START + 360, START), { tempo: 2000 })).params.tempo).toBe(2000);
  });

  it('owner cut enabled has no rate limit (sudo_set_owner_cut_enabled, admin-utils:2205)', () => {
    const off = set(net(), { ownerCutEnabled: false });
    expect(sub(set(at(off, START + 1), { ownerCutEnabled: true })).params.ownerCutEnabled).toBe(true);
  });

  it('a refused call records nothing', () => {
    const state = net();
    refused(state, { revealPeriodEpochs: 0 }, 'RevealPeriodTooSmall');
    expect(sub(set(state, { revealPeriodEpochs: 2 })).params.revealPeriodEpochs).toBe(2);
  });
});

describe('setHyperparameters: the admin freeze window (utils/misc.rs:59-81)', () => {
  // AdminFreezeWindow 10 (lib.rs:1081): refused while LastEpochBlock + tempo − now < 10
  // (blocks_until_next_auto_epoch, coinbase/run_coinbase.rs:1109).
  it('refuses the last 10 blocks before the epoch: AdminActionProhibitedDuringWeightsWindow', () => {
    const base = net();
    // Last epoch at START, tempo 360: the next at START + 360.
    expect(sub(set(at(base, START + 350, START), { bondsPenalty: 1 })).params.bondsPenalty).toBe(1); // 10 left
    refused(at(base, START + 351, START), { bondsPenalty: 1 }, 'AdminActionProhibitedDuringWeightsWindow'); // 9 left
    refused(at(base, START + 359, START), { ownerCutEnabled: false }, 'AdminActionProhibitedDuringWeightsWindow');
    // Tempo and the activity cutoff factor check their bounds first (tempo_control.rs:15-20, 45-56).
    refused(at(base, START + 355, START), { tempo: 100 }, 'TempoOutOfBounds');
    refused(at(base, START + 355, START), { tempo: 720 }, 'AdminActionProhibitedDuringWeightsWindow');
    refused(at(base, START + 355, START), { activityCutoffFactorMilli: 1 }, 'ActivityCutoffFactorMilliOutOfBounds');
    // A due epoch overdue (deferred) counts as 0 blocks left: frozen.
    refused(at(base, START + 400, START), { bondsPenalty: 1 }, 'AdminActionProhibitedDuringWeightsWindow');
  });

  it('refuses while an epoch is pending (PendingEpochAt > now, misc.rs:64-66)', () => {
    refused(at(net(), START, START, START + 1), { bondsPenalty: 1 }, 'AdminActionProhibitedDuringWeightsWindow');
    expect(sub(set(at(net(), START, START, START), { bondsPenalty: 1 })).params.bondsPenalty).toBe(1);
  });

  it('the rate limit answers before the window for admin-utils calls (ensure_sn_owner_or_root_with_limits first)', () => {
    const first = set(net(), { bondsPenalty: 1 });
    refused(at(first, START + 355, START), { bondsPenalty: 2 }, 'TxRateLimitExceeded');
  });
});

describe('scenario files: the owner’s hyperparameters (subnet_owners[].hyperparameters)', () => {
  const scenario = (owner: string, extra = '') => `
name: owners
seed: 1
duration: 60
${extra}
subnets:
  - name: text
    pool: { tao: 1000, alpha: 1000 }
    validators: [{ count: 1, stake: 100 }]
    miners: { count: 2 }
subnet_owners:
  - { name: first, budget: 3000, max_lock: 1000, from: 10, hyperparameters: ${owner} }
`;
  const problemsOf = (text: string): string[] => {
    try {
      loadScenario(text, 'x.yaml');
    } catch (e) {
      if (e instanceof ScenarioError) return [...e.problems];
      throw e;
    }
    return [];
  };

  it('refuses root-only keys and values outside the owner’s bounds at load, with the chain’s reason', () => {
    expect(problemsOf(scenario('{ kappa: 40000 }'))).toEqual([
      expect.stringMatching(/subnet_owners\[0\]\.hyperparameters\.kappa: kappa is root-only on chain \(sudo_set_kappa/),
    ]);
    expect(problemsOf(scenario('{ tempo: 359 }'))).toEqual([
      expect.stringMatching(/hyperparameters\.tempo: the chain refuses the owner tempo outside \[360, 50400\]/),
    ]);
    expect(problemsOf(scenario('{ bonds_moving_average: 975001 }'))).toHaveLength(1);
    expect(problemsOf(scenario('{ max_allowed_uids: 63 }'))).toHaveLength(1);
    expect(problemsOf(scenario('{ burn_increase_mult: 3.01 }'))).toHaveLength(1);
    expect(problemsOf(scenario('{ min_burn: 1 }'))).toHaveLength(1);
    expect(problemsOf(scenario('{ max_burn: 0.1 }'))).toHaveLength(1);
    // Genesis values and set_subnet events (root) are not the owner's calls: not bound by these.
    expect(problemsOf(scenario('{ tempo: 360 }', 'subnet_defaults: { tempo: 100, kappa: 40000 }'))).toEqual([]);
  });

  it('an owner’s calls go through on its running subnet, and record their block for the rate limit', () => {
    const sim = buildScenario(loadScenario(scenario('{ tempo: 720, immunity_period: 4000 }'), 'x.yaml'));
    const end = runSimulation(sim.genesis, sim.params, sim.agents, sim.blocks, () => {}, sim.events);
    const first = end.subnets.find((s) => s.name === 'first')!;
    expect(first.params).toMatchObject({ tempo: 720, immunityPeriod: 4000 });
    expect(first.ownerRateLimitBlocks.get('TempoUpdate')).toBe(first.lastEpochBlock);
    expect(first.ownerRateLimitBlocks.get('ImmunityPeriod')).toBeGreaterThan(0);
  });
});
