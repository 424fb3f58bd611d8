import type { SparseRowU16 } from '../consensus/types.ts';
import { persistChildren } from './childkeys.ts';
import { MAX_ROOT_VALIDATORS } from './ops/rootRegister.ts';
import { addStakeWithShares, EMPTY_STAKE } from './sharePool.ts';
import {
  type ChainParams,
  type ChainState,
  type ChildkeyState,
  EMPTY_CHILDKEYS,
  EMPTY_ROOT,
  type HotkeyInfo,
  type HotkeyStake,
  type RootRegistrations,
  type SubnetParams,
  type SubnetState,
} from './state.ts';

/** Subnet hyperparameters a new subnet gets (`subnets/subnet.rs::init_new_network` over the runtime defaults). */
export const DEFAULT_SUBNET_PARAMS: SubnetParams = {
  tempo: 360,
  kappa: 32767,
  bondsMovingAverage: 900_000,
  bondsPenalty: 65535,
  maxAllowedValidators: 64,
  maxAllowedUids: 256,
  yuma3Enabled: true,
  commitRevealEnabled: true,
  revealPeriodEpochs: 1,
  weightsSetRateLimit: 100,
  liquidAlphaEnabled: false,
  alphaLow: 45875,
  alphaHigh: 58982,
  alphaSigmoidSteepness: 1000,
  activityCutoffFactorMilli: 13_889,
  immunityPeriod: 5000,
  ownerCutEnabled: true,
  ownerIncentive: 'burn',
  emissionEnabled: true,
  registrationAllowed: true,
  burnHalfLife: 360,
  burnIncreaseMultU64F64: 23_242_897_532_874_035_200n,
  minBurnRao: 500_000n,
  maxBurnRao: 100_000_000_000n,
  minNonImmuneUids: 10,
  maxRegistrationsPerBlock: 1,
  minChildkeyTakeU16: 0,
};

/** `DefaultNeuronBurnCost`: a new subnet's first registration price, 1 TAO. */
export const DEFAULT_NEURON_BURN_RAO = 1_000_000_000n;

/** Network parameters at subtensor 14bc6f9f (runtime defaults). */
export const DEFAULT_CHAIN_PARAMS: ChainParams = {
  taoWeightU64: 971_718_665_099_567_868n,
  ownerCutU16: 11_796,
  feeRateU16: 33,
  maxEpochsPerBlock: 2,
  halving: { kind: 'issuance' },
  shareRule: 'priceEmaUnburned',
  epochSchedule: 'scheduler',
  consensusMode: 'fixed',
  authorColdkey: 'author',
  slashing: null,
  bootstrap: 'none',
  stakeThresholdRao: 0n,
  rootClaim: { every: 7200, type: 'swap' },
  subnetLimit: 128,
  minLockRao: 1_000_000_000_000n,
  lockReductionInterval: 57_600,
  networkImmunityPeriod: 864_000,
  networkRateLimit: 28_800,
  newSubnetEmissionEnabled: false,
};

export interface NeuronSpec {
  readonly hotkey: string;
  readonly coldkey: string;
  /** Alpha the hotkey's owner has staked on it at genesis. */
  readonly stakeAlphaRao?: bigint;
  readonly takeU16?: number;
}

export interface SubnetSpec {
  readonly netuid: number;
  readonly name: string;
  readonly ownerColdkey: string;
  readonly ownerHotkey: string;
  readonly poolTaoRao: bigint;
  readonly poolAlphaRao: bigint;
  readonly neurons: readonly NeuronSpec[];
  readonly params?: Partial<SubnetParams>;
  /**
   * `SubnetMovingPrice` at genesis: 'spot' (default) = min(spot price, 1), as on a network that has run for months;
   * 'zero' = a subnet just created (its EMA then ramps up from 0 and it earns no share for a while, as on chain).
   */
  readonly movingPrice?: 'spot' | 'zero' | number;
  /** Block emissions start (start_call); null = not started. Default: the subnet's registration block. */
  readonly firstEmissionBlock?: number | null;
  /**
   * `NetworkRegisteredAt`, and the registration block of its neurons (`BlockAtRegistration`): default the genesis
   * block (just registered); an earlier block for a subnet that existed long before (past its immunity, its moving
   * price's EMA at full rate).
   */
  readonly registeredAt?: number;
  /**
   * `SubnetMechanism`: 'dynamic' (1, default: a dTAO pool) or 'stable' (0: price 1, 1:1 swaps without fee, moving
   * price 1 — root's mechanism, and how every subnet's stake worked before dTAO).
   */
  readonly mechanism?: 'dynamic' | 'stable';
  /**
   * Child hotkeys in place at genesis (`ChildKeys` / `ParentKeys` as `persist_child_parent_relations` writes them),
   * in this order; a parent that is no neuron here is added to the hotkeys with `parentColdkey` as its owner.
   */
  readonly childkeys?: readonly GenesisChildkey[];
}

