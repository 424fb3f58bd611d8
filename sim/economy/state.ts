import type { SparseMatrixU16 } from '../consensus/types.ts';
import type { SubnetPool } from './pool.ts';
import type { SlashingRule } from './slashing.ts';

/**
 * The chain at a block: everything the economy needs, as plain immutable data. Transitions return new objects and
 * share what they did not change. Amounts are rao (1 TAO = 10^9 rao; alpha also has 9 decimals) as bigint.
 * Field names follow subtensor's storage items where there is one.
 */

/** A share pool: stake on one hotkey in one subnet (`TotalHotkeyAlpha`, `TotalHotkeyShares`, `Alpha`). */
export interface HotkeyStake {
  /** Value of the pool: alpha (or TAO on root) owned by all of the hotkey's stakers together. */
  readonly valueRao: bigint;
  /** Shares per coldkey; a coldkey's stake is valueRao · shares / totalShares. */
  readonly shares: ReadonlyMap<string, bigint>;
  readonly totalShares: bigint;
}

/** Per-uid neuron data of one subnet, index = uid. */
export interface NeuronTable {
  readonly hotkeys: readonly string[];
  readonly registeredAt: readonly number[];
  /** Block of the last weight set (`LastUpdate`); registration sets it too. */
  readonly lastUpdate: readonly number[];
  readonly weights: SparseMatrixU16;
  readonly bonds: SparseMatrixU16;
  readonly validatorPermits: Uint8Array;
  /** Last epoch's outputs, kept for pruning and for agents that read the chain. */
  readonly emissionRao: BigUint64Array;
  readonly incentive: Uint16Array;
  readonly dividends: Uint16Array;
  readonly consensus: Uint16Array;
}

/** Subnet hyperparameters (storage units). Consensus ones feed the epoch kernel unchanged. */
export interface SubnetParams {
  readonly tempo: number;
  readonly kappa: number;
  readonly bondsMovingAverage: number;
  readonly bondsPenalty: number;
  readonly maxAllowedValidators: number;
  readonly maxAllowedUids: number;
  readonly yuma3Enabled: boolean;
  /**
   * `CommitRevealWeightsEnabled` (chain default true) and `RevealPeriodEpochs` (default 1): weights are committed
   * and revealed — stored, LastUpdate set — at the subnet's epoch `revealPeriodEpochs` epochs later (README
   * "Commit-reveal"). Off, a weights set takes effect at once.
   */
  readonly commitRevealEnabled: boolean;
  readonly revealPeriodEpochs: number;
  /**
   * `WeightsSetRateLimit` (default 100 blocks): a uid sets (or, under commit-reveal, commits) weights at most once per
   * this many blocks, counted from its LastUpdate (which registration sets too; 0 counts as never).
   */
  readonly weightsSetRateLimit: number;
  readonly liquidAlphaEnabled: boolean;
  readonly alphaLow: number;
  readonly alphaHigh: number;
  readonly alphaSigmoidSteepness: number;
  readonly activityCutoffFactorMilli: number;
  readonly immunityPeriod: number;
  /** `SubnetOwnerCut` applies (`get_owner_cut_enabled`). */
  readonly ownerCutEnabled: boolean;
  /** What happens to miner incentive paid to the owner's own hotkeys (`RecycleOrBurn`, default burn). */
  readonly ownerIncentive: 'burn' | 'recycle';
  /** `SubnetEmissionEnabled`: false gives the subnet no TAO-side share (alpha is still minted). */
  readonly emissionEnabled: boolean;
  readonly registrationAllowed: boolean;
  /** Registration price: halves every `burnHalfLife` blocks, × `burnIncreaseMult` per registration. */
  readonly burnHalfLife: number;
  /** `BurnIncreaseMult` as U64F64 bits (1.26 = 23242897532874035200). */
  readonly burnIncreaseMultU64F64: bigint;
  readonly minBurnRao: bigint;
  readonly maxBurnRao: bigint;
  /** Pruning prefers a non-immune uid only while more than this many are non-immune. */
  readonly minNonImmuneUids: number;
  readonly maxRegistrationsPerBlock: number;
  /**
   * `MinChildkeyTakePerSubnet` (u16/65535, default 0; the owner may raise it up to `MaxChildkeyTake`): every child
   * hotkey's take on this subnet is at least this (`get_effective_min_childkey_take`).
   */
  readonly minChildkeyTakeU16: number;
}

