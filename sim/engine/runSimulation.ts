import type { Agent } from '../agents/types.ts';
import type { ChainParams, ChainState } from '../economy/state.ts';
import { TxError } from '../economy/txError.ts';
import { AgentQueue } from './agentQueue.ts';
import { type BlockRecord, blockStep } from './blockStep.ts';
import { applyEvent, type ChainEvent } from './events.ts';
import { TxBatch } from './txBatch.ts';

/** Observes the run: after every block, with the state and what happened; `refused` counts refused actions. */
export type RunObserver = (state: ChainState, record: BlockRecord, refused: number) => void;

/**
 * Advance `blocks` blocks: before each block the scenario's events due then are applied, every agent due (in id order;
 * agents with `nextAct` are skipped on blocks where they would do nothing) looks at the chain and its actions are
 * applied (a refused one changes nothing and is counted) — the block's actions on one working copy (`TxBatch`: an
 * agent reads its view during `act` only) — then the block runs. Serial and deterministic.
 */
export function runSimulation(
  start: ChainState,
  params0: ChainParams,
  agents: readonly Agent[],
  blocks: number,
  observe: RunObserver,
  events: readonly (readonly [number, ChainEvent])[] = [],
): ChainState {
  let state = start;
  let params = params0;
  let next = 0;
  const queue = new AgentQueue(agents, state.block);
  for (let k = 0; k < blocks; k++) {
    // Events due at the coming block, in the order the scenario lists them.
    while (next < events.length && events[next]![0] <= state.block + 1) {
      ({ state, params } = applyEvent(state, params, events[next]![1]));
      next++;
    }
    let refused = 0;
    const due = queue.due(state.block);
    if (due.length > 0) {
      const batch = new TxBatch(state, params);
      for (const i of due) {
        for (const action of agents[i]!.act(batch.state)) {
          try {
            batch.apply(action);
          } catch (e) {
            if (!(e instanceof TxError)) throw e;
            refused++;
          }
        }
      }
      state = batch.state;
    }
    for (const i of due) queue.schedule(i, state.block + 1);
    const step = blockStep(state, params);
    state = step.state;
    observe(state, step.record, refused);
  }
  return state;
}
