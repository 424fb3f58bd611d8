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

  it('read the same through a single-holder pool and a Map of every holder (any sequence of operations)', () => {
    // A pool with one holder keeps its shares without a hash table; after each operation its shares must read
    // exactly as a plain Map of the same holders would: size, get, has, keys, iteration order, copies.
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 30 }), (ops) => {
        let pool: HotkeyStake = EMPTY_STAKE;
        const expected = new Map<string, bigint>();
        for (const o of ops) {
          const before = pool;
          pool = apply(pool, o);
          if (pool === before) continue;
          expected.clear();
          for (const h of holders) {
            const own = pool.shares.get(h);
            if (own !== undefined) expected.set(h, own);
          }
          const entries = [...pool.shares];
          expect(pool.shares.size).toBe(entries.length);
          expect(new Map(entries)).toEqual(expected);
          expect([...pool.shares.keys()]).toEqual(entries.map(([k]) => k));
          expect([...pool.shares.values()]).toEqual(entries.map(([, v]) => v));
          expect(new Map(pool.shares)).toEqual(new Map(entries));
          for (const h of holders) expect(pool.shares.has(h)).toBe(expected.has(h));
          let seen = 0;
          pool.shares.forEach((v, k) => {
            expect(expected.get(k)).toBe(v);
            seen++;
          });
          expect(seen).toBe(expected.size);
          expect(entries.reduce((t, [, v]) => t + v, 0n)).toBe(pool.totalShares);
        }
      }),
    );
  });
});
