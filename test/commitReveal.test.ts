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
/** A reveal on the block of an epoch that runs (the counter looks ahead). */
const FIRE = { block: 500, lookahead: true };

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
    const revealed = revealCommits({ ...sub, epochIndex: 1 }, FIRE);
    expect(revealed.neurons.weights[1]).toEqual({ cols: Uint16Array.of(5, 6), vals: Uint16Array.of(32768, 65535) });
    expect(revealed.neurons.lastUpdate).toEqual(sub.neurons.lastUpdate); // the reveal leaves LastUpdate (weights.rs:851)
    expect(revealed.weightCommits).toEqual([]);
    // The counter at 0: still waiting. At 2: expired, dropped unrevealed.
    expect(revealCommits(sub, FIRE)).toBe(sub);
    const late = revealCommits({ ...sub, epochIndex: 2 }, FIRE);
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
    const revealed = revealCommits(smaller, FIRE);
    expect(revealed.neurons.weights[1]!.cols).toEqual(Uint16Array.of(5, 6));
    expect(revealed.neurons.weights[2]).toEqual(sub.neurons.weights[2]);
    // At full size both are stored.
    const full = revealCommits(sub, FIRE);
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
    const revealed = revealCommits({ ...sub, neurons: { ...sub.neurons, validatorPermits: noPermits } }, FIRE);
    expect(revealed.neurons.weights[1]).toEqual(sub.neurons.weights[1]); // no permit: skipped
    expect(revealed.neurons.weights[5]).toEqual(sub.neurons.weights[5]); // a miner's weight on another: skipped
    expect(revealed.neurons.weights[6]!.cols).toEqual(Uint16Array.of(6)); // a self-weight needs none
    expect(revealed.neurons.weights[0]!.cols).toEqual(Uint16Array.of(5, 6)); // the owner's hotkey needs none
    // With the permits of the last epoch, the validator's row is stored.
    expect(revealCommits(sub, FIRE).neurons.weights[1]!.cols).toEqual(Uint16Array.of(5, 6));
  });

  it('reveals a commit at the committer’s uid at the reveal, wherever it moved, and skips a departed committer', () => {
    const sub = setWeights(withCommitReveal(), params, tx).subnets[0]!; // sn1-v0 commits from uid 1
    const hotkeys = sub.neurons.hotkeys;
    const permits = Uint8Array.from(sub.neurons.validatorPermits, (p, uid) => (uid === 7 ? 1 : p));
    // sn1-v0 now at uid 7 (uid 1 someone else's): the row goes to uid 7, uid 1 keeps its own.
    const moved = hotkeys.map((h, uid) => (uid === 1 ? 'newcomer' : uid === 7 ? 'sn1-v0' : h));
    const atSeven = revealCommits(
      { ...sub, neurons: { ...sub.neurons, hotkeys: moved, validatorPermits: permits } },
      FIRE,
    );
    expect(atSeven.neurons.weights[7]!.cols).toEqual(Uint16Array.of(5, 6));
    expect(atSeven.neurons.weights[1]).toEqual(sub.neurons.weights[1]);
    // sn1-v0 gone: nothing stored.
    const gone = hotkeys.map((h, uid) => (uid === 1 ? 'newcomer' : h));
    const none = revealCommits({ ...sub, neurons: { ...sub.neurons, hotkeys: gone } }, FIRE);
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

  it('accepts a commit the reveal will refuse (the chain sees a ciphertext), and skips it at the reveal', () => {
    const s0 = withCommitReveal();
    const bad = setWeights(s0, params, { hotkey: 'sn1-v0', netuid: 1, uids: [5, 5], weights: [1, 1] });
    const sub = bad.subnets[0]!;
    expect(sub.weightCommits.length).toBe(1);
    expect(sub.neurons.lastUpdate[1]).toBe(s0.block); // the commit counts as activity all the same
    const revealed = revealCommits(sub, FIRE);
    expect(revealed.neurons.weights[1]).toEqual(sub.neurons.weights[1]); // DuplicateUids at the reveal: skipped
    expect(revealed.weightCommits).toEqual([]);
  });

  it('reveals on any block what is due there, without the look-ahead (a reveal period lowered meanwhile)', () => {
    const sub = setWeights(withCommitReveal(2), params, tx).subnets[0]!; // keyed 0, period 2: due when 0 = counter + 1 − 2
    // The owner lowers the period to 1 while the counter is 1, on a block without an epoch: 0 = 1 − 1 is due now.
    const lowered = { ...sub, epochIndex: 1, params: { ...sub.params, revealPeriodEpochs: 1 } };
    expect(revealCommits(lowered, { block: 30, lookahead: false }).neurons.weights[1]!.cols).toEqual(
      Uint16Array.of(5, 6),
    );
    // With the period still 2 nothing is due on that block (−1), and the commit waits.
    const waiting = { ...sub, epochIndex: 1 };
    expect(revealCommits(waiting, { block: 30, lookahead: false })).toBe(waiting);
  });

  it('with commit-reveal turned off before the reveal, applies the rate limit and sets LastUpdate then', () => {
    const committed = setWeights({ ...withCommitReveal(), block: 5 }, params, tx).subnets[0]!; // LastUpdate 5
    const off = { ...committed, params: { ...committed.params, commitRevealEnabled: false } };
    // 100 blocks after the commit's LastUpdate: stored, LastUpdate = the reveal block.
    const late = revealCommits(off, { block: 105, lookahead: true });
    expect(late.neurons.weights[1]!.cols).toEqual(Uint16Array.of(5, 6));
    expect(late.neurons.lastUpdate[1]).toBe(105);
    // 99 blocks after: SettingWeightsTooFast at the reveal, skipped (and the commit is gone).
    const early = revealCommits(off, { block: 104, lookahead: true });
    expect(early.neurons.weights[1]).toEqual(off.neurons.weights[1]);
    expect(early.neurons.lastUpdate[1]).toBe(5);
    expect(early.weightCommits).toEqual([]);
  });

  it('reveals nothing on a subnet whose epoch the per-block cap defers: on the block it runs instead', () => {
    // Subnets 1–3 all due at block 20 (tempo 20); MaxEpochsPerBlock 2 runs 1 and 2 there and defers 3 to block 21.
    let s = setWeights(withCommitReveal(), params, { hotkey: 'sn3-v0', netuid: 3, uids: [3, 4], weights: [1, 1] });
    while (s.block < 20) s = blockStep(s, params).state;
    expect(s.subnets[2]!.weightCommits.length).toBe(1); // block 20: deferred, not revealed
    expect(s.subnets[2]!.neurons.weights[1]!.cols.length).toBe(0);
    const at21 = blockStep(s, params);
    expect(at21.record.epochs.map((e) => e.netuid)).toEqual([3]);
    expect(at21.state.subnets[2]!.weightCommits).toEqual([]);
    expect(at21.state.subnets[2]!.neurons.weights[1]!.cols).toEqual(Uint16Array.of(3, 4));
  });

  it('under the [legacy] modulo schedule, keys a commit of a block whose epoch just ran to the next one', () => {
    const legacy: ChainParams = { ...params, epochSchedule: 'legacyModulo' };
    const s0 = withCommitReveal();
    // Subnet 1, tempo 20: the modulo rule is due at (block + 2) % 21 = 0, block 19.
    const at19 = (lastEpochBlock: number): ChainState => ({
      ...s0,
      block: 19,
      subnets: s0.subnets.map((x) => (x.netuid === 1 ? { ...x, lastEpochBlock, epochIndex: 3 } : x)),
    });
    expect(setWeights(at19(19), legacy, tx).subnets[0]!.weightCommits[0]!.epoch).toBe(3); // ran at 19: behind
    expect(setWeights(at19(0), legacy, tx).subnets[0]!.weightCommits[0]!.epoch).toBe(4); // due, not run: ahead
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
