import { runEpoch } from '../consensus/index.ts';
import type { EpochResult } from '../consensus/types.ts';
import { blockEmissionForIssuance, calendarBlockEmission, mintTao } from '../economy/blockEmission.ts';
import { applyPendingChildren } from '../economy/childkeys.ts';
import { distributeEmission } from '../economy/distributeEmission.ts';
import { drainPending, shouldRunEpoch } from '../economy/drainPending.ts';
import { emitInto, emitsThisBlock, type SubnetInjection, withRecycled } from '../economy/emitToSubnets.ts';
import { epochInput } from '../economy/epochInput.ts';
import { nextMovingPrice } from '../economy/movingPrice.ts';
import { claimAllRoot } from '../economy/ops/claimRoot.ts';
import { revealCommits, revealKey } from '../economy/ops/setWeights.ts';
import { decayBurn } from '../economy/registrationPrice.ts';
import { applySlashing } from '../economy/slashing.ts';
import { type ChainParams, type ChainState, copyChain, copySubnet } from '../economy/state.ts';
import { SubnetWork } from '../economy/subnetWork.ts';

export interface EpochRecord {
  readonly netuid: number;
  /** Alpha the epoch distributed (server + validator + root; the owner cut is paid beside it). */
  readonly distributedRao: bigint;
  readonly ownerCutRao: bigint;
  readonly result: EpochResult;
}

/** What happened in one block, for metrics and tests. */
export interface BlockRecord {
  readonly block: number;
  readonly emissionRao: bigint;
  readonly recycledRao: bigint;
  readonly injections: readonly SubnetInjection[];
  readonly epochs: readonly EpochRecord[];
}

/** The block's TAO emission: the chain's halving by issuance, or the opt-in calendar rule. */
export function blockEmission(state: ChainState, params: ChainParams, block: number): bigint {
  return params.halving.kind === 'calendar'
    ? calendarBlockEmission(BigInt(block), { halvingIntervalBlocks: BigInt(params.halving.intervalBlocks) })
    : blockEmissionForIssuance(state.issuanceRao);
}

/**
 * One block, in the chain's order (`coinbase/block_step.rs::block_step`): decay registration prices, mint the block
 * emission (never past
 * 21 M TAO), run the coinbase (inject into pools, accumulate pending emission, run due epochs and pay them out),
 * then update every emitting subnet's moving price. Pure: returns the next state and a record of the block.
 */
export function blockStep(state0: ChainState, params: ChainParams): { state: ChainState; record: BlockRecord } {
  const block = state0.block + 1;
  const minted = mintTao(state0.issuanceRao, blockEmission(state0, params, block));
  // Every phase below writes one working copy of the subnets (each subnet copied at most once this block).
  const work = new SubnetWork(state0.subnets);
  // update_registration_prices_for_networks: decay every subnet's registration price, reset per-block counts.
  work.list.forEach((s, i) => {
    const burnRao = decayBurn(s.burnRao, s.params, block);
    if (burnRao === s.burnRao && s.registrationsThisBlock === 0) return;
    const out = work.edit(i);
    out.burnRao = burnRao;
    out.registrationsThisBlock = 0;
  });
  const next = copyChain(state0);
  next.block = block;
  next.issuanceRao = minted.issuanceRao;
  next.subnets = work.list;
  let state: ChainState = next;

  const emitted = emitInto(work, state, params, minted.mintedRao);
  state = withRecycled(state, emitted.recycledRao);

  // reveal_crv3_commits (coinbase/block_step.rs; before the coinbase on chain, and nothing between reads weights or
  // commits): every block, every subnet but those whose due epoch the per-block cap defers (counted in netuid order
  // as `drainPending` counts them); a subnet whose epoch runs this block looks ahead to it.
  let due = 0;
  work.list.forEach((s, i) => {
    const runs = shouldRunEpoch(s, block, params.epochSchedule);
    if (runs && due++ >= params.maxEpochsPerBlock) return; // deferred: no reveal this block
    if (revealKey(s, runs) === null) return; // the usual block: nothing due (no object made for it)
    work.put(i, revealCommits(s, { block, lookahead: runs, chain: { state, params } }));
  });

  const epochs: EpochRecord[] = [];
  for (const { index, netuid, pending } of drainPending(work, block, params)) {
    const subnet = work.list[index]!;
    const distributedRao = pending.serverRao + pending.validatorRao + pending.rootAlphaRao;
    const result = runEpoch(epochInput(state, params, subnet, distributedRao), { mode: params.consensusMode });
    const paid = distributeEmission({
      subnet,
      pending,
      epoch: result,
      hotkeys: state.hotkeys,
      rootStakes: state.rootStakes,
      taoWeightU64: params.taoWeightU64,
    });
    const slashed = params.slashing ? applySlashing(paid.subnet, block, params.slashing).subnet : paid.subnet;
    const stepped = copySubnet(slashed);
    stepped.lastMechanismStepBlock = block;
    stepped.epochIndex = slashed.epochIndex + 1;
    work.put(index, stepped);
    epochs.push({ netuid, distributedRao, ownerCutRao: pending.ownerCutRao, result });
  }

  // update_moving_prices: after the coinbase, so this block's shares used last block's prices.
  work.list.forEach((s, i) => {
    if (!emitsThisBlock(s) || s.pool.stable) return; // a stable subnet's moving price is 1 (get_moving_alpha_price)
    work.edit(i).movingPriceI96F32 = nextMovingPrice(s.movingPriceI96F32, s.pool, block, s.firstEmissionBlock);
  });
  // try_set_pending_children (coinbase/block_step.rs:26-27, 38-47): after the coinbase and the moving prices, a subnet
  // whose epoch ran this block applies its pending children that have cooled down.
  work.list.forEach((s, i) => {
    if (s.childkeys.pending.size === 0 || s.lastEpochBlock !== block) return;
    const applied = applyPendingChildren(s, block);
    if (applied !== s) work.put(i, applied);
  });
  // Root auto-claim (housekeeping after the moving prices, as in block_step).
  if (params.rootClaim && block % params.rootClaim.every === 0)
    state = claimAllRoot(state, params, params.rootClaim.type);
  return {
    state,
    record: {
      block,
      emissionRao: minted.mintedRao,
      recycledRao: emitted.recycledRao,
      injections: emitted.injections,
      epochs,
    },
  };
}