export interface PendingEmission {
  readonly serverRao: bigint;
  readonly validatorRao: bigint;
  readonly rootAlphaRao: bigint;
  readonly ownerCutRao: bigint;
}

export interface SubnetState {
  readonly netuid: number;
  readonly name: string;
  readonly ownerColdkey: string;
  readonly ownerHotkey: string;
  readonly registeredAt: number;
  readonly params: SubnetParams;
  readonly pool: SubnetPool;
  /** `SubnetProtocolAlpha`: alpha bought by chain buys, held by the protocol. */
  readonly protocolAlphaRao: bigint;
  /** Alpha burned (`burn_subnet_alpha`): still counted in AlphaOut, owned by nobody. */
  readonly burnedAlphaRao: bigint;
  /** Alpha minted into AlphaOut that rounding left unassigned (floors of the emission split and payouts). */
  readonly dustAlphaRao: bigint;
  /** `SubnetMovingPrice` as I96F32 bits. */
  readonly movingPriceI96F32: bigint;
  /** `FirstEmissionBlockNumber` (set by start_call); null until emissions start. */
  readonly firstEmissionBlock: number | null;
  readonly pending: PendingEmission;
  /**
   * Epoch scheduler state (`LastEpochBlock`, `PendingEpochAt`, `BlocksSinceLastStep`, `LastMechansimStepBlock`).
   * `BlocksSinceLastStep` (+1 every block, 0 at an epoch) is kept as the block of its last reset, `lastStepBlock`:
   * the chain's counter is block − lastStepBlock, and a block without an epoch changes nothing here.
   */
  readonly lastEpochBlock: number;
  readonly pendingEpochAt: number;
  readonly lastStepBlock: number;
  readonly lastMechanismStepBlock: number;
  /** Epochs the subnet has run (the epoch counter commit-reveal measures reveal periods in). */
  readonly epochIndex: number;
  /** Unrevealed weight commits, in commit order (`TimelockedWeightCommits`). */
  readonly weightCommits: readonly WeightCommit[];
  /** `MinerBurned` as U96F32 bits: share of last epoch's miner incentive withheld from the owner's hotkeys. */
  readonly minerBurnedU96F32: bigint;
  /** `Burn`: the TAO price of the next neuron registration. */
  readonly burnRao: bigint;
  readonly registrationsThisBlock: number;
  readonly neurons: NeuronTable;
  /** Alpha stake per hotkey. */
  readonly stakes: ReadonlyMap<string, HotkeyStake>;
  /** Root dividends credited per hotkey as claimable alpha (`RootClaimable`), not yet claimed. */
  readonly rootClaimableRao: ReadonlyMap<string, bigint>;
  /**
   * Block of the owner's last hyperparameter change per rate-limit key (absent = never), for `setHyperparameters`:
   * the chain's `LastRateLimitedBlock[OwnerHyperparamUpdate(netuid, <Hyperparameter>)]`, keyed by the Hyperparameter
   * name, and `TransactionKeyLastBlock[(owner, netuid, TempoUpdate)]`, keyed 'TempoUpdate'.
   */
  readonly ownerRateLimitBlocks: ReadonlyMap<string, number>;
  /** Child hotkeys on this subnet and their takes (`EMPTY_CHILDKEYS` while nobody has set any). */
  readonly childkeys: ChildkeyState;
}

/** A (proportion, hotkey) entry of `ChildKeys` / `ParentKeys`: proportion is a u64, u64::MAX = all of the stake. */
export interface ChildLink {
  readonly proportion: bigint;
  readonly hotkey: string;
}

/** A `PendingChildKeys` entry: the children as scheduled, applied at an epoch block after `cooldownBlock`. */
export interface PendingChildren {
  readonly children: readonly ChildLink[];
  readonly cooldownBlock: number;
}

/**
 * The child-hotkey storage of one subnet (lib.rs:1206-1255, keyed by this subnet's netuid): `ChildKeys` (parent →
 * its children, in the order `persist_child_parent_relations` writes them), `ParentKeys` (child → its parents),
 * `PendingChildKeys` (parent → scheduled children), `ChildkeyTake` (hotkey → u16 take), and the blocks of each
 * hotkey's last `set_children` / `set_childkey_take` here (`TransactionKeyLastBlock[(hotkey, netuid,
 * SetChildren | SetChildkeyTake)]`). A key with an empty list is absent, as on chain.
 */
