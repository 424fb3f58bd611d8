import { describe, expect, it } from 'vitest';
import { auditBooks } from '../sim/economy/auditBooks.ts';
import { DEFAULT_CHAIN_PARAMS } from '../sim/economy/genesis.ts';
import { addStake } from '../sim/economy/ops/addStake.ts';
import { moveStake } from '../sim/economy/ops/moveStake.ts';
import { removeStake } from '../sim/economy/ops/removeStake.ts';
import { addRootStake, removeRootStake } from '../sim/economy/ops/rootStake.ts';
import { setTake } from '../sim/economy/ops/setTake.ts';
import { stakeOf } from '../sim/economy/sharePool.ts';
import type { ChainParams, ChainState } from '../sim/economy/state.ts';
import { runBlocks } from '../sim/engine/runBlocks.ts';
import { smallNetwork } from './support/smallNetwork.ts';
import { txCode } from './support/txCode.ts';

const TAO = 1_000_000_000n;
const params: ChainParams = { ...DEFAULT_CHAIN_PARAMS, consensusMode: 'float' };
const code = txCode;

describe('staking through a subnet pool', () => {
  it('returns less than staked on a round trip by exactly the fees and the slippage of x·y = k', () => {
    const s0 = smallNetwork();
    const pool = s0.subnets[0]!.pool; // 10 000 TAO / 20 000 alpha
    const staked = 100n * TAO;
    const s1 = addStake(s0, params, { coldkey: 'alice', hotkey: 'sn1-v0', netuid: 1, taoRao: staked });
    const alpha = stakeOf(s1.subnets[0]!.stakes.get('sn1-v0')!, 'alice');
    // Independent constant-product arithmetic: fee = amount·33/65535 (the chain may charge one rao less),
    // out = floor(x·in/(y + in)) (the chain may pay one rao more).
    const feeIn = (staked * 33n) / 65535n;
    const expectAlpha = (pool.alphaInRao * (staked - feeIn)) / (pool.taoRao + staked - feeIn);
    expect(alpha - expectAlpha).toBeGreaterThanOrEqual(0n);
    expect(alpha - expectAlpha).toBeLessThanOrEqual(2n);
    const s2 = removeStake(s1, params, { coldkey: 'alice', hotkey: 'sn1-v0', netuid: 1, alphaRao: alpha });
    const back = s2.balances.get('alice')! - (s1.balances.get('alice') ?? 0n);
    const p1 = s1.subnets[0]!.pool;
    const feeOut = (alpha * 33n) / 65535n;
    const expectTao = (p1.taoRao * (alpha - feeOut)) / (p1.alphaInRao + alpha - feeOut);
    expect(back - expectTao).toBeGreaterThanOrEqual(-2n);
    expect(back - expectTao).toBeLessThanOrEqual(2n);
    expect(back).toBeLessThan(staked);
    // The fees went to the block author, nothing was created: the books still balance.
    expect(s2.balances.get('author')! > 0n).toBe(true);
    expect(auditBooks(s2)).toEqual([]);
  });

  it('moves stake between hotkeys of one subnet without touching the pool', () => {
    const s1 = addStake(smallNetwork(), params, { coldkey: 'alice', hotkey: 'sn1-v0', netuid: 1, taoRao: 50n * TAO });
    const alpha = stakeOf(s1.subnets[0]!.stakes.get('sn1-v0')!, 'alice');
    const s2 = moveStake(s1, params, {
      coldkey: 'alice',
      fromHotkey: 'sn1-v0',
      toHotkey: 'sn1-v1',
      fromNetuid: 1,
      toNetuid: 1,
      alphaRao: alpha,
    });
    expect(s2.subnets[0]!.pool).toEqual(s1.subnets[0]!.pool);
    expect(stakeOf(s2.subnets[0]!.stakes.get('sn1-v1')!, 'alice')).toBe(alpha);
    expect(stakeOf(s2.subnets[0]!.stakes.get('sn1-v0')!, 'alice')).toBe(0n);
    const s3 = moveStake(s2, params, {
      coldkey: 'alice',
      fromHotkey: 'sn1-v1',
      toHotkey: 'sn2-v0',
      fromNetuid: 1,
      toNetuid: 2,
      alphaRao: alpha,
    });
    expect(stakeOf(s3.subnets[1]!.stakes.get('sn2-v0')!, 'alice')).toBeGreaterThan(0n);
    expect(s3.subnets[0]!.pool.taoRao).toBeLessThan(s2.subnets[0]!.pool.taoRao);
    expect(auditBooks(s3)).toEqual([]);
  });

  it('stakes TAO on root one to one, and back', () => {
    const s1 = addRootStake(smallNetwork(), { coldkey: 'bob', hotkey: 'sn1-v2', taoRao: 150n * TAO });
    expect(s1.rootTaoRao).toBe(smallNetwork().rootTaoRao + 150n * TAO);
    expect(stakeOf(s1.rootStakes.get('sn1-v2')!, 'bob')).toBe(150n * TAO);
    const s2 = removeRootStake(s1, { coldkey: 'bob', hotkey: 'sn1-v2', taoRao: 150n * TAO });
    expect(s2.balances.get('bob')).toBe(200n * TAO);
    expect(auditBooks(s2)).toEqual([]);
  });
});

