import { delegatorAgent } from '../agents/delegator.ts';
import { demandAgent } from '../agents/demand.ts';
import { minerEntrant } from '../agents/minerEntrant.ts';
import { MinerRegistry } from '../agents/minerRegistry.ts';
import { minerSeller } from '../agents/minerSeller.ts';
import { subnetOwnerAgent } from '../agents/subnetOwner.ts';
import type { Agent } from '../agents/types.ts';
import { validatorAgent } from '../agents/validator.ts';
import { DEFAULT_CHAIN_PARAMS, type GenesisChildkey, genesisState, type SubnetSpec } from '../economy/genesis.ts';
import type { ChainParams, ChainState, SubnetParams } from '../economy/state.ts';
import { copyNames, durationBlocks, type HyperparametersFile, type ScenarioFile } from '../io/scenarioSchema.ts';
import type { ChainEvent } from './events.ts';
import { normal, rngFor } from './rng.ts';

/** Everything a run needs, built from a validated scenario: pure, no I/O. */
export interface Simulation {
  readonly name: string;
  readonly seed: number;
  readonly startMs: number;
  readonly blocks: number;
  readonly sampleEvery: number;
  readonly genesis: ChainState;
  readonly params: ChainParams;
  readonly agents: readonly Agent[];
  /** Hotkeys of adversarial agents (cabal validators and miners, lazy weight copiers). */
  readonly adversarial: ReadonlySet<string>;
  /** The timeline, as [block, event] in block order. */
  readonly events: readonly (readonly [number, ChainEvent])[];
  /** Each miner's latent quality at the start (hotkey → quality), for analysis and tests. */
  readonly minerQuality: ReadonlyMap<string, number>;
  /** What each agent is, for per-agent output: kind, and the subnet of a validator (null for a delegator). */
  readonly agentInfo: ReadonlyMap<string, { readonly kind: string; readonly netuid: number | null }>;
}

const rao = (tao: number): bigint => BigInt(Math.round(tao * 1e9));
const u16 = (fraction: number): number => Math.round(fraction * 65535);
const U64_MAX = (1n << 64n) - 1n;
/** A childkey proportion as u64 (1 = u64::MAX). */
const proportionU64 = (fraction: number): bigint => {
  const p = BigInt(Math.round(fraction * 2 ** 32)) << 32n;
  return p > U64_MAX ? U64_MAX : p;
};

function subnetParams(h: HyperparametersFile): Partial<SubnetParams> {
  const p: Record<string, unknown> = {
    tempo: h.tempo,
    kappa: h.kappa,
    bondsMovingAverage: h.bonds_moving_average,
    bondsPenalty: h.bonds_penalty,
    maxAllowedValidators: h.max_allowed_validators,
    maxAllowedUids: h.max_allowed_uids,
    yuma3Enabled: h.yuma3_enabled,
    commitRevealEnabled: h.commit_reveal,
    revealPeriodEpochs: h.reveal_period,
    weightsSetRateLimit: h.weights_rate_limit,
    liquidAlphaEnabled: h.liquid_alpha_enabled,
    alphaLow: h.alpha_low,
    minChildkeyTakeU16: h.min_childkey_take,
    alphaHigh: h.alpha_high,
    alphaSigmoidSteepness: h.alpha_sigmoid_steepness,
    activityCutoffFactorMilli: h.activity_cutoff_factor_milli,
    immunityPeriod: h.immunity_period,
    ownerCutEnabled: h.owner_cut_enabled,
    ownerIncentive: h.owner_incentive,
    registrationAllowed: h.registration_allowed,
    emissionEnabled: h.emission_enabled,
    maxRegistrationsPerBlock: h.max_registrations_per_block,
    minNonImmuneUids: h.min_non_immune_uids,
    burnHalfLife: h.burn_half_life,
    // The double's exact value in U64F64 (x·2^52 is an integer for 1 ≤ x < 2^53), as the chain's from_num(1.26).
    burnIncreaseMultU64F64:
      h.burn_increase_mult === undefined ? undefined : BigInt(h.burn_increase_mult * 2 ** 52) << 12n,
    minBurnRao: h.min_burn === undefined ? undefined : rao(h.min_burn),
    maxBurnRao: h.max_burn === undefined ? undefined : rao(h.max_burn),
  };
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as Partial<SubnetParams>;
}