export interface ChildkeyState {
  readonly children: ReadonlyMap<string, readonly ChildLink[]>;
  readonly parents: ReadonlyMap<string, readonly ChildLink[]>;
  readonly pending: ReadonlyMap<string, PendingChildren>;
  readonly takeU16: ReadonlyMap<string, number>;
  readonly lastSetChildrenBlock: ReadonlyMap<string, number>;
  readonly lastSetTakeBlock: ReadonlyMap<string, number>;
}

/** No child hotkeys, no takes, nothing pending: every subnet's state until someone sets children here. */
export const EMPTY_CHILDKEYS: ChildkeyState = Object.freeze({
  children: new Map(),
  parents: new Map(),
  pending: new Map(),
  takeU16: new Map(),
  lastSetChildrenBlock: new Map(),
  lastSetTakeBlock: new Map(),
});

/** Whether any stake flows between hotkeys on this subnet (some `ParentKeys` entry): else the epoch's fast path. */
export const hasChildkeyLinks = (subnet: SubnetState): boolean => subnet.childkeys.parents.size > 0;

export interface HotkeyInfo {
  /** The coldkey that owns the hotkey (`Owner`). */
  readonly owner: string;
  /** Delegate take, u16 / 65535 (default 11796 = 18%). */
  readonly takeU16: number;
  /** Block of the last take change (`LastTxBlockDelegateTake`); 0 = never. */
  readonly lastTakeChangeBlock?: number;
}

/**
 * The root network's registrations (netuid 0; coinbase/root.rs:80-191 `do_root_register`): `Keys[ROOT]` (the
 * registered hotkeys, index = uid, at most `MAX_ROOT_VALIDATORS`), `BlockAtRegistration[ROOT]`, and the opt-outs of
 * auto parent delegation (`AutoParentDelegationEnabled`, lib.rs:2699-2707, default true: an entry only once a hotkey
 * has called `set_auto_parent_delegation_enabled`). Root's registration counters (`RegistrationsThisBlock[ROOT]`,
 * `RegistrationsThisInterval[ROOT]`) are kept as the block of the last root registration, the registrations in that
 * block, and the registrations counted since the last reset of the interval counter (see ops/rootRegister.ts).
 */
export interface RootRegistrations {
  readonly hotkeys: readonly string[];
  readonly registeredAt: readonly number[];
  readonly autoParentDelegation: ReadonlyMap<string, boolean>;
  readonly lastRegistrationBlock: number;
  readonly registrationsInLastBlock: number;
  readonly registrationsThisInterval: number;
}

/** Nobody registered on root. */
export const EMPTY_ROOT: RootRegistrations = Object.freeze({
  hotkeys: [],
  registeredAt: [],
  autoParentDelegation: new Map(),
  lastRegistrationBlock: 0,
  registrationsInLastBlock: 0,
  registrationsThisInterval: 0,
});

export interface ChainState {
  readonly block: number;
  /** `TotalIssuance`: minted minus recycled. */
  readonly issuanceRao: bigint;
  /** TAO in the burn account (burning does not lower issuance). */
  readonly burnedRao: bigint;
  /** Cumulative TAO recycled (taken out of issuance), for reporting. */
  readonly recycledRao: bigint;
  /** Free balances per coldkey, the block author's included. */
  readonly balances: ReadonlyMap<string, bigint>;
  readonly hotkeys: ReadonlyMap<string, HotkeyInfo>;
  /** Root (netuid 0): TAO staked per hotkey; `SubnetTAO[0]` is the sum of their values. */
  readonly rootStakes: ReadonlyMap<string, HotkeyStake>;
  readonly rootTaoRao: bigint;
  /** Root registrations: the root validators (`Keys[ROOT]`) and their opt-outs of auto parent delegation. */
  readonly root: RootRegistrations;
  /** Dynamic subnets in netuid order (root excluded). */
  readonly subnets: readonly SubnetState[];
  /** `NetworkLastLockCost` and `NetworkLastLockBlock`: the last subnet registration (0 = none yet). */
  readonly lastLockRao: bigint;
  readonly lastLockBlock: number;
  /**
   * `TaoInRefundDeploymentBlock`: subnets registered at or before it dissolve by the legacy rule (the pool's alpha
   * not counted against the holders). Set by a migration before the scenario's start: the genesis block, so subnets
   * present at the start are legacy and those registered during a run are not.
   */
  readonly taoInRefundDeploymentBlock: number;
}

