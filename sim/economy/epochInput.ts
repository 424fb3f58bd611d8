import type { EpochInput, EpochParams } from '../consensus/types.ts';
import { inheritedStakeWeight, inheritedStakeWeights } from './childkeys.ts';
import { taoWeightU96F32 } from './emitToSubnets.ts';
import { commitUid } from './ops/setWeights.ts';
import { uidOf } from './ops/subnetUpdate.ts';
import { PairCache } from './pairCache.ts';
import { type ChainParams, type ChainState, type HotkeyStake, hasChildkeyLinks, type SubnetState } from './state.ts';

/** The epoch hyperparameters of a subnet (`get_activity_cutoff_blocks` = max(1, factor·tempo/1000)). */
export function epochParams(subnet: SubnetState, params: Pick<ChainParams, 'stakeThresholdRao'>): EpochParams {
  const p = subnet.params;
  return {
    tempo: p.tempo,
    activityCutoff: Math.max(1, Math.floor((p.activityCutoffFactorMilli * p.tempo) / 1000)),
    kappa: p.kappa,
    bondsMovingAverage: p.bondsMovingAverage,
    bondsPenalty: p.bondsPenalty,
    maxAllowedValidators: p.maxAllowedValidators,
    yuma3Enabled: p.yuma3Enabled,
    liquidAlphaEnabled: p.liquidAlphaEnabled,
    alphaLow: p.alphaLow,
    alphaHigh: p.alphaHigh,
    alphaSigmoidSteepness: p.alphaSigmoidSteepness,
    stakeThreshold: params.stakeThresholdRao,
    commitRevealEnabled: p.commitRevealEnabled,
  };
}

/** Per uid, the block of its earliest unrevealed commit (Infinity: none): the epoch's commit-reveal mask. */
function commitBlocks(subnet: SubnetState): number[] {
  const out = new Array<number>(subnet.neurons.hotkeys.length).fill(Number.POSITIVE_INFINITY);
  const commits = subnet.weightCommits;
  for (let k = 0; k < commits.length; k++) {
    const c = commits[k]!;
    const uid = commitUid(subnet.neurons.hotkeys, c);
    if (uid >= 0 && c.block < out[uid]!) out[uid] = c.block;
  }
  return out;
}

interface RootTerms {
  readonly taoWeightI64F64: bigint;
  readonly terms: readonly bigint[];
}

const rootTermsCache = new PairCache<ReadonlyMap<string, HotkeyStake>, readonly string[], RootTerms>();

/**
 * Per uid, root_tao · tao_weight in I64F64 (0n without root stake), remembered per (root stakes map, subnet hotkeys)
 * and checked against the tao weight. The root map holds every root staker of the network; reading it for every uid
 * of every epoch was a cache miss per read.
 */
function rootTerms(
  rootStakes: ReadonlyMap<string, HotkeyStake>,
  hotkeys: readonly string[],
  taoWeightI64F64: bigint,
): readonly bigint[] {
  const known = rootTermsCache.get(rootStakes, hotkeys);
  if (known && known.taoWeightI64F64 === taoWeightI64F64) return known.terms;
  const terms = hotkeys.map((h) => {
    const root = rootStakes.get(h)?.valueRao ?? 0n;
    return root === 0n ? 0n : ((root << 64n) * taoWeightI64F64) >> 64n;
  });
  rootTermsCache.set(rootStakes, hotkeys, { taoWeightI64F64, terms });
  return terms;
}

/**
 * Whether the opt-in fair-launch bootstrap (`params.bootstrap`, not on chain) holds for this subnet now: nobody on it
 * holds stake, alpha or root, own or inherited. Its epoch then counts every uid that has set weights as one equal stake
 * (`epochInput`), and those weights need no validator permit (`hasPermit`): equal stakes would all hold one.
 */
