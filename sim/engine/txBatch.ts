import type { Action } from '../agents/types.ts';
import { addStake } from '../economy/ops/addStake.ts';
import { moveStake } from '../economy/ops/moveStake.ts';
import { registerNeuron } from '../economy/ops/registerNeuron.ts';
import { registerSubnet, startCall } from '../economy/ops/registerSubnet.ts';
import { removeStake } from '../economy/ops/removeStake.ts';
import { rootRegister, setAutoParentDelegation } from '../economy/ops/rootRegister.ts';
import { setChildkeyTake, setChildren } from '../economy/ops/setChildren.ts';
import { setHyperparameters } from '../economy/ops/setHyperparameters.ts';
import { type SetWeightsTx, setWeights, weightCommit, weightsRow } from '../economy/ops/setWeights.ts';
import { subnetOf } from '../economy/ops/subnetUpdate.ts';
import {
  type ChainParams,
  type ChainState,
  copyChain,
  copyNeurons,
  copySubnet,
  type Mutable,
  type NeuronTable,
  type SubnetState,
  subnetIndex,
  type WeightCommit,
} from '../economy/state.ts';

/** An action through its pure operation (state in, new state out; a refusal throws a `TxError` and changes nothing). */
export function applyAction(state: ChainState, params: ChainParams, action: Action): ChainState {
  switch (action.kind) {
    case 'setWeights':
      return setWeights(state, params, action);
    case 'addStake':
      return addStake(state, params, action);
    case 'removeStake':
      return removeStake(state, params, action);
    case 'moveStake':
      return moveStake(state, params, action);
    case 'registerNeuron':
      return registerNeuron(state, params, action);
    case 'registerSubnet':
      return registerSubnet(state, params, action);
    case 'startCall':
      return startCall(state, action);
    case 'setHyperparameters':
      return setHyperparameters(state, action);
    case 'rootRegister':
      return rootRegister(state, action);
    case 'setAutoParentDelegation':
      return setAutoParentDelegation(state, action);
    case 'setChildren':
      return setChildren(state, params, action);
    case 'setChildkeyTake':
      return setChildkeyTake(state, action);
  }
}

/**
 * The transactions of one block, applied to a working copy. The outcome is the state `applyAction` would give action
 * after action (`test/txBatch.test.ts` compares them); the difference is the cost of weights sets — the full
 * network's ~23 a block. Each one through the pure operation copies the chain state, the list of subnets, the subnet
 * and its weights and LastUpdate arrays (or its list of commits); here the chain state, the list and each subnet and
 * array are copied on their first write of the block and written in place after that.
 *
 * Nothing outside is written: the copies are this batch's own, made from the state it was given. The rules for the
 * caller: `state` may be read between actions (an agent's view) but must not be kept past the next `apply` — the
 * working copy changes in place — and the state handed on at the end (`state`) is no longer written. Other actions
 * run through their pure operation on the working copy's current state; the result shares the batch's copies, so
 * ownership ends there and the next weights set copies afresh.
 */
export class TxBatch {
  private current: ChainState;
  /** The working copy's chain state and subnets list, once written this block. */
  private chain: Mutable<ChainState> | null = null;
  private subnets: SubnetState[] = [];
  /**
   * Per subnet index: 1 when the subnet / its LastUpdate (and, without commit-reveal, its weights) / its commits list
   * are the batch's own.
   */
  private ownSubnet = new Uint8Array(0);
  private ownRows = new Uint8Array(0);
  private ownCommits = new Uint8Array(0);

  constructor(
    state: ChainState,
    private readonly params: ChainParams,
  ) {
    this.current = state;
  }

  /** The state after the actions applied so far (read it now; see the class comment). */
  get state(): ChainState {
    return this.current;
  }

  /** Apply one action; a refusal throws its `TxError` and leaves the state as it was. */
  apply(action: Action): void {
    if (action.kind === 'setWeights') this.setWeights(action);
    else {
      this.current = applyAction(this.current, this.params, action);
      this.chain = null;
    }
  }

  private setWeights(tx: SetWeightsTx): void {
    const i = subnetIndex(this.current.subnets, tx.netuid);
    const subnet = i < 0 ? subnetOf(this.current, tx.netuid) : this.current.subnets[i]!; // the former throws
    const row = weightsRow(this.current, this.params, subnet, tx); // every check before any write
    const reveal = subnet.params.commitRevealEnabled;
    const out = this.editSubnet(i);
    if (this.ownRows[i] === 0) {
      // Under commit-reveal only LastUpdate is written (a subnet's mode holds while the batch owns its copy).
      const t = subnet.neurons;
      const neurons = copyNeurons(t);
      neurons.lastUpdate = t.lastUpdate.slice();
      if (!reveal) neurons.weights = t.weights.slice();
      out.neurons = neurons;
      this.ownRows[i] = 1;
    }
    const t = out.neurons as Mutable<NeuronTable>;
    (t.lastUpdate as number[])[row.uid] = this.current.block;
    if (!reveal) {
      (t.weights as NeuronTable['weights'][number][])[row.uid] = { cols: row.cols, vals: row.vals };
      return;
    }
    if (this.ownCommits[i] === 0) {
      out.weightCommits = subnet.weightCommits.slice();
      this.ownCommits[i] = 1;
    }
    (out.weightCommits as WeightCommit[]).push(weightCommit(subnet, this.params, tx, row, this.current.block));
  }

  /** Subnet `i` of the working copy, writable (the chain state, the list and the subnet copied on first write). */
  private editSubnet(i: number): Mutable<SubnetState> {
    if (this.chain === null) {
      this.chain = copyChain(this.current);
      this.subnets = this.current.subnets.slice();
      this.chain.subnets = this.subnets;
      this.current = this.chain;
      const n = this.subnets.length;
      if (this.ownSubnet.length < n) {
        this.ownSubnet = new Uint8Array(n);
        this.ownRows = new Uint8Array(n);
        this.ownCommits = new Uint8Array(n);
      } else {
        this.ownSubnet.fill(0);
        this.ownRows.fill(0);
        this.ownCommits.fill(0);
      }
    }
    if (this.ownSubnet[i] === 0) {
      this.subnets[i] = copySubnet(this.subnets[i]!);
      this.ownSubnet[i] = 1;
    }
    return this.subnets[i] as Mutable<SubnetState>;
  }
}