/** A committed weights row, revealed at the epoch `epoch + revealPeriodEpochs`. */
export interface WeightCommit {
  readonly hotkey: string;
  /** The hotkey's uid when it committed: a hint (`commitUid` checks the uid still holds the hotkey). */
  readonly uid: number;
  readonly cols: Uint16Array;
  readonly vals: Uint16Array;
  /** The subnet's epoch index when committed, and the block. */
  readonly epoch: number;
  readonly block: number;
}

/** Network-wide rules and parameters (storage defaults unless a scenario overrides them). */
export interface ChainParams {
  /** `TaoWeight` as U64F64-style fraction bits of 2^64 (runtime default 971718665099567868). */
  readonly taoWeightU64: bigint;
  /** `SubnetOwnerCut`, u16 / 65535 (default 11796). */
  readonly ownerCutU16: number;
  readonly feeRateU16: number;
  /** `MaxEpochsPerBlock` (runtime 2). */
  readonly maxEpochsPerBlock: number;
  /** 'chain': halvings at issuance thresholds. 'calendar' (opt-in, the article's picture): every N blocks. */
  readonly halving: { readonly kind: 'issuance' } | { readonly kind: 'calendar'; readonly intervalBlocks: number };
  /** Subnet emission shares: HEAD rule, or a [legacy] one. */
  readonly shareRule: 'priceEmaUnburned' | 'priceEma' | 'taoFlow';
  /** Epoch timing: HEAD stateful scheduler, or the [legacy] `(block + netuid + 1) % (tempo + 1) == 0`. */
  readonly epochSchedule: 'scheduler' | 'legacyModulo';
  /** Consensus arithmetic for every epoch. */
  readonly consensusMode: 'fixed' | 'float';
  /** The coldkey that receives swap fees (the block author). */
  readonly authorColdkey: string;
  /** OPT-IN, not on chain (the chain has no slashing): slash offline validators' stake. null = the chain. */
  readonly slashing: SlashingRule | null;
  /**
   * OPT-IN, not on chain: 'equalStake' lets a subnet where nobody holds any stake at all run its epoch as if every uid
   * that has set weights held one equal stake (a fair launch's first epochs: on chain an all-zero stake vector pays
   * nobody, so a network started from zero issuance would never distribute anything). 'none' = the chain.
   */
  readonly bootstrap: 'none' | 'equalStake';
  /**
   * `StakeThreshold` (rao of stake weight; the pallet's default 0, root sets it): below it a uid gets no validator
   * permit at the epoch and may not set weights (`NotEnoughStakeToSetWeights`); the subnet owner's uid is exempt.
   */
  readonly stakeThresholdRao: bigint;
  /**
   * Root dividends claimed every `every` blocks, all hotkeys at once, as `type` (`RootClaimType`, default swap).
   * The chain auto-claims for a few pseudo-randomly chosen coldkeys each block (`run_auto_claim_root_divs`); a
   * fixed period stands in for that. null: never claimed (root dividends accumulate as claimable alpha).
   */
  readonly rootClaim: { readonly every: number; readonly type: 'swap' | 'keep' } | null;
  /** `SubnetLimit` (128): registering beyond it dissolves the lowest-priced non-immune subnet. */
  readonly subnetLimit: number;
  /**
   * `NetworkMinLockCost` (1000 TAO) and `NetworkLockReductionInterval` (57 600 blocks after the migration; the lock
   * cost decays over it × the block emission in TAO, `get_lock_reduction_interval`).
   */
  readonly minLockRao: bigint;
  readonly lockReductionInterval: number;
  /** `NetworkImmunityPeriod` (864 000 blocks = 120 days after the migration). */
  readonly networkImmunityPeriod: number;
  /**
   * `NetworkRateLimit`: blocks between two subnet registrations network-wide. 28 800 (4 days), set by the same
   * migration as the lock interval (`migrate_network_lock_reduction_interval`, in `on_runtime_upgrade` at 14bc6f9f);
   * the runtime constant `InitialNetworkRateLimit` (7200) is only the storage default before it ran.
   */
  readonly networkRateLimit: number;
  /**
   * OPT-IN, root's decision on chain: a subnet registered during the run gets `SubnetEmissionEnabled = true` at
   * once. false (the chain's code): `do_register_network` leaves it false and only root can enable it.
   */
  readonly newSubnetEmissionEnabled: boolean;
}