export function bootstrapping(state: ChainState, params: ChainParams, subnet: SubnetState): boolean {
  if (params.bootstrap !== 'equalStake') return false;
  const hotkeys = subnet.neurons.hotkeys;
  const taoWeightI64F64 = taoWeightU96F32(params.taoWeightU64) << 32n;
  // With child hotkeys, the stake the epoch would weigh (inherited), as `epochInput` tests it.
  if (hasChildkeyLinks(subnet))
    return inheritedStakeWeights(subnet, state.rootStakes, taoWeightI64F64).every((s) => s === 0n);
  const root = rootTerms(state.rootStakes, hotkeys, taoWeightI64F64);
  for (let uid = 0; uid < hotkeys.length; uid++)
    if (root[uid] !== 0n || (subnet.stakes.get(hotkeys[uid]!)?.valueRao ?? 0n) !== 0n) return false;
  return true;
}

/**
 * `check_weights_min_stake`: `uid` may set weights — its stake weight (alpha + root TAO × tao_weight, I64F64) is at
 * least `StakeThreshold`, or it holds the subnet owner's hotkey.
 */
export function meetsStakeThreshold(state: ChainState, params: ChainParams, subnet: SubnetState, uid: number): boolean {
  const threshold = params.stakeThresholdRao;
  if (threshold === 0n) return true;
  const hotkeys = subnet.neurons.hotkeys;
  const hotkey = hotkeys[uid]!;
  if (hotkey === subnet.ownerHotkey) return true;
  const taoWeightI64F64 = taoWeightU96F32(params.taoWeightU64) << 32n;
  // get_stake_weights_for_hotkey_on_subnet (stake_utils.rs:205-229): inherited stakes when childkeys are set.
  if (hasChildkeyLinks(subnet))
    return inheritedStakeWeight(subnet, state.rootStakes, taoWeightI64F64, hotkey) >= threshold << 64n;
  const root = rootTerms(state.rootStakes, hotkeys, taoWeightI64F64)[uid]!;
  return ((subnet.stakes.get(hotkey)?.valueRao ?? 0n) << 64n) + root >= threshold << 64n;
}

/**
 * What the chain's epoch reads from storage for this subnet. Stake weight per uid is
 * `alpha + root_tao · tao_weight` in I64F64 (`get_stake_weights_for_network`); with child hotkeys on the subnet, of
 * the alpha and root TAO each hotkey inherits (`inheritedStakeWeights`).
 */
export function epochInput(
  state: ChainState,
  params: ChainParams,
  subnet: SubnetState,
  raoEmission: bigint,
): EpochInput {
  const table = subnet.neurons;
  const taoWeightI64F64 = taoWeightU96F32(params.taoWeightU64) << 32n;
  // An indexed loop, and no bigint operation for a uid without stake (a bigint result is an allocation each).
  const n = table.hotkeys.length;
  let stake: bigint[];
  if (hasChildkeyLinks(subnet)) {
    // Stake lent by parents to children (staking/stake_utils.rs:233-284, 313-452): off the plain path below.
    stake = inheritedStakeWeights(subnet, state.rootStakes, taoWeightI64F64);
  } else {
    const root = rootTerms(state.rootStakes, table.hotkeys, taoWeightI64F64);
    stake = new Array<bigint>(n);
    for (let uid = 0; uid < n; uid++) {
      const alpha = subnet.stakes.get(table.hotkeys[uid]!)?.valueRao ?? 0n;
      const r = root[uid]!;
      stake[uid] = alpha === 0n ? r : r === 0n ? alpha << 64n : (alpha << 64n) + r;
    }
  }
  // Opt-in fair-launch bootstrap (not on chain): nobody holds stake, so every uid that has set weights counts as one.
  if (params.bootstrap === 'equalStake' && stake.every((s) => s === 0n)) {
    stake = table.weights.map((row) => (row.cols.length > 0 ? 1n << 64n : 0n));
  }
  const ownerUid = uidOf(table.hotkeys, subnet.ownerHotkey); // indexOf: the first uid with it, as uidOf
  return {
    n: table.hotkeys.length,
    currentBlock: state.block,
    params: epochParams(subnet, params),
    stake,
    lastUpdate: table.lastUpdate,
    blockAtRegistration: table.registeredAt,
    validatorPermits: table.validatorPermits,
    weights: table.weights,
    bonds: table.bonds,
    ownerUid: ownerUid < 0 ? null : ownerUid,
    lastMechanismStepBlock: subnet.lastMechanismStepBlock,
    ...(subnet.params.commitRevealEnabled && { commitBlocks: commitBlocks(subnet) }),
    raoEmission,
  };
}
