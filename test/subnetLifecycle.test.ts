import { describe, expect, it } from 'vitest';
import { auditBooks } from '../sim/economy/auditBooks.ts';
import { DEFAULT_CHAIN_PARAMS } from '../sim/economy/genesis.ts';
import { networkLockCost, registerSubnet, startCall, subnetToPrune } from '../sim/economy/ops/registerSubnet.ts';
import { spotPriceU64F64 } from '../sim/economy/pool.ts';
import { stakeOf } from '../sim/economy/sharePool.ts';
import type { ChainParams, ChainState } from '../sim/economy/state.ts';
import { TxError } from '../sim/economy/txError.ts';
import { runBlocks } from '../sim/engine/runBlocks.ts';
import { smallNetwork } from './support/smallNetwork.ts';

const TAO = 1_000_000_000n;
const params: ChainParams = { ...DEFAULT_CHAIN_PARAMS, consensusMode: 'float' };
const rich = (s: ChainState): ChainState => ({
  ...s,
  balances: new Map([...s.balances, ['founder', 10_000n * TAO]]),
  issuanceRao: s.issuanceRao + 10_000n * TAO,
});

describe('subnet registration', () => {
  it('costs the minimum lock first, then doubles and decays linearly (by hand: 2000 TAO − 17 361 111 rao a block)', () => {
    let s = rich(smallNetwork());
    s = { ...s, block: 100 };
    expect(networkLockCost(s, params)).toBe(1000n * TAO);
    s = registerSubnet(s, params, { coldkey: 'founder', hotkey: 'f1', name: 'new1' });
    expect(networkLockCost(s, params)).toBe(2000n * TAO);
    // 1000 TAO / 57 600 blocks = 17 361 111 rao a block (integer division), over 28 800 blocks.
    expect(networkLockCost({ ...s, block: 100 + 28_800 }, params)).toBe(2000n * TAO - 17_361_111n * 28_800n);
    expect(networkLockCost({ ...s, block: 100 + 200_000 }, params)).toBe(1000n * TAO);
  });

  it('starts the new pool at the median subnet price, with the owner as uid 0 and no emission before start_call', () => {
    const s0 = rich(smallNetwork());
    const s1 = registerSubnet(s0, params, { coldkey: 'founder', hotkey: 'f1', name: 'new1' });
    const fresh = s1.subnets.find((x) => x.name === 'new1')!;
    expect(fresh.netuid).toBe(4);
    expect(fresh.neurons.hotkeys).toEqual(['f1']);
    // Existing spot prices 0.5, 0.5, 0.5 TAO/alpha (pools 10k/20k, 5k/10k, 2k/4k): the median is 0.5.
    expect(spotPriceU64F64(fresh.pool)).toBe(1n << 63n);
    expect(s1.balances.get('founder')).toBe(9000n * TAO);
    expect(auditBooks(s1)).toEqual([]);
    const idle = runBlocks(s1, params, 30).subnets.find((x) => x.netuid === 4)!;
    expect(idle.pending.serverRao).toBe(0n);
    const started = runBlocks(startCall(s1, { coldkey: 'founder', netuid: 4 }), params, 30);
    expect(started.subnets.find((x) => x.netuid === 4)!.pending.serverRao).toBeGreaterThan(0n);
    expect(() => startCall(s1, { coldkey: 'alice', netuid: 4 })).toThrow(TxError);
  });

  it('at the subnet limit dissolves the lowest-priced non-immune subnet, paying its pool TAO to its stakers', () => {
    const p: ChainParams = { ...params, subnetLimit: 3, networkImmunityPeriod: 10 };
    const s0 = rich(runBlocks(smallNetwork(), p, 20));
    const victim = subnetToPrune(s0, p)!;
    // Moving prices at genesis are the spot prices (0.5 each): the tie goes to the earliest registered (netuid 1,
    // all at block 0) — the lowest moving price after 20 blocks decides otherwise.
    const lowest = [...s0.subnets].sort((a, b) =>
      a.movingPriceI96F32 < b.movingPriceI96F32
        ? -1
        : a.movingPriceI96F32 > b.movingPriceI96F32
          ? 1
          : a.registeredAt - b.registeredAt,
    )[0]!;
    expect(victim.netuid).toBe(lowest.netuid);
    const holder = [...victim.stakes.entries()][0]!;
    const coldkey = [...holder[1].shares.keys()][0]!;
    const stake = stakeOf(holder[1], coldkey);
    const s1 = registerSubnet(s0, p, { coldkey: 'founder', hotkey: 'f1', name: 'new1' });
    expect(s1.subnets.map((x) => x.netuid)).toContain(victim.netuid); // the freed netuid is reused
    expect(s1.subnets.find((x) => x.netuid === victim.netuid)!.name).toBe('new1');
    const gained = (s1.balances.get(coldkey) ?? 0n) - (s0.balances.get(coldkey) ?? 0n);
    expect(gained).toBeGreaterThan(0n);
    // Pro rata to all alpha counted (every staker's stake, plus the protocol's: alpha in the pool and bought alpha).
    let counted = victim.pool.alphaInRao + victim.protocolAlphaRao;
    for (const pool of victim.stakes.values()) for (const c of pool.shares.keys()) counted += stakeOf(pool, c);
    const owed = (victim.pool.taoRao * stake) / counted;
    expect(gained === owed || gained === owed + 1n).toBe(true);
    expect(auditBooks(s1)).toEqual([]);
  });
});
