import { describe, expect, it } from 'vitest';
import { auditBooks } from '../sim/economy/auditBooks.ts';
import { buildScenario } from '../sim/engine/buildScenario.ts';
import { runSimulation } from '../sim/engine/runSimulation.ts';
import { loadScenario } from '../sim/io/loadScenario.ts';

const scenario = (cost: number, demand = '') => `
name: entry
seed: 9
duration: 4d
chain: { issuance: 11000000, tao_weight: 0.18 }
subnets:
  - name: text
    pool: { tao: 20000, alpha: 40000 }
    hyperparameters: { max_allowed_uids: 40, immunity_period: 2000 }
    validators: [{ count: 8, stake: 5000 }]${demand}
    miners:
      - { count: 10, quality_mean: 0.5, quality_sd: 0.2, entry: { budget: 500, cost_per_day: ${cost} } }
`;
const run = (cost: number, demand = '') => {
  const sim = buildScenario(loadScenario(scenario(cost, demand), 'entry.yaml'));
  return runSimulation(sim.genesis, sim.params, sim.agents, sim.blocks, () => {}, sim.events);
};

describe('miners entering and leaving', () => {
  it('register while expected earnings beat the burn plus cost, filling the subnet, then replace the weakest', () => {
    const end = run(2);
    const t = end.subnets[0]!.neurons;
    expect(t.hotkeys.length).toBe(40);
    const newcomers = t.hotkeys.filter((h) => h.includes('-new')).length;
    expect(newcomers).toBeGreaterThan(21); // more than the 21 free seats: some replaced pruned miners
    expect(auditBooks(end)).toEqual([]);
  });

  it('stay away when the operating cost is above what a miner could earn', () => {
    const t = run(100_000).subnets[0]!.neurons;
    expect(t.hotkeys.filter((h) => h.includes('-new'))).toEqual([]);
  });

  it('count the off-chain revenue of the subnet’s services: enough demand makes a costly subnet worth entering', () => {
    // 100 000 TAO a day of cost is far above what emission pays (the test above: nobody comes). 5 M TAO a day paid
    // off chain for the subnet's services (on-chain share 0), shared by 11 miners, is ~450 000 TAO a day each.
    const demand = '\n    demand: { tao_per_day: 5000000, on_chain_share: 0 }';
    const t = run(100_000, demand).subnets[0]!.neurons;
    expect(t.hotkeys.filter((h) => h.includes('-new')).length).toBeGreaterThan(0);
  });
});
