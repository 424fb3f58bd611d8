import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditBooks } from '../sim/economy/auditBooks.ts';
import { DEFAULT_CHAIN_PARAMS, DEFAULT_SUBNET_PARAMS } from '../sim/economy/genesis.ts';
import { revealCommits, setWeights } from '../sim/economy/ops/setWeights.ts';
import type { ChainParams, ChainState } from '../sim/economy/state.ts';
import { blockStep } from '../sim/engine/blockStep.ts';
import { buildScenario } from '../sim/engine/buildScenario.ts';
import { runSimulation } from '../sim/engine/runSimulation.ts';
import { loadScenario } from '../sim/io/loadScenario.ts';
import { smallNetwork } from './support/smallNetwork.ts';

const params: ChainParams = { ...DEFAULT_CHAIN_PARAMS, rootClaim: null };
/** The small network with commit-reveal on every subnet (reveal period `period` epochs). */
const withCommitReveal = (period = 1): ChainState => {
  const s = smallNetwork();
  return {
    ...s,
    subnets: s.subnets.map((x) => ({
      ...x,
      params: { ...x.params, commitRevealEnabled: true, revealPeriodEpochs: period },
    })),
  };
};
const tx = { hotkey: 'sn1-v0', netuid: 1, uids: [5, 6], weights: [1, 0.5] };