export interface GenesisChildkey {
  readonly parent: string;
  readonly parentColdkey: string;
  /** Alpha the parent's owner holds on the parent on this subnet at genesis (the parent need not be a neuron). */
  readonly parentStakeAlphaRao?: bigint;
  readonly child: string;
  /** u64; u64::MAX = all of the parent's stake. */
  readonly proportion: bigint;
  /** The child's `ChildkeyTake` on this subnet, u16 (≤ 11 796). */
  readonly childTakeU16?: number;
}

export interface GenesisSpec {
  readonly block?: number;
  readonly balances?: ReadonlyMap<string, bigint>;
  readonly rootStakes?: readonly { readonly hotkey: string; readonly coldkey: string; readonly taoRao: bigint }[];
  readonly subnets: readonly SubnetSpec[];
  /**
   * The hotkeys registered on root (`Keys[ROOT]`) in uid order, at most 64, each a hotkey known from the subnets or
   * the root stakes. Default: the root stakers (see `genesisRootValidators`).
   */
  readonly rootValidators?: readonly string[];
  /** Root validators that have opted out of auto parent delegation (`AutoParentDelegationEnabled = false`). */
  readonly autoParentDelegationDisabled?: readonly string[];
  /**
   * Total issuance to start from. Whatever the balances, root stake and pools do not hold is put in the balance of
   * the coldkey `unallocated`, so that every rao of issuance is somewhere. Default: exactly what they hold.
   */
  readonly issuanceRao?: bigint;
}

/** min(tao/alpha, 1) as I96F32 bits. */
function spotCappedI96F32(taoRao: bigint, alphaRao: bigint): bigint {
  if (alphaRao === 0n) return 0n;
  const price = (taoRao << 32n) / alphaRao;
  return price < 1n << 32n ? price : 1n << 32n;
}

const emptyRow: SparseRowU16 = { cols: new Uint16Array(0), vals: new Uint16Array(0) };

