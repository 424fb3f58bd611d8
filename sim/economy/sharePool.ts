import type { HotkeyStake } from './state.ts';
import { TxError } from './txError.ts';

/**
 * Stake on one hotkey in one subnet as a share pool (`primitives/share-pool`): staking mints shares at the pool's
 * share price, dividends raise the pool's value without minting shares, so every holder gains pro rata.
 * Shares are exact integers here (the chain keeps them as a decimal SafeFloat); a holder's stake is floored,
 * so holders together own at most the pool's value and at most one rao per holder less.
 */
export const EMPTY_STAKE: HotkeyStake = { valueRao: 0n, shares: new Map(), totalShares: 0n };

export function stakeOf(pool: HotkeyStake, coldkey: string): bigint {
  const shares = pool.shares.get(coldkey) ?? 0n;
  return pool.totalShares === 0n ? 0n : (pool.valueRao * shares) / pool.totalShares;
}

/**
 * The shares of a pool with a single holder (most pools: a miner's stake is its owner's alone): a read-only map of
 * one entry. A Map costs a hash table per pool, and distribution makes a new one for every pool it credits, each
 * epoch: these were the largest share of what outlived the young generation (and what V8's scavenger copies).
 */
class OneHolder implements ReadonlyMap<string, bigint> {
  readonly size = 1;
  constructor(
    private readonly holder: string,
    private readonly count: bigint,
  ) {}
  get(key: string): bigint | undefined {
    return key === this.holder ? this.count : undefined;
  }
  has(key: string): boolean {
    return key === this.holder;
  }
  forEach(fn: (value: bigint, key: string, map: ReadonlyMap<string, bigint>) => void, thisArg?: unknown): void {
    fn.call(thisArg, this.count, this.holder, this);
  }
  entries(): MapIterator<[string, bigint]> {
    return new Map([[this.holder, this.count]]).entries();
  }
  keys(): MapIterator<string> {
    return new Map([[this.holder, this.count]]).keys();
  }
  values(): MapIterator<bigint> {
    return new Map([[this.holder, this.count]]).values();
  }
  [Symbol.iterator](): MapIterator<[string, bigint]> {
    return this.entries();
  }
}

function withShares(
  pool: HotkeyStake,
  coldkey: string,
  shares: bigint,
  valueRao: bigint,
  totalShares: bigint,
): HotkeyStake {
  const held = pool.shares;
  if (shares !== 0n && (held.size === 0 || (held.size === 1 && held.has(coldkey))))
    return { valueRao, shares: new OneHolder(coldkey, shares), totalShares };
  const next = new Map(held);
  if (shares === 0n) next.delete(coldkey);
  else next.set(coldkey, shares);
  return { valueRao, shares: next, totalShares };
}

/** `update_value_for_one` with a positive amount: the coldkey buys shares at the current share price. */
export function addStakeWithShares(pool: HotkeyStake, coldkey: string, amountRao: bigint): HotkeyStake {
  if (amountRao <= 0n) return pool;
  if (pool.totalShares === 0n || pool.valueRao === 0n) {
    // An empty (or worthless) pool starts over at one share per rao.
    return withShares(EMPTY_STAKE, coldkey, amountRao, amountRao, amountRao);
  }
  // At a share price of exactly 1 (a pool only ever staked into, as a miner's) the shares minted are the amount.
  const minted = pool.totalShares === pool.valueRao ? amountRao : (amountRao * pool.totalShares) / pool.valueRao;
  const own = (pool.shares.get(coldkey) ?? 0n) + minted;
  return withShares(pool, coldkey, own, pool.valueRao + amountRao, pool.totalShares + minted);
}

/** `update_value_for_all`: the pool's value grows (dividends to nominators); no shares are minted. */
export function addValueForAll(pool: HotkeyStake, amountRao: bigint): HotkeyStake {
  if (amountRao <= 0n) return pool;
  return { valueRao: pool.valueRao + amountRao, shares: pool.shares, totalShares: pool.totalShares };
}

/** `update_value_for_one` with a negative amount: the coldkey redeems shares worth `amountRao` (rounded up). */
export function removeStake(pool: HotkeyStake, coldkey: string, amountRao: bigint): HotkeyStake {
  const held = stakeOf(pool, coldkey);
  if (amountRao <= 0n) return pool;
  if (held < amountRao)
    throw new TxError('NotEnoughStakeToWithdraw', `${coldkey} holds ${held} rao, withdrawing ${amountRao}`);
  const own = pool.shares.get(coldkey) ?? 0n;
  const burned = amountRao === held ? own : (amountRao * pool.totalShares + pool.valueRao - 1n) / pool.valueRao;
  const burnedShares = burned > own ? own : burned;
  return withShares(pool, coldkey, own - burnedShares, pool.valueRao - amountRao, pool.totalShares - burnedShares);
}