function chainParams(s: ScenarioFile): ChainParams {
  const c = s.chain;
  return {
    ...DEFAULT_CHAIN_PARAMS,
    consensusMode: c.consensus_mode ?? 'fixed',
    ...(c.tao_weight !== undefined && { taoWeightU64: BigInt(Math.round(c.tao_weight * 2 ** 32)) << 32n }),
    ...(c.owner_cut !== undefined && { ownerCutU16: u16(c.owner_cut) }),
    ...(c.max_epochs_per_block !== undefined && { maxEpochsPerBlock: c.max_epochs_per_block }),
    ...(c.halving !== undefined && {
      halving:
        c.halving === 'issuance'
          ? { kind: 'issuance' }
          : { kind: 'calendar', intervalBlocks: c.halving.calendar_blocks },
    }),
    ...(c.share_rule !== undefined && { shareRule: c.share_rule === 'price_ema' ? 'priceEma' : 'priceEmaUnburned' }),
    ...(c.fee_rate !== undefined && { feeRateU16: u16(c.fee_rate) }),
    ...(c.subnet_limit !== undefined && { subnetLimit: c.subnet_limit }),
    ...(c.min_lock !== undefined && { minLockRao: rao(c.min_lock) }),
    ...(c.lock_reduction_interval !== undefined && { lockReductionInterval: c.lock_reduction_interval }),
    ...(c.network_immunity_period !== undefined && { networkImmunityPeriod: c.network_immunity_period }),
    ...(c.network_rate_limit !== undefined && { networkRateLimit: c.network_rate_limit }),
    ...(c.new_subnets_emit !== undefined && { newSubnetEmissionEnabled: c.new_subnets_emit }),
    ...(c.slashing !== undefined && {
      slashing: {
        fractionPpm: Math.round(c.slashing.fraction * 1_000_000),
        offlineBlocks: c.slashing.offline_blocks,
        destination: c.slashing.destination,
      },
    }),
    ...(c.root_claim !== undefined && {
      rootClaim:
        c.root_claim === 'none' ? null : { every: durationBlocks(c.root_claim.every), type: c.root_claim.type },
    }),
    ...(c.stake_threshold !== undefined && { stakeThresholdRao: rao(c.stake_threshold) }),
    ...(c.bootstrap !== undefined && { bootstrap: c.bootstrap === 'equal_stake' ? 'equalStake' : 'none' }),
    ...(c.epoch_schedule !== undefined && {
      epochSchedule: c.epoch_schedule === 'legacy_modulo' ? 'legacyModulo' : 'scheduler',
    }),
  };
}

