import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Agent, nextPeriodic } from '../sim/agents/types.ts';
import { AgentQueue } from '../sim/engine/agentQueue.ts';

describe('nextPeriodic', () => {
  it('is the first block at or after `from` where a periodic agent acts (brute force)', () => {
    fc.assert(
      fc.property(
        fc.nat(100_000),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: -600, max: 600 }),
        (from, every, offset) => {
          let b = from;
          while ((((b + 1 - offset) % every) + every) % every !== 0) b++;
          expect(nextPeriodic(from, every, offset)).toBe(b);
        },
      ),
    );
  });
});

describe('AgentQueue', () => {
  it('asks exactly the agents that would act, in index order, as asking every agent every block would', () => {
    // Each agent acts on blocks where (b + 1 − offset) % every = 0; some declare it (nextAct), some do not.
    const spec = fc.array(
      fc.record({ every: fc.integer({ min: 1, max: 40 }), offset: fc.nat(60), declares: fc.boolean() }),
      { minLength: 1, maxLength: 30 },
    );
    fc.assert(
      fc.property(spec, fc.nat(50), (specs, start) => {
        const acts = (s: (typeof specs)[number], b: number) =>
          (((b + 1 - s.offset) % s.every) + s.every) % s.every === 0;
        const agents: Agent[] = specs.map((s, i) => ({
          id: `a${i}`,
          act: () => [],
          ...(s.declares ? { nextAct: (from: number) => nextPeriodic(from, s.every, s.offset) } : {}),
        }));
        const queue = new AgentQueue(agents, start);
        for (let b = start; b < start + 200; b++) {
          const due = queue.due(b);
          const acting = due.filter((i) => acts(specs[i]!, b));
          const expected = specs.flatMap((s, i) => (acts(s, b) ? [i] : []));
          expect(acting).toEqual(expected);
          expect(due).toEqual([...due].sort((x, y) => x - y));
          // Agents without nextAct are asked every block.
          for (const [i, s] of specs.entries()) if (!s.declares) expect(due).toContain(i);
          for (const i of due) queue.schedule(i, b + 1);
        }
      }),
    );
  });

  it('never asks an agent again once it says it is done', () => {
    let asked = 0;
    const agents: Agent[] = [{ id: 'x', act: () => [], nextAct: (from) => (from < 5 ? 5 : Number.POSITIVE_INFINITY) }];
    const queue = new AgentQueue(agents, 0);
    for (let b = 0; b < 20; b++) {
      const due = queue.due(b);
      asked += due.length;
      if (due.length > 0) expect(b).toBe(5);
      for (const i of due) queue.schedule(i, b + 1);
    }
    expect(asked).toBe(1);
  });
});
