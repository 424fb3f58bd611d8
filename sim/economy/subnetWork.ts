import type { SubnetState } from './state.ts';

/** A writable view of a state object: for working copies that nobody else holds yet. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * One block's working copy of the subnets list. A block touches most subnets several times (registration price,
 * coinbase, drain, moving price); copying a subnet once, on its first write, and updating that private copy in
 * place keeps the transition pure (the input list and its subnets are never written) without a copy per phase.
 */
export class SubnetWork {
  readonly list: SubnetState[];
  private readonly owned: Uint8Array;

  constructor(subnets: readonly SubnetState[]) {
    this.list = subnets.slice();
    this.owned = new Uint8Array(subnets.length);
  }

  /** Subnet `i`, writable: copied on the first call of the block. */
  edit(i: number): Mutable<SubnetState> {
    if (this.owned[i] === 0) {
      this.list[i] = copySubnet(this.list[i]!);
      this.owned[i] = 1;
    }
    return this.list[i] as Mutable<SubnetState>;
  }

  /** Replace subnet `i` by the result of a pure transition (copied again before any later write). */
  put(i: number, subnet: SubnetState): void {
    this.list[i] = subnet;
    this.owned[i] = 0;
  }
}

/**
 * A shallow copy of a subnet. Written out field by field: an object literal of a fixed shape is several times cheaper
 * in V8 than a spread of 25 properties, and the compiler refuses this literal if a field of SubnetState is missing.
 */
function copySubnet(s: SubnetState): SubnetState {
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
  };
}