describe('commit-reveal', () => {
  it("is on by default with a reveal period of one epoch, as the chain's storage defaults", () => {
    expect(DEFAULT_SUBNET_PARAMS.commitRevealEnabled).toBe(true); // CommitRevealWeightsEnabled default true
    expect(DEFAULT_SUBNET_PARAMS.revealPeriodEpochs).toBe(1); // DefaultRevealPeriodEpochs = 1
  });

  it('a weights set is a commit: nothing is stored and LastUpdate stays until the reveal', () => {
    const s0 = withCommitReveal();
    const s1 = setWeights(s0, tx);
    const before = s0.subnets[0]!.neurons;
    const after = s1.subnets[0]!.neurons;
    expect(after.weights[1]).toEqual(before.weights[1]);
    expect(after.lastUpdate[1]).toBe(before.lastUpdate[1]);
    expect(s1.subnets[0]!.weightCommits).toEqual([
      {
        hotkey: 'sn1-v0',
        uid: 1,
        cols: Uint16Array.of(5, 6),
        vals: Uint16Array.of(65535, 32768),
        epoch: 0,
        block: s0.block,
      },
    ]);
  });

  it('reveals a commit at the epoch reveal_period epochs later, in commit order; older ones are dropped', () => {
    const s1 = setWeights(setWeights(withCommitReveal(2), tx), { ...tx, weights: [0.5, 1] });
    const sub = s1.subnets[0]!;
    // Two epochs later (epoch index 2 = 0 + reveal period): both revealed in order, the second wins.
    const revealed = revealCommits({ ...sub, epochIndex: 2 }, 777);
    expect(revealed.neurons.weights[1]).toEqual({ cols: Uint16Array.of(5, 6), vals: Uint16Array.of(32768, 65535) });
    expect(revealed.neurons.lastUpdate[1]).toBe(777);
    expect(revealed.weightCommits).toEqual([]);
    // One epoch later: still waiting. Three epochs later: expired, dropped unrevealed.
    expect(revealCommits({ ...sub, epochIndex: 1 }, 777)).toEqual({ ...sub, epochIndex: 1 });
    const late = revealCommits({ ...sub, epochIndex: 3 }, 777);
    expect(late.weightCommits).toEqual([]);
    expect(late.neurons.weights[1]).toEqual(sub.neurons.weights[1]);
  });

  it('skips, at the reveal, a commit whose uids are no longer all below the subnet size', () => {
    // Two validators commit rows over the same miners' uids (one columns array); one row reaches the last uid.
    const n = withCommitReveal().subnets[0]!.neurons.hotkeys.length;
    const last = { ...tx, hotkey: 'sn1-v1', uids: [5, n - 1] };
    const sub = setWeights(setWeights(withCommitReveal(), tx), last).subnets[0]!;
    // The subnet one uid smaller at the reveal: the row with uid n − 1 is dropped, the other stored.
    const smaller = {
      ...sub,
      epochIndex: 1,
      neurons: { ...sub.neurons, hotkeys: sub.neurons.hotkeys.slice(0, n - 1) },
    };
    const revealed = revealCommits(smaller, 500);
    expect(revealed.neurons.weights[1]!.cols).toEqual(Uint16Array.of(5, 6));
    expect(revealed.neurons.weights[2]).toEqual(sub.neurons.weights[2]);
    expect(revealed.neurons.lastUpdate[2]).toBe(sub.neurons.lastUpdate[2]);
    // At full size both are stored.
    const full = revealCommits({ ...sub, epochIndex: 1 }, 500);
    expect(full.neurons.weights[2]!.cols).toEqual(Uint16Array.of(5, n - 1));
  });

  it('reveals a commit at the committer’s uid at the reveal, wherever it moved, and skips a departed committer', () => {
    const sub = setWeights(withCommitReveal(), tx).subnets[0]!; // sn1-v0 commits from uid 1
    const hotkeys = sub.neurons.hotkeys;
    // sn1-v0 now at uid 7 (uid 1 someone else's): the row goes to uid 7, uid 1 keeps its own.
    const moved = hotkeys.map((h, uid) => (uid === 1 ? 'newcomer' : uid === 7 ? 'sn1-v0' : h));
    const atSeven = revealCommits({ ...sub, epochIndex: 1, neurons: { ...sub.neurons, hotkeys: moved } }, 900);
    expect(atSeven.neurons.weights[7]!.cols).toEqual(Uint16Array.of(5, 6));
    expect(atSeven.neurons.lastUpdate[7]).toBe(900);
    expect(atSeven.neurons.weights[1]).toEqual(sub.neurons.weights[1]);
    // sn1-v0 gone: nothing stored.
    const gone = hotkeys.map((h, uid) => (uid === 1 ? 'newcomer' : h));
    const none = revealCommits({ ...sub, epochIndex: 1, neurons: { ...sub.neurons, hotkeys: gone } }, 900);
    expect(none.neurons.weights).toEqual(sub.neurons.weights);
    expect(none.neurons.lastUpdate).toEqual(sub.neurons.lastUpdate);
  });

  it('in the engine, weights committed during one tempo count from the next epoch on', () => {
    let s = setWeights(withCommitReveal(), tx); // committed in epoch index 0 (before the first epoch)
    const seen: { block: number; row: number }[] = [];
    for (let b = 0; b < 60; b++) {
      const step = blockStep(s, params);
      s = step.state;
      for (const e of step.record.epochs)
        if (e.netuid === 1) seen.push({ block: step.record.block, row: s.subnets[0]!.neurons.weights[1]!.cols.length });
    }
    // Tempo 20: the first epoch (index 0 → 1) reveals nothing; the second reveals the commit of index 0.
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen[0]!.row).toBe(0);
    expect(seen[1]!.row).toBe(2);
    expect(s.subnets[0]!.neurons.lastUpdate[1]).toBe(seen[1]!.block);
    expect(auditBooks(s)).toEqual([]);
  });

  it('a scenario with commit-reveal still pays miners by quality, one tempo later', () => {
    const text = readFileSync(new URL('../scenarios/baseline.yaml', import.meta.url), 'utf8');
    const sim = buildScenario(
      loadScenario(text, 'baseline.yaml', ['duration=1d', 'subnet_defaults.commit_reveal=true']),
    );
    expect(sim.genesis.subnets.every((x) => x.params.commitRevealEnabled)).toBe(true);
    const end = runSimulation(sim.genesis, sim.params, sim.agents, sim.blocks, () => {}, sim.events);
    expect(auditBooks(end)).toEqual([]);
    for (const subnet of end.subnets) {
      const miners = subnet.neurons.hotkeys.flatMap((h, uid) =>
        sim.minerQuality.has(h) ? [[sim.minerQuality.get(h)!, subnet.neurons.incentive[uid]!] as const] : [],
      );
      const mq = miners.reduce((a, [q]) => a + q, 0) / miners.length;
      const mi = miners.reduce((a, [, i]) => a + i, 0) / miners.length;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (const [q, i] of miners) {
        sxy += (q - mq) * (i - mi);
        sxx += (q - mq) ** 2;
        syy += (i - mi) ** 2;
      }
      expect(sxy / Math.sqrt(sxx * syy)).toBeGreaterThan(0.9);
    }
  });
});
