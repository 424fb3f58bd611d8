import { describe, expect, it } from 'vitest';
import { auditBooks } from '../sim/economy/auditBooks.ts';
import { setHyperparameters } from '../sim/economy/ops/setHyperparameters.ts';
import { buildScenario } from '../sim/engine/buildScenario.ts';
import { runSimulation } from '../sim/engine/runSimulation.ts';
import { loadScenario } from '../sim/io/loadScenario.ts';

const text = `
name: owners
seed: 3
duration: 5d
chain: { issuance: 11000000, tao_weight: 0.18 }
subnets:
  - name: text
    pool: { tao: 20000, alpha: 40000 }
    validators: [{ count: 4, stake: 5000 }]
    miners: { count: 10 }
subnet_owners:
  - { name: first, budget: 3000, max_lock: 1000, from: 10 }
  - { name: second, budget: 3000, max_lock: 1500, from: 10 }
`;

describe('subnet owners', () => {
  it('register when the lock cost allows: at the 1000 TAO minimum at once, then after the doubled cost decays', () => {
    const sim = buildScenario(loadScenario(text, 'owners.yaml'));
    const registeredAt = new Map<string, number>();
    const end = runSimulation(
      sim.genesis,
      sim.params,
      sim.agents,
      sim.blocks,
      (s) => {
        for (const sub of s.subnets) if (!registeredAt.has(sub.name)) registeredAt.set(sub.name, sub.registeredAt);
      },
      sim.events,
    );
    // From block 10 on (acting after block 9): the first pays the 1000 TAO minimum at once. (At block 0 the chain
    // would read the last lock block 0 as "never" and charge the minimum twice.)
    expect(registeredAt.get('first')).toBe(9);
    // The second lock costs 2000 TAO right after. At 11 M TAO issued (0.5 TAO a block) the lock interval is
    // 57 600 × 0.5 = 28 800 blocks, so it falls 1000 TAO / 28 800 = 34 722 222 rao a block and reaches 1500 TAO after
    // 500 TAO / 34 722 222 rao = 14 400.0002 → 14 401 blocks. But NetworkRateLimit (28 800 blocks since the last
    // lock) holds the second owner until block 9 + 28 800, when the cost is 2000 TAO − 34 722 222 × 28 800 rao.
    expect(registeredAt.get('second')).toBe(28_809);
    expect(end.balances.get('second-founder')).toBe(3000n * 1_000_000_000n - 1_000_000_006_400n);
    const first = end.subnets.find((s) => s.name === 'first')!;
    expect(first.firstEmissionBlock).toBe(11); // start_call the next block, emissions from the one after
    expect(end.balances.get('first-founder')).toBe(2000n * 1_000_000_000n);
    expect(auditBooks(end)).toEqual([]);
  });

  it('set their hyperparameters once their subnet runs; nobody else can', () => {
    const tuned = text.replace(
      '{ name: first, budget: 3000, max_lock: 1000, from: 10 }',
      '{ name: first, budget: 3000, max_lock: 1000, from: 10, hyperparameters: { tempo: 720, bonds_penalty: 40000 } }',
    );
    const sim = buildScenario(loadScenario(tuned, 'owners.yaml', ['duration=100']));
    const end = runSimulation(sim.genesis, sim.params, sim.agents, sim.blocks, () => {}, sim.events);
    const first = end.subnets.find((s) => s.name === 'first')!;
    expect(first.params.tempo).toBe(720);
    expect(first.params.bondsPenalty).toBe(40000);
    expect(end.subnets.find((s) => s.name === 'second')?.params.tempo ?? 360).toBe(360);
    // Another coldkey is refused (ensure_subnet_owner: BadOrigin) and changes nothing; the owner's tempo is bounded
    // (MIN_TEMPO 360 ..= MAX_TEMPO 50 400, subtensor lib.rs:1812; more in test/hyperparameters.test.ts).
    expect(() =>
      setHyperparameters(end, { coldkey: 'text-owner-cold', netuid: first.netuid, params: { tempo: 1000 } }),
    ).toThrow(expect.objectContaining({ code: 'BadOrigin' }));
    expect(() =>
      setHyperparameters(end, { coldkey: first.ownerColdkey, netuid: first.netuid, params: { tempo: 7 } }),
    ).toThrow(expect.objectContaining({ code: 'TempoOutOfBounds' }));
  });
});
