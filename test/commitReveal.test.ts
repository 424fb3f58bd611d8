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
import { smallNetwork, withPermits } from './support/smallNetwork.ts';

const params: ChainParams = { ...DEFAULT_CHAIN_PARAMS, rootClaim: null };
/** The small network with commit-reveal on every subnet (reveal period `period` epochs), validators with permits. */
const withCommitReveal = (period = 1): ChainState => {
  const s = withPermits(smallNetwork());
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

  it('a weights set is a commit: nothing is stored, LastUpdate becomes the commit block (weights.rs:376)', () => {
    const s0 = withCommitReveal();
    const s1 = setWeights(s0, params, tx);
    const before = s0.subnets[0]!.neurons;
    const after = s1.subnets[0]!.neurons;
    expect(after.weights[1]).toEqual(before.weights[1]);
    expect(after.lastUpdate[1]).toBe(s0.block);
    expect(after.lastUpdate.filter((_, uid) => uid !== 1)).toEqual(before.lastUpdate.filter((_, uid) => uid !== 1));
    expect(s1.subnets[0]!.weightCommits).toEqual([
      {
        hotkey: 'sn1-v0',
        uid: 1,
        cols: Uint16Array.of(5, 6),
        vals: Uint16Array.of(65535, 32768),
        epoch: 0, // SubnetEpochIndex 0, no epoch due at this block
        block: s0.block,
      },
    ]);
  });

  it('keys a commit made while the epoch is due (deferred past the per-block cap) to the coming epoch', () => {
    const s0 = withCommitReveal();
    // Subnet 1 due at this block: its last epoch a tempo (20 blocks) ago, not yet run (deferred: PendingEpochAt next).
    const due: ChainState = {
      ...s0,
      block: 100,
      subnets: s0.subnets.map((x) =>
        x.netuid === 1 ? { ...x, lastEpochBlock: 80, pendingEpochAt: 101, epochIndex: 4 } : x,
      ),
    };
    expect(setWeights(due, params, tx).subnets[0]!.weightCommits[0]!.epoch).toBe(5); // 4 + the look-ahead
    const notDue: ChainState = {
      ...due,
      subnets: due.subnets.map((x) => (x.netuid === 1 ? { ...x, lastEpochBlock: 81 } : x)),
    };
    expect(setWeights(notDue, params, tx).subnets[0]!.weightCommits[0]!.epoch).toBe(4);
  });

  it('reveals the commits keyed epoch counter + 1 − reveal period, in commit order; older ones are dropped', () => {
    const s1 = setWeights(setWeights(withCommitReveal(2), params, tx), params, { ...tx, weights: [0.5, 1] });
    const sub = s1.subnets[0]!; // both commits keyed 0
    // At the fire block with the counter at 1 (it looks ahead to 2 = 0 + the period): both revealed, the second wins.
    const revealed = revealCommits({ ...sub, epochIndex: 1 });
    expect(revealed.neurons.weights[1]).toEqual({ cols: Uint16Array.of(5, 6), vals: Uint16Array.of(32768, 65535) });
    expect(revealed.neurons.lastUpdate).toEqual(sub.neurons.lastUpdate); // the reveal leaves LastUpdate (weights.rs:851)
    expect(revealed.weightCommits).toEqual([]);
    // The counter at 0: still waiting. At 2: expired, dropped unrevealed.
    expect(revealCommits(sub)).toBe(sub);
    const late = revealCommits({ ...sub, epochIndex: 2 });
    expect(late.weightCommits).toEqual([]);
    expect(late.neurons.weights[1]).toEqual(sub.neurons.weights[1]);
  });

  it('skips, at the reveal, a commit whose uids are no longer all below the subnet size', () => {
    // Two validators commit rows over the same miners' uids (one columns array); one row reaches the last uid.
    const n = withCommitReveal().subnets[0]!.neurons.hotkeys.length;
    const last = { ...tx, hotkey: 'sn1-v1', uids: [5, n - 1] };
    const sub = setWeights(setWeights(withCommitReveal(), params, tx), params, last).subnets[0]!;
    // The subnet one uid smaller at the reveal: the row with uid n − 1 is dropped, the other stored.
    const smaller = { ...sub, neurons: { ...sub.neurons, hotkeys: sub.neurons.hotkeys.slice(0, n - 1) } };
    const revealed = revealCommits(smaller);
    expect(revealed.neurons.weights[1]!.cols).toEqual(Uint16Array.of(5, 6));
    expect(revealed.neurons.weights[2]).toEqual(sub.neurons.weights[2]);
    // At full size both are stored.
    const full = revealCommits(sub);
    expect(full.neurons.weights[2]!.cols).toEqual(Uint16Array.of(5, n - 1));
  });

  it('skips, at the reveal, a committer without a validator permit then — not its self-weight, not the owner', () => {
    const s0 = withCommitReveal();
    let s = setWeights(s0, params, tx); // sn1-v0, uid 1: [5, 6]
    s = setWeights(s, params, { hotkey: 'sn1-m0', netuid: 1, uids: [6], weights: [1] }); // uid 5 on uid 6
    s = setWeights(s, params, { hotkey: 'sn1-m1', netuid: 1, uids: [6], weights: [1] }); // uid 6 on itself
    s = setWeights(s, params, { hotkey: 'owner1-hot', netuid: 1, uids: [5, 6], weights: [1, 1] }); // uid 0
    const sub = s.subnets[0]!;
    const noPermits = new Uint8Array(sub.neurons.hotkeys.length); // permits lost by the reveal (the chain reads them then)
    const revealed = revealCommits({ ...sub, neurons: { ...sub.neurons, validatorPermits: noPermits } });
    expect(revealed.neurons.weights[1]).toEqual(sub.neurons.weights[1]); // no permit: skipped
    expect(revealed.neurons.weights[5]).toEqual(sub.neurons.weights[5]); // a miner's weight on another: skipped
    expect(revealed.neurons.weights[6]!.cols).toEqual(Uint16Array.of(6)); // a self-weight needs none
    expect(revealed.neurons.weights[0]!.cols).toEqual(Uint16Array.of(5, 6)); // the owner's hotkey needs none
    // With the permits of the last epoch, the validator's row is stored.
    expect(revealCommits(sub).neurons.weights[1]!.cols).toEqual(Uint16Array.of(5, 6));
  });

  it('reveals a commit at the committer’s uid at the reveal, wherever it moved, and skips a departed committer', () => {
    const sub = setWeights(withCommitReveal(), params, tx).subnets[0]!; // sn1-v0 commits from uid 1
    const hotkeys = sub.neurons.hotkeys;
    const permits = Uint8Array.from(sub.neurons.validatorPermits, (p, uid) => (uid === 7 ? 1 : p));
    // sn1-v0 now at uid 7 (uid 1 someone else's): the row goes to uid 7, uid 1 keeps its own.
    const moved = hotkeys.map((h, uid) => (uid === 1 ? 'newcomer' : uid === 7 ? 'sn1-v0' : h));
    const atSeven = revealCommits({ ...sub, neurons: { ...sub.neurons, hotkeys: moved, validatorPermits: permits } });
    expect(atSeven.neurons.weights[7]!.cols).toEqual(Uint16Array.of(5, 6));
    expect(atSeven.neurons.weights[1]).toEqual(sub.neurons.weights[1]);
    // sn1-v0 gone: nothing stored.
    const gone = hotkeys.map((h, uid) => (uid === 1 ? 'newcomer' : h));
    const none = revealCommits({ ...sub, neurons: { ...sub.neurons, hotkeys: gone } });
    expect(none.neurons.weights).toEqual(sub.neurons.weights);
    expect(none.weightCommits).toEqual([]);
  });

  it('in the engine, weights committed during a tempo are revealed and used at the next epoch', () => {
    // Genesis without permits: the first epoch (block 20 on subnet 1, tempo 20) grants them.
    let s = smallNetwork();
    s = { ...s, subnets: s.subnets.map((x) => ({ ...x, params: { ...x.params, commitRevealEnabled: true } })) };
    s = setWeights(s, params, tx); // at block 0, keyed 0: accepted without a permit (the chain sees a ciphertext)
    const rowAt: Record<number, number> = {};
    const commitAt = 25;
    for (let b = 0; b < 60; b++) {
      if (s.block === commitAt) s = setWeights(s, params, { ...tx, uids: [5, 6, 7], weights: [1, 1, 1] }); // keyed 1
      const step = blockStep(s, params);
      s = step.state;
      for (const e of step.record.epochs)
        if (e.netuid === 1) rowAt[step.record.block] = s.subnets[0]!.neurons.weights[1]!.cols.length;
    }
    // Block 20: the block-0 commit (keyed 0 = 0 + 1 − 1) is due but uid 1 has no permit yet: dropped.
    // Block 40: the block-25 commit (keyed 1 = 1 + 1 − 1) is revealed before the epoch runs; it stays at block 60.
    expect(rowAt).toEqual({ 20: 0, 40: 3, 60: 3 });
    expect(s.subnets[0]!.neurons.lastUpdate[1]).toBe(commitAt);
    expect(s.subnets[0]!.weightCommits).toEqual([]);
    expect(auditBooks(s)).toEqual([]);
  });

  it('a scenario with commit-reveal still pays miners by quality', () => {
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