/** Build the genesis state, parameters and agents of a scenario. Hotkeys: `<subnet>-v<k>`, `<subnet>-m<k>`. */
export function buildScenario(file: ScenarioFile): Simulation {
  const s = expandCopies(file);
  const block = (d: number | string): number => durationBlocks(d as ScenarioFile['duration']);
  const agents: Agent[] = [];
  const adversarial = new Set<string>();
  const minerQuality = new Map<string, number>();
  const agentInfo = new Map<string, { kind: string; netuid: number | null }>();
  const demandBudgets = new Map<string, bigint>();
  const rootStakes: { hotkey: string; coldkey: string; taoRao: bigint }[] = [];
  const subnets: SubnetSpec[] = s.subnets.map((sub, k) => {
    const netuid = k + 1;
    const params = { ...subnetParams(s.subnet_defaults), ...subnetParams(sub.hyperparameters ?? {}) };
    const tempo = params.tempo ?? 360;
    const owner = `${sub.name}-owner`;
    const neurons: SubnetSpec['neurons'][number][] = [{ hotkey: owner, coldkey: `${owner}-cold` }];
    const childkeys: GenesisChildkey[] = [];
    const validators: { hotkey: string; group: ScenarioFile['subnets'][number]['validators'][number] }[] = [];
    const groupIndex = new Map<string, number>();
    sub.validators.forEach((group, g) => {
      for (let i = 0; i < group.count; i++) {
        const hotkey = `${sub.name}-v${g}.${i}`;
        neurons.push({ hotkey, coldkey: `${hotkey}-cold`, stakeAlphaRao: rao(group.stake), takeU16: u16(group.take) });
        if (group.root_stake > 0) rootStakes.push({ hotkey, coldkey: `${hotkey}-cold`, taoRao: rao(group.root_stake) });
        if (group.parent) {
          const parent = `${hotkey}-parent`;
          const parentColdkey = `${parent}-cold`;
          if (group.parent.root_stake > 0)
            rootStakes.push({ hotkey: parent, coldkey: parentColdkey, taoRao: rao(group.parent.root_stake) });
          childkeys.push({
            parent,
            parentColdkey,
            parentStakeAlphaRao: rao(group.parent.stake),
            child: hotkey,
            proportion: proportionU64(group.parent.proportion),
            childTakeU16: u16(group.parent.take),
          });
        }
        validators.push({ hotkey, group });
        groupIndex.set(hotkey, g);
        if (group.kind !== 'honest') adversarial.add(hotkey);
      }
    });
    const registry = new MinerRegistry();
    (Array.isArray(sub.miners) ? sub.miners : [sub.miners]).forEach((group, g) => {
      for (let i = 0; i < group.count; i++) {
        const hotkey = g === 0 ? `${sub.name}-m${i}` : `${sub.name}-m${g}.${i}`;
        const uid = neurons.length;
        neurons.push({ hotkey, coldkey: `${hotkey}-cold` });
        const q = group.quality_mean + group.quality_sd * normal(rngFor(s.seed, 'quality', netuid, uid));
        registry.add(hotkey, {
          base: Math.min(1, Math.max(1e-6, q)),
          amplitude: group.drift?.amplitude ?? 0,
          period: group.drift ? block(group.drift.period) : 1,
          phase: group.drift ? rngFor(s.seed, 'phase', netuid, uid)() : 0,
          cabal: group.cabal,
          quit: false,
        });
        minerQuality.set(hotkey, registry.quality(hotkey, 0));
        if (group.cabal) adversarial.add(hotkey);
      }
      if (group.sell_every !== undefined) {
        const id = `${sub.name}-sellers${g}`;
        const hotkeys = neurons.slice(neurons.length - group.count).map((n) => [n.hotkey, n.coldkey] as const);
        agents.push(minerSeller({ id, netuid, miners: hotkeys, every: block(group.sell_every) }));
        agentInfo.set(id, { kind: 'sellers', netuid });
      }
      if (group.entry) {
        const coldkey = `${sub.name}-entrant${g}`;
        demandBudgets.set(coldkey, rao(group.entry.budget));
        agentInfo.set(coldkey, { kind: 'entrant', netuid: null });
        agents.push(
          minerEntrant({
            netuid,
            name: `${sub.name}-g${g}`,
            coldkey,
            miners: registry,
            every: block(group.entry.every),
            costPerDayRao: rao(group.entry.cost_per_day),
            horizonDays: group.entry.horizon_days,
            patience: group.entry.patience,
            qualityMean: group.quality_mean,
            qualitySd: group.quality_sd,
            seed: s.seed,
            ...(sub.demand && {
              offChainPerDayRao: rao(sub.demand.tao_per_day * (1 - sub.demand.on_chain_share)),
            }),
          }),
        );
      }
    });
    for (const { hotkey, group } of validators) {
      agentInfo.set(hotkey, { kind: group.kind, netuid });
      agents.push(
        validatorAgent({
          hotkey,
          netuid,
          kind: group.kind,
          every: tempo,
          offset: Math.floor(rngFor(s.seed, 'offset', hotkey)() * tempo),
          miners: registry,
          noise: group.noise,
          seed: s.seed,
          offline: group.offline.map((w) => [block(w.from), block(w.to)] as const),
          kindChanges: s.events.flatMap((e) =>
            e.validators_become &&
            e.validators_become.subnet === sub.name &&
            e.validators_become.group === groupIndex.get(hotkey)
              ? [[eventBlock(s, e.at), e.validators_become.kind] as const]
              : [],
          ),
        }),
      );
    }
    if (sub.demand) {
      const buyers = `${sub.name}-buyers`;
      const perDay = rao(sub.demand.tao_per_day);
      // The buyers' on-chain TAO must exist (it is in the books); the off-chain part is paid outside the chain.
      const onChainPerDay = rao(sub.demand.tao_per_day * sub.demand.on_chain_share);
      demandBudgets.set(buyers, onChainPerDay * BigInt(Math.ceil(durationBlocks(s.duration) / 7200) + 1));
      agents.push(
        demandAgent({
          netuid,
          buyers,
          ownerHotkey: owner,
          taoRao: perDay,
          onChainShare: sub.demand.on_chain_share,
          every: 7200,
        }),
      );
      agentInfo.set(buyers, { kind: 'demand', netuid: null });
    }
    return {
      netuid,
      name: sub.name,
      ownerColdkey: `${owner}-cold`,
      ownerHotkey: owner,
      poolTaoRao: rao(sub.pool.tao),
      poolAlphaRao: rao(sub.pool.alpha),
      mechanism: sub.mechanism,
      registeredAt: sub.age === 0 ? 0 : -durationBlocks(sub.age),
      ...(childkeys.length > 0 && { childkeys }),
      ...(sub.pool.moving_price !== undefined && { movingPrice: sub.pool.moving_price }),
      neurons,
      params,
    };
  });
  const validatorKeys = subnets.flatMap((sub) =>
    sub.neurons
      .filter((n) => n.stakeAlphaRao !== undefined && n.stakeAlphaRao > 0n)
      .map((n) => [sub.netuid, n.hotkey] as const),
  );
  const balances = new Map<string, bigint>(demandBudgets);
  s.delegators.forEach((group, g) => {
    for (let i = 0; i < group.count; i++) {
      const coldkey = `d${g}.${i}`;
      balances.set(coldkey, rao(group.tao));
      agentInfo.set(coldkey, { kind: group.kind, netuid: null });
      agents.push(
        delegatorAgent({
          coldkey,
          kind: group.kind,
          taoRao: rao(group.tao),
          every: block(group.every),
          validators: validatorKeys,
          seed: s.seed,
        }),
      );
    }
  });
  for (const owner of s.subnet_owners) {
    const coldkey = `${owner.name}-founder`;
    balances.set(coldkey, rao(owner.budget));
    agentInfo.set(coldkey, { kind: 'subnet owner', netuid: null });
    agents.push(
      subnetOwnerAgent({
        coldkey,
        name: owner.name,
        maxLockRao: rao(owner.max_lock),
        from: block(owner.from),
        params: chainParams(s),
        ...(owner.hyperparameters !== undefined && { hyperparameters: subnetParams(owner.hyperparameters) }),
      }),
    );
  }
  const genesis = genesisState({
    subnets,
    rootStakes,
    balances,
    ...(s.chain.issuance !== undefined && { issuanceRao: rao(s.chain.issuance) }),
  });
  return {
    name: s.name,
    seed: s.seed,
    startMs: Date.parse(s.start),
    blocks: durationBlocks(s.duration),
    sampleEvery: s.sample_every ?? genesis.subnets[0]?.params.tempo ?? 360,
    genesis,
    params: chainParams(s),
    agents: agents.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    adversarial,
    minerQuality,
    agentInfo,
    events: scenarioEvents(s),
  };
}