export function subnetAt(spec: SubnetSpec, block: number): SubnetState {
  const params = { ...DEFAULT_SUBNET_PARAMS, ...spec.params };
  const n = spec.neurons.length;
  if (n > params.maxAllowedUids) throw new RangeError(`subnet ${spec.netuid}: ${n} neurons > max_allowed_uids`);
  let stakes = new Map<string, HotkeyStake>();
  let staked = 0n;
  for (const neuron of spec.neurons) {
    const amount = neuron.stakeAlphaRao ?? 0n;
    if (amount > 0n) {
      stakes.set(neuron.hotkey, addStakeWithShares(stakes.get(neuron.hotkey) ?? EMPTY_STAKE, neuron.coldkey, amount));
      staked += amount;
    }
  }
  let childkeys: ChildkeyState = EMPTY_CHILDKEYS;
  for (const c of spec.childkeys ?? []) {
    const amount = c.parentStakeAlphaRao ?? 0n;
    if (amount > 0n) {
      stakes.set(c.parent, addStakeWithShares(stakes.get(c.parent) ?? EMPTY_STAKE, c.parentColdkey, amount));
      staked += amount;
    }
    const children = [...(childkeys.children.get(c.parent) ?? []), { proportion: c.proportion, hotkey: c.child }];
    const next = persistChildren(childkeys, c.parent, children);
    if (!next) throw new RangeError(`subnet ${spec.netuid}: childkey ${c.parent} → ${c.child} breaks the relations`);
    childkeys = next;
    if (c.childTakeU16 !== undefined)
      childkeys = { ...childkeys, takeU16: new Map([...childkeys.takeU16, [c.child, c.childTakeU16]]) };
  }
  stakes = new Map([...stakes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    netuid: spec.netuid,
    name: spec.name,
    ownerColdkey: spec.ownerColdkey,
    ownerHotkey: spec.ownerHotkey,
    registeredAt: spec.registeredAt ?? block,
    params,
    pool: {
      // A stable subnet's stake is TAO held 1:1 by the subnet, so its reserve holds the stake given at genesis too.
      taoRao: spec.poolTaoRao + (spec.mechanism === 'stable' ? staked : 0n),
      alphaInRao: spec.poolAlphaRao,
      alphaOutRao: staked,
      ...(spec.mechanism === 'stable' && { stable: true }),
    },
    protocolAlphaRao: 0n,
    burnedAlphaRao: 0n,
    dustAlphaRao: 0n,
    movingPriceI96F32:
      spec.mechanism === 'stable'
        ? 1n << 32n // get_moving_alpha_price is 1 for a stable subnet
        : spec.movingPrice === 'zero'
          ? 0n
          : typeof spec.movingPrice === 'number'
            ? BigInt(Math.round(spec.movingPrice * 2 ** 32))
            : spotCappedI96F32(spec.poolTaoRao, spec.poolAlphaRao),
    firstEmissionBlock: spec.firstEmissionBlock === undefined ? (spec.registeredAt ?? block) : spec.firstEmissionBlock,
    pending: { serverRao: 0n, validatorRao: 0n, rootAlphaRao: 0n, ownerCutRao: 0n },
    // init_new_network staggers epochs: LastEpochBlock = now - (netuid % tempo).
    lastEpochBlock: Math.max(0, block - (spec.netuid % Math.max(1, params.tempo))),
    pendingEpochAt: 0,
    lastStepBlock: block,
    lastMechanismStepBlock: 0,
    epochIndex: 0,
    weightCommits: [],
    minerBurnedU96F32: 0n,
    burnRao: DEFAULT_NEURON_BURN_RAO,
    registrationsThisBlock: 0,
    neurons: {
      hotkeys: spec.neurons.map((x) => x.hotkey),
      registeredAt: spec.neurons.map(() => spec.registeredAt ?? block),
      lastUpdate: spec.neurons.map(() => block),
      weights: spec.neurons.map(() => emptyRow),
      bonds: spec.neurons.map(() => emptyRow),
      validatorPermits: new Uint8Array(n),
      emissionRao: new BigUint64Array(n),
      incentive: new Uint16Array(n),
      dividends: new Uint16Array(n),
      consensus: new Uint16Array(n),
    },
    stakes,
    rootClaimableRao: new Map(),
    ownerRateLimitBlocks: new Map(),
    childkeys,
  };
}

/**
 * Who is registered on root at genesis, by default: every hotkey with root stake, in the order the root stakes list
 * them, up to `MaxAllowedUids[ROOT]` (64). With more, the 64 with the most root stake (the earlier listed on ties)
 * keep the seats, still in list order: the chain registers on root one hotkey at a time (`do_root_register`, free
 * while root has room) and, once root is full, lets a hotkey in only in place of the root validator with the least
 * root stake and only with more (`StakeTooLowForRoot`) — so a staker left out can always take the seat of one with
 * less, and the 64 largest is where that ends. The chain has no root registrations at its own genesis
 * (macros/genesis.rs:51 `SubnetworkN[ROOT] = 0`); this stands for a chain whose root stakers have all registered.
 */
export function genesisRootValidators(rootStakes: ReadonlyMap<string, HotkeyStake>): string[] {
  const listed = [...rootStakes.keys()];
  if (listed.length <= MAX_ROOT_VALIDATORS) return listed;
  const stake = (h: string): bigint => rootStakes.get(h)!.valueRao;
  const rank = listed
    .map((h, i) => ({ h, i }))
    .sort((a, b) => (stake(a.h) > stake(b.h) ? -1 : stake(a.h) < stake(b.h) ? 1 : a.i - b.i));
  const kept = new Set(rank.slice(0, MAX_ROOT_VALIDATORS).map((x) => x.h));
  return listed.filter((h) => kept.has(h));
}

function genesisRoot(
  spec: GenesisSpec,
  block: number,
  rootStakes: ReadonlyMap<string, HotkeyStake>,
  hotkeys: ReadonlyMap<string, HotkeyInfo>,
): RootRegistrations {
  const validators = spec.rootValidators ? [...spec.rootValidators] : genesisRootValidators(rootStakes);
  if (validators.length > MAX_ROOT_VALIDATORS)
    throw new RangeError(`genesis: ${validators.length} root validators > ${MAX_ROOT_VALIDATORS}`);
  if (new Set(validators).size !== validators.length) throw new RangeError('genesis: a root validator listed twice');
  for (const h of validators)
    if (!hotkeys.has(h)) throw new RangeError(`genesis: root validator ${h} is no known hotkey`);
  const optedOut = spec.autoParentDelegationDisabled ?? [];
  for (const h of optedOut)
    if (!validators.includes(h))
      throw new RangeError(`genesis: ${h} opts out of auto parent delegation but is not on root`);
  if (validators.length === 0 && optedOut.length === 0) return EMPTY_ROOT;
  return {
    ...EMPTY_ROOT,
    hotkeys: validators,
    registeredAt: validators.map(() => block),
    autoParentDelegation: new Map(optedOut.map((h) => [h, false])),
  };
}

/** A genesis the spec cannot give (a scenario's values that contradict each other), naming the scenario field. */
export class GenesisError extends RangeError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'GenesisError';
  }
}

