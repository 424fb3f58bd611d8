import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addStakeWithShares, addValueForAll, EMPTY_STAKE, removeStake, stakeOf } from '../sim/economy/sharePool.ts';
import type { HotkeyStake } from '../sim/economy/state.ts';
import { TxError } from '../sim/economy/txError.ts';

const holders = ['a', 'b', 'c', 'd'];
type Op = { kind: 'stake' | 'unstake' | 'dividend'; who: number; amount: bigint };
const op: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom('stake' as const, 'unstake' as const, 'dividend' as const),
  who: fc.integer({ min: 0, max: 3 }),
  amount: fc.bigInt(1n, 10n ** 13n),
});

function apply(pool: HotkeyStake, o: Op): HotkeyStake {
  const who = holders[o.who]!;
  if (o.kind === 'stake') return addStakeWithShares(pool, who, o.amount);
  if (o.kind === 'dividend') return pool.totalShares > 0n ? addValueForAll(pool, o.amount) : pool;
  const held = stakeOf(pool, who);
  try {
    return removeStake(pool, who, o.amount > held ? held : o.amount);
  } catch (e) {
    if (e instanceof TxError) return pool;
    throw e;
  }
}

describe('share pools', () => {
  it('give holders stakes that sum to the pool’s value, less at most one rao per holder', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), (ops) => {
        const pool = ops.reduce(apply, EMPTY_STAKE);
        const total = holders.reduce((a, h) => a + stakeOf(pool, h), 0n);
        expect(total).toBeLessThanOrEqual(pool.valueRao);
        expect(pool.valueRao - total).toBeLessThanOrEqual(BigInt(pool.shares.size));
        expect([...pool.shares.values()].reduce((a, b) => a + b, 0n)).toBe(pool.totalShares);
      }),
    );
  });

  it('split a dividend pro rata to shares', () => {
    let pool = addStakeWithShares(EMPTY_STAKE, 'a', 300n);
    pool = addStakeWithShares(pool, 'b', 100n);
    pool = addValueForAll(pool, 40n);
    expect([stakeOf(pool, 'a'), stakeOf(pool, 'b')]).toEqual([330n, 110n]);
  });

  it('return a whole withdrawal exactly and refuse more than is held', () => {
    let pool = addStakeWithShares(EMPTY_STAKE, 'a', 1000n);
    pool = addStakeWithShares(pool, 'b', 333n);
    pool = addValueForAll(pool, 77n);
    const held = stakeOf(pool, 'b');
    const after = removeStake(pool, 'b', held);
    expect(after.valueRao).toBe(pool.valueRao - held);
    expect(stakeOf(after, 'b')).toBe(0n);
    expect(() => removeStake(pool, 'b', held + 1n)).toThrow(TxError);
  });
});