describe('delegate take', () => {
  // At block 10: the chain reads a last-change block of 0 as "never", so block 0 would not start the rate limit.
  const s = { ...smallNetwork(), block: 10 };
  it('lowers freely, raises at most to 18% and once per 30 days', () => {
    const lowered = setTake(s, { coldkey: 'sn1-v0-cold', hotkey: 'sn1-v0', takeU16: 5000 });
    expect(lowered.hotkeys.get('sn1-v0')!.takeU16).toBe(5000);
    expect(code(() => setTake(lowered, { coldkey: 'sn1-v0-cold', hotkey: 'sn1-v0', takeU16: 6000 }))).toBe(
      'DelegateTxRateLimitExceeded',
    );
    const later = { ...lowered, block: lowered.block + 216_001 };
    expect(
      setTake(later, { coldkey: 'sn1-v0-cold', hotkey: 'sn1-v0', takeU16: 6000 }).hotkeys.get('sn1-v0')!.takeU16,
    ).toBe(6000);
    expect(code(() => setTake(later, { coldkey: 'sn1-v0-cold', hotkey: 'sn1-v0', takeU16: 11_797 }))).toBe(
      'DelegateTakeTooHigh',
    );
    expect(code(() => setTake(s, { coldkey: 'alice', hotkey: 'sn1-v0', takeU16: 100 }))).toBe('NonAssociatedColdKey');
    expect(code(() => setTake(s, { coldkey: 'sn1-v0-cold', hotkey: 'sn1-v0', takeU16: 11_796 }))).toBe(
      'DelegateTakeTooLow',
    );
  });
});

describe('slashing (opt-in, not on chain)', () => {
  // A validator that never sets weights (nobody does in this network) and holds a permit is "offline".
  const run = (p: ChainParams): ChainState => runBlocks(smallNetwork(), p, 45);
  it('changes nothing when off, as on chain', () => {
    const off = run(params);
    expect(off.subnets[0]!.burnedAlphaRao).toBe(0n);
  });
  it('takes the fraction of an offline validator’s stake at each epoch, and the books still balance', () => {
    const on = run({ ...params, slashing: { fractionPpm: 10_000, offlineBlocks: 10, destination: 'burn' } });
    const off = run(params);
    const v = (s: ChainState) => s.subnets[0]!.stakes.get('sn1-v3')!.valueRao;
    expect(v(on)).toBeLessThan(v(off));
    expect(on.subnets[0]!.burnedAlphaRao).toBeGreaterThan(0n);
    expect(auditBooks(on)).toEqual([]);
    const recycled = run({ ...params, slashing: { fractionPpm: 10_000, offlineBlocks: 10, destination: 'recycle' } });
    expect(recycled.subnets[0]!.pool.alphaOutRao).toBeLessThan(off.subnets[0]!.pool.alphaOutRao);
    expect(auditBooks(recycled)).toEqual([]);
  });
});

describe('root stake checks as validate_add_stake / validate_remove_stake on netuid 0', () => {
  const s0 = smallNetwork(); // bob: 200 TAO free; root-whale: 50 000 TAO on root via sn1-v0
  const MIN = 2_000_000n; // DefaultMinStake; the root swap has no fee, so this is the whole add minimum
  const add = (taoRao: bigint, hotkey = 'sn1-v2', coldkey = 'bob') => addRootStake(s0, { coldkey, hotkey, taoRao });
  it('add: at least DefaultMinStake, then the balance (NotEnoughBalanceToStake), then the hotkey', () => {
    expect(code(() => add(MIN - 1n))).toBe('AmountTooLow');
    expect(code(() => add(MIN - 1n, 'nobody'))).toBe('AmountTooLow'); // stake_utils.rs:1085 before :1102
    expect(code(() => add(MIN))).toBe('accepted');
    expect(code(() => add(200n * TAO + 1n))).toBe('NotEnoughBalanceToStake');
    expect(code(() => add(MIN, 'nobody'))).toBe('HotKeyAccountNotExists');
  });
  it('add: the whole balance stakes all but the 500 rao existential deposit (coinbase/tao.rs:146-152)', () => {
    const s1 = add(200n * TAO);
    expect(s1.balances.get('bob')).toBe(500n);
    expect(stakeOf(s1.rootStakes.get('sn1-v2')!, 'bob')).toBe(200n * TAO - 500n);
    expect(s1.rootTaoRao - s0.rootTaoRao).toBe(200n * TAO - 500n);
    expect(auditBooks(s1)).toEqual([]);
  });
  it('remove: capped at the stake held; a partial unstake needs DefaultMinStake, unstaking everything does not', () => {
    const whale = (taoRao: bigint, s: ChainState = s0) =>
      removeRootStake(s, { coldkey: 'root-whale', hotkey: 'sn1-v0', taoRao });
    const all = 50_000n * TAO;
    const more = whale(all + 1n); // remove_stake.rs:55-57
    expect(more.rootStakes.get('sn1-v0')!.valueRao).toBe(0n);
    expect(more.balances.get('root-whale')).toBe(all);
    expect(code(() => whale(MIN - 1n))).toBe('AmountTooLow'); // stake_utils.rs:1159-1164
    expect(code(() => whale(MIN))).toBe('accepted');
    // Leave 1 500 000 rao: removing part of it is refused, removing all of it (or more) is not.
    const s1 = whale(all - 1_500_000n);
    expect(code(() => whale(1_000_000n, s1))).toBe('AmountTooLow');
    const s2 = whale(TAO, s1);
    expect(stakeOf(s2.rootStakes.get('sn1-v0')!, 'root-whale')).toBe(0n);
    expect(s2.balances.get('root-whale')).toBe(all);
    expect(auditBooks(s2)).toEqual([]);
    // Nothing held: the capped amount is 0, AmountTooLow (stake_utils.rs:1150).
    expect(code(() => removeRootStake(s0, { coldkey: 'bob', hotkey: 'sn1-v0', taoRao: TAO }))).toBe('AmountTooLow');
  });
});