/** The scenario's timeline as engine events (validator kind changes are handled by the agents themselves). */
/** An event's block: an ISO date counts 12-second blocks from the scenario's start; anything else is an offset. */
export function eventBlock(s: ScenarioFile, at: number | string): number {
  return typeof at === 'string' && at.includes('T')
    ? Math.round((Date.parse(at) - Date.parse(s.start)) / 12_000)
    : durationBlocks(at as ScenarioFile['duration']);
}

function scenarioEvents(s: ScenarioFile): [number, ChainEvent][] {
  const block = (at: number | string): number => eventBlock(s, at);
  const netuid = (name: string): number => s.subnets.findIndex((x) => x.name === name) + 1;
  const out: [number, ChainEvent][] = [];
  for (const e of s.events) {
    const at = block(e.at);
    if (e.tao_weight !== undefined)
      out.push([at, { kind: 'setTaoWeight', taoWeightU64: BigInt(Math.round(e.tao_weight * 2 ** 32)) << 32n }]);
    if (e.stake_shock)
      out.push([
        at,
        {
          kind: 'stakeShock',
          netuid: netuid(e.stake_shock.subnet),
          fractionPpm: Math.round(e.stake_shock.fraction * 1e6),
        },
      ]);
    if (e.dissolve_subnet) out.push([at, { kind: 'dissolveSubnet', netuid: netuid(e.dissolve_subnet) }]);
    if (e.set_subnet) {
      const name = e.set_subnet.subnet;
      // A subnet_owners' subnet (not one from the start): found at the event by its founder and name.
      const founder = netuid(name) === 0 ? { registeredBy: { coldkey: `${name}-founder`, name } } : {};
      for (const [key, value] of Object.entries(subnetParams(e.set_subnet.hyperparameters))) {
        out.push([
          at,
          {
            kind: 'setSubnetParam',
            netuid: netuid(name),
            ...founder,
            key: key as keyof SubnetParams,
            value: value as number | boolean,
          },
        ]);
      }
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** Subnets with `copies: N` become N subnets named <name>1 … <name>N, their pools spread log-normally. */
function expandCopies(s: ScenarioFile): ScenarioFile {
  const subnets = s.subnets.flatMap((sub) => {
    if (sub.copies === 1) return [sub];
    return copyNames(sub).map((name, k) => {
      const spread = (what: string) => Math.exp(sub.pool.spread * normal(rngFor(s.seed, 'pool', what, sub.name, k)));
      const pool = { ...sub.pool, tao: sub.pool.tao * spread('tao'), alpha: sub.pool.alpha * spread('alpha') };
      return { ...sub, copies: 1, name, pool };
    });
  });
  return { ...s, subnets };
}