/** A writable view of a state object: for fresh copies that nobody else holds yet. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A shallow copy of a neuron table, written out field by field as `copySubnet` (a spread of these objects measured
 * ≈ 0.4 µs in the weights-set path, where the tables reaching it have several hidden classes).
 */
export function copyNeurons(t: NeuronTable): Mutable<NeuronTable> {
  return {
    hotkeys: t.hotkeys,
    registeredAt: t.registeredAt,
    lastUpdate: t.lastUpdate,
    weights: t.weights,
    bonds: t.bonds,
    validatorPermits: t.validatorPermits,
    emissionRao: t.emissionRao,
    incentive: t.incentive,
    dividends: t.dividends,
    consensus: t.consensus,
  };
}

/**
 * A shallow copy of a subnet. Written out field by field: an object literal of a fixed shape is several times cheaper
 * in V8 than a spread of 25 properties (hot paths copy then assign), and the compiler refuses this literal if a field of
 * SubnetState is missing.
 */
export function copySubnet(s: SubnetState): Mutable<SubnetState> {
  return {
    netuid: s.netuid,
    name: s.name,
    ownerColdkey: s.ownerColdkey,
    ownerHotkey: s.ownerHotkey,
    registeredAt: s.registeredAt,
    params: s.params,
    pool: s.pool,
    protocolAlphaRao: s.protocolAlphaRao,
    burnedAlphaRao: s.burnedAlphaRao,
    dustAlphaRao: s.dustAlphaRao,
    movingPriceI96F32: s.movingPriceI96F32,
    firstEmissionBlock: s.firstEmissionBlock,
    pending: s.pending,
    lastEpochBlock: s.lastEpochBlock,
    pendingEpochAt: s.pendingEpochAt,
    lastStepBlock: s.lastStepBlock,
    lastMechanismStepBlock: s.lastMechanismStepBlock,
    epochIndex: s.epochIndex,
    weightCommits: s.weightCommits,
    minerBurnedU96F32: s.minerBurnedU96F32,
    burnRao: s.burnRao,
    registrationsThisBlock: s.registrationsThisBlock,
    neurons: s.neurons,
    stakes: s.stakes,
    rootClaimableRao: s.rootClaimableRao,
    ownerRateLimitBlocks: s.ownerRateLimitBlocks,
    childkeys: s.childkeys,
  };
}

/** A shallow copy of the chain state, field by field (see `copySubnet`). */
export function copyChain(s: ChainState): Mutable<ChainState> {
  return {
    block: s.block,
    issuanceRao: s.issuanceRao,
    burnedRao: s.burnedRao,
    recycledRao: s.recycledRao,
    balances: s.balances,
    hotkeys: s.hotkeys,
    rootStakes: s.rootStakes,
    rootTaoRao: s.rootTaoRao,
    root: s.root,
    subnets: s.subnets,
    lastLockRao: s.lastLockRao,
    lastLockBlock: s.lastLockBlock,
    taoInRefundDeploymentBlock: s.taoInRefundDeploymentBlock,
  };
}

/** Index of the subnet with this netuid in a netuid-ordered list (binary search), or −1. */
export function subnetIndex(subnets: readonly SubnetState[], netuid: number): number {
  // Netuids 1…n without a gap (the usual network) put netuid k at index k − 1: one read instead of a search whose
  // every step reads another subnet object (a cache miss each on a 128-subnet network).
  if (subnets[netuid - 1]?.netuid === netuid) return netuid - 1;
  let lo = 0;
  let hi = subnets.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = subnets[mid]!.netuid;
    if (at === netuid) return mid;
    if (at < netuid) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The subnet with this netuid (`ChainState.subnets` is kept in netuid order), or undefined. */
export const findSubnet = (subnets: readonly SubnetState[], netuid: number): SubnetState | undefined =>
  subnets[subnetIndex(subnets, netuid)];

/**
 * A copy of a Map, entry by entry: `new Map(map)` goes through the map's iterator, one [key, value] array per entry
 * (for the stakes of a 256-uid subnet, copied each epoch, that was most of the copy's cost).
 */
export function copyMap<K, V>(from: ReadonlyMap<K, V>): Map<K, V> {
  const to = new Map<K, V>();
  from.forEach((v, k) => {
    to.set(k, v);
  });
  return to;
}
