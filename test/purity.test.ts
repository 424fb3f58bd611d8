import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildScenario } from '../sim/engine/buildScenario.ts';
import { runSimulation } from '../sim/engine/runSimulation.ts';
import { loadScenario } from '../sim/io/loadScenario.ts';
import { fingerprint } from './support/fingerprint.ts';

/**
 * Freeze every plain object and array reachable from `x` (Maps and typed arrays cannot be frozen; their holders
 * can). In strict-mode code — every ES module — a write to a frozen object throws, so a transition that writes into
 * its input state fails loudly here instead of corrupting the caller's state.
 */
function deepFreeze(x: unknown, seen = new Set<unknown>()): void {
  if (x === null || typeof x !== 'object' || seen.has(x) || ArrayBuffer.isView(x)) return;
  seen.add(x);
  if (x instanceof Map) {
    for (const [k, v] of x) {
      deepFreeze(k, seen);
      deepFreeze(v, seen);
    }
    return;
  }
  for (const v of Object.values(x)) deepFreeze(v, seen);
  Object.freeze(x);
}

describe('state transitions are pure', () => {
  it('blocks and agents’ transactions (coinbase, reveals, epochs, distribution, root claims, weights, stakes) never write their input state', () => {
    const text = readFileSync('scenarios/baseline.yaml', 'utf8');
    const sim = buildScenario(loadScenario(text, 'baseline.yaml', ['duration=800']));
    const every = sim.params.rootClaim?.every ?? 7200;
    // Start just before a root-claim block, so that the steps below include it and every subnet's epoch.
    const claimAt = (Math.floor(sim.genesis.block / every) + 1) * every;
    let state = runSimulation(sim.genesis, sim.params, sim.agents, claimAt - 5 - sim.genesis.block, () => {});
    // Each block's state is frozen as soon as it exists: the next block's agents' transactions and the block
    // itself then run on a frozen input.
    deepFreeze(state);
    const before = fingerprint(state);
    const start = state;
    let epochs = 0;
    state = runSimulation(state, sim.params, sim.agents, 380, (s, record) => {
      deepFreeze(s);
      epochs += record.epochs.length;
    });
    expect(fingerprint(start)).toBe(before);
    expect(epochs).toBeGreaterThanOrEqual(sim.genesis.subnets.length); // every subnet ran an epoch meanwhile
    expect(state.block).toBeGreaterThan(claimAt); // and the day's root claim
  });
});