/** A consistent chain state to start a run from: every rao of issuance is held somewhere. */
export function genesisState(spec: GenesisSpec): ChainState {
  const block = spec.block ?? 0;
  const subnets = [...spec.subnets].sort((a, b) => a.netuid - b.netuid).map((s) => subnetAt(s, block));
  const hotkeys = new Map<string, HotkeyInfo>();
  for (const s of spec.subnets) {
    hotkeys.set(s.ownerHotkey, { owner: s.ownerColdkey, takeU16: 11_796 });
    for (const n of s.neurons) hotkeys.set(n.hotkey, { owner: n.coldkey, takeU16: n.takeU16 ?? 11_796 });
    for (const c of s.childkeys ?? [])
      if (!hotkeys.has(c.parent)) hotkeys.set(c.parent, { owner: c.parentColdkey, takeU16: 11_796 });
  }
  const rootStakes = new Map<string, HotkeyStake>();
  let rootTaoRao = 0n;
  for (const r of spec.rootStakes ?? []) {
    rootStakes.set(r.hotkey, addStakeWithShares(rootStakes.get(r.hotkey) ?? EMPTY_STAKE, r.coldkey, r.taoRao));
    if (!hotkeys.has(r.hotkey)) hotkeys.set(r.hotkey, { owner: r.coldkey, takeU16: 11_796 });
    rootTaoRao += r.taoRao;
  }
  const root = genesisRoot(spec, block, rootStakes, hotkeys);
  const balances = new Map(spec.balances ?? []);
  const held =
    [...balances.values()].reduce((a, b) => a + b, 0n) + rootTaoRao + subnets.reduce((a, s) => a + s.pool.taoRao, 0n);
  const issuanceRao = spec.issuanceRao ?? held;
  if (issuanceRao < held) {
    throw new GenesisError(
      'chain.issuance',
      `${Number(issuanceRao) / 1e9} TAO is below the ${Number(held) / 1e9} TAO the scenario's balances, pools and stakes hold`,
    );
  }
  if (issuanceRao > held) balances.set('unallocated', (balances.get('unallocated') ?? 0n) + issuanceRao - held);
  return {
    block,
    issuanceRao,
    burnedRao: 0n,
    recycledRao: 0n,
    balances,
    hotkeys: new Map([...hotkeys].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    rootStakes,
    rootTaoRao,
    root,
    subnets,
    lastLockRao: 0n,
    lastLockBlock: 0,
    taoInRefundDeploymentBlock: block,
  };
}
