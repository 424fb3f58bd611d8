import { describe, expect, it } from 'vitest';
import { auditBooks } from '../sim/economy/auditBooks.ts';
import type { ChainState } from '../sim/economy/state.ts';
import type { BlockRecord } from '../sim/engine/blockStep.ts';
import { buildScenario } from '../sim/engine/buildScenario.ts';
import { runSimulation } from '../sim/engine/runSimulation.ts';
import { loadScenario, ScenarioError } from '../sim/io/loadScenario.ts';
import { lateEvents } from '../sim/io/runScenarioFile.ts';

const scenario = (events: string, extra = '') => `
name: events
seed: 4
duration: 2000
chain: { issuance: 11000000, tao_weight: 0.18 }
subnets:
  - name: text
    pool: { tao: 20000, alpha: 40000 }
    hyperparameters: { tempo: 100 }
    validators:
      - { count: 4, stake: 5000 }
      - { count: 5, stake: 5000${extra} }
    miners:
      - { count: 10 }
      - { count: 4, quality_mean: 0, quality_sd: 0, cabal: true }
  - name: image
    pool: { tao: 10000, alpha: 20000 }
    validators: [{ count: 3, stake: 5000 }]
    miners: { count: 10 }
events:
${events}
`;
function run(text: string, observe: (s: ChainState, r: BlockRecord) => void = () => {}) {
  const sim = buildScenario(loadScenario(text, 'events.yaml'));
  return {
    sim,
    end: runSimulation(sim.genesis, sim.params, sim.agents, sim.blocks, (s, r) => observe(s, r), sim.events),
  };
}
const price = (s: ChainState, netuid: number) => {
  const sub = s.subnets.find((x) => x.netuid === netuid)!;
  return Number(sub.pool.taoRao) / Number(sub.pool.alphaInRao);
};

describe('scenario events', () => {
  it('a stake shock at its block drops the subnet price, and only then', () => {
    const prices: number[] = [];
    const { end } = run(scenario('  - { at: 1000, stake_shock: { subnet: image, fraction: 0.5 } }'), (s) =>
      prices.push(price(s, 2)),
    );
    expect(prices[998]! - prices[997]!).toBeGreaterThan(-1e-3); // before: drifting up by emission only
    expect(prices[999]!).toBeLessThan(prices[998]! * 0.8); // block 1000: half of all stake sold
    expect(auditBooks(end)).toEqual([]);
  });

  it('a cabal that forms mid-run (a majority of the stake) takes over from then on', () => {
    const share = (s: ChainState) => {
      const t = s.subnets[0]!.neurons;
      let cabal = 0;
      let all = 0;
      t.hotkeys.forEach((h, uid) => {
        all += t.incentive[uid]!;
        if (h.startsWith('text-m1.')) cabal += t.incentive[uid]!;
      });
      return all === 0 ? 0 : cabal / all;
    };
    const seen: number[] = [];
    run(scenario('  - { at: 1000, validators_become: { subnet: text, group: 1, kind: cabal } }'), (s) =>
      seen.push(share(s)),
    );
    expect(seen[950]!).toBeLessThan(0.05);
    expect(seen[1999]!).toBeGreaterThan(0.9);
  });

  it('changes a parameter and dissolves a subnet at their blocks', () => {
    const tempos: number[] = [];
    const epochs: number[] = [];
    const { end } = run(
      scenario(`  - { at: 500, set_subnet: { subnet: text, hyperparameters: { tempo: 200 } } }
  - { at: 1500, dissolve_subnet: image }`),
      (s, r) => {
        tempos.push(s.subnets[0]!.params.tempo);
        if (r.epochs.some((x) => x.netuid === 1)) epochs.push(r.block);
      },
    );
    expect([tempos[498], tempos[499]]).toEqual([100, 200]);
    // Root's sudo_set_tempo resets the cycle (apply_tempo_with_cycle_reset): applied before block 500, at block
    // 499, the next epoch comes a new tempo later, at 699, then every 200 blocks.
    expect(epochs.filter((b) => b >= 499).slice(0, 3)).toEqual([699, 899, 1099]);
    expect(end.subnets.map((s) => s.name)).toEqual(['text']);
    expect(auditBooks(end)).toEqual([]);
  });

  it('may be dated: an ISO date is counted in 12-second blocks from the start', () => {
    const prices: number[] = [];
    // start defaults to 2026-06-30T00:00:00Z; 02:00 is 600 blocks later.
    run(scenario('  - { at: "2026-06-30T02:00:00Z", stake_shock: { subnet: image, fraction: 0.5 } }'), (s) =>
      prices.push(price(s, 2)),
    );
    expect(prices[598]!).toBeGreaterThan(prices[599]! * 1.2);
    expect(prices[597]! - prices[596]!).toBeGreaterThan(-1e-3);
  });

  it('are validated: one action each, known subnet names', () => {
    const problems = (events: string) => {
      try {
        loadScenario(scenario(events), 'x.yaml');
      } catch (e) {
        if (e instanceof ScenarioError) return e.problems.join('\n');
        throw e;
      }
      return '';
    };
    expect(problems('  - { at: 10, dissolve_subnet: audio }')).toMatch(/events\[0\]: no subnet named "audio"/);
    expect(problems('  - { at: 10 }')).toMatch(/exactly one of/);
    // The scenario's text subnet has two validator groups: 0 and 1.
    expect(problems('  - { at: 10, validators_become: { subnet: text, group: 2, kind: cabal } }')).toMatch(
      /events\[0\]\.validators_become\.group: a validator group index from 0 to 1 \(subnet text has 2 groups, numbered from 0\)/,
    );
    // A date before the scenario's start (2026-06-30 by default) would never come.
    expect(problems('  - { at: "2026-06-29T23:59:48Z", tao_weight: 0.1 }')).toMatch(
      /^\d+:\d+: events\[0\]\.at: a date at or after the scenario's start \(2026-06-30T00:00:00Z\), got "2026-06-29T23:59:48Z"$/,
    );
    expect(problems('  - { at: "2026-06-30T00:00:00Z", tao_weight: 0.1 }')).toBe('');
  });

  it("after the run's last block are named in a warning (they never happen)", () => {
    const text = scenario(
      '  - { at: 1999, tao_weight: 0.1 }\n  - { at: 2001, tao_weight: 0.2 }\n  - { at: 1d, tao_weight: 0.3 }',
    );
    const s = loadScenario(text, 'x.yaml');
    expect(lateEvents(s)).toEqual([
      "events[1] at block 2001 comes after the run's last block (2000): it never happens",
      "events[2] at block 7200 comes after the run's last block (2000): it never happens",
    ]);
    const shorter = loadScenario(text, 'x.yaml', ['duration=2001']);
    expect(lateEvents(shorter)).toHaveLength(1);
  });
});
