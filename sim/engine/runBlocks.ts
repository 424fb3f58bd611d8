import type { ChainParams, ChainState } from '../economy/state.ts';
import { type BlockRecord, blockStep } from './blockStep.ts';

/** Called after every block with the new state and what happened; the only way results leave the loop. */
export type BlockObserver = (state: ChainState, record: BlockRecord) => void;

/**
 * The engine loop, apart from the model: advance `blocks` blocks from `state`. The same loop serves a scenario
 * run, a sweep worker and a test; agents and output plug in through `observe` (and, later, an action source).
 */
export function runBlocks(state: ChainState, params: ChainParams, blocks: number, observe?: BlockObserver): ChainState {
  let s = state;
  for (let k = 0; k < blocks; k++) {
    const { state: next, record } = blockStep(s, params);
    s = next;
    observe?.(s, record);
  }
  return s;
}
