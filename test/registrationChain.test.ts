import { describe, expect, it } from 'vitest';
import { auditBooks } from '../sim/economy/auditBooks.ts';
import type { SubnetState } from '../sim/economy/state.ts';
import { buildScenario } from '../sim/engine/buildScenario.ts';
import { runSimulation } from '../sim/engine/runSimulation.ts';
import { loadScenario } from '../sim/io/loadScenario.ts';

// Registration rules of subtensor 14bc6f9f as scenario options: NetworkRateLimit (subnets/subnet.rs:146-150) and
// the new subnet's SubnetEmissionEnabled = false (subnet.rs:287), which only root turns on — here an event.

const TAO = 1_000_000_000n;
const text = `
name: owners
seed: 3
duration: 300
chain: { issuance: 11000000, tao_weight: 0.18 }
subnets:
  - name: text
    pool: { tao: 20000, alpha: 40000 }
    hyperparameters: { tempo: 50 }
    validators: [{ count: 2, stake: 5000 }]
    miners: { count: 4 }
subnet_owners:
  - { name: first, budget: 3000, max_lock: 1000, from: 10 }
events:
  - { at: 5, set_subnet: { subnet: first, hyperparameters: { emission_enabled: true } } }
  - { at: 100, set_subnet: { subnet: first, hyperparameters: { emission_enabled: true } } }
`;

describe('registration options', () => {
  it('default to the chain: NetworkRateLimit 28 800, new subnets without emission; both can be set', () => {
    const plain = buildScenario(loadScenario(text, 'owners.yaml')).params;
    expect([plain.networkRateLimit, plain.newSubnetEmissionEnabled]).toEqual([28_800, false]);
    const set = buildScenario(
      loadScenario(text, 'owners.yaml', ['chain.network_rate_limit=7200', 'chain.new_subnets_emit=true']),
    ).params;
    expect([set.networkRateLimit, set.newSubnetEmissionEnabled]).toEqual([7200, true]);
  });

  it("let an event enable an owner's new subnet (root's call on chain); before it the subnet gets no TAO", () => {
    const sim = buildScenario(loadScenario(text, 'owners.yaml'));
    const seen = new Map<number, SubnetState | undefined>();
    const end = runSimulation(
      sim.genesis,
      sim.params,
      sim.agents,
      sim.blocks,
      (s) =>
        seen.set(
          s.block,
          s.subnets.find((x) => x.name === 'first'),
        ),
      sim.events,
    );
    // The event at block 5 finds no subnet yet (registered at block 9, start_call at 10) and changes nothing.
    expect(seen.get(8)).toBeUndefined();
    const before = seen.get(99)!;
    expect(before.firstEmissionBlock).toBe(11);
    expect(before.params.emissionEnabled).toBe(false);
    expect(before.movingPriceI96F32).toBeGreaterThan(0n); // it has a share; the switch withholds the TAO
    // Nobody stakes on it: its pool TAO is exactly the 1000 TAO lock until root (the event at 100) enables it.
    expect(before.pool.taoRao).toBe(1000n * TAO);
    const after = end.subnets.find((x) => x.name === 'first')!;
    expect(after.params.emissionEnabled).toBe(true);
    expect(after.pool.taoRao).toBeGreaterThan(1000n * TAO);
    expect(end.subnets.find((x) => x.name === 'text')!.params.emissionEnabled).toBe(true);
    expect(auditBooks(end)).toEqual([]);
  });

  it("accept an owner's subnet name only in set_subnet events", () => {
    const bad = text.replace(
      '{ at: 100, set_subnet: { subnet: first, hyperparameters: { emission_enabled: true } } }',
      '{ at: 100, stake_shock: { subnet: first, fraction: 0.1 } }',
    );
    expect(() => loadScenario(bad, 'owners.yaml')).toThrow(/no subnet named "first"/);
    expect(() => loadScenario(text.replaceAll('subnet: first', 'subnet: nowhere'), 'owners.yaml')).toThrow(
      /no subnet named "nowhere"/,
    );
  });
});
