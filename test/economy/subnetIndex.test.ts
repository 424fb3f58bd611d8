import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SubnetState, subnetIndex } from '../../sim/economy/state.ts';

describe('subnetIndex', () => {
  it('finds a netuid in a netuid-ordered list as a linear search would, −1 when absent', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 300 }), { maxLength: 130 }),
        fc.integer({ min: 0, max: 301 }),
        (netuids, probe) => {
          const subnets = [...netuids].sort((a, b) => a - b).map((netuid) => ({ netuid }) as SubnetState);
          expect(subnetIndex(subnets, probe)).toBe(subnets.findIndex((s) => s.netuid === probe));
          for (const [i, s] of subnets.entries()) expect(subnetIndex(subnets, s.netuid)).toBe(i);
        },
      ),
    );
  });
});
