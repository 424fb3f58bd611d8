import { copySubnet, type Mutable, type SubnetState } from './state.ts';

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
