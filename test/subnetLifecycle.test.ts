import { describe, expect, it } from 'vitest';
import { auditBooks } from '../sim/economy/auditBooks.ts';
import { halvingThresholdRao } from '../sim/economy/blockEmission.ts';
import { dissolveSubnet } from '../sim/economy/dissolveSubnet.ts';
import { DEFAULT_CHAIN_PARAMS } from '../sim/economy/genesis.ts';
import {
  lockReductionInterval,
  medianPriceU64F64,
  networkLockCost,
  registerSubnet,
  startCall,
  subnetToPrune,
} from '../sim/economy/ops/registerSubnet.ts';
import { spotPriceU64F64 } from '../sim/economy/pool.ts';
import { addStakeWithShares, EMPTY_STAKE, stakeOf } from '../sim/economy/sharePool.ts';
import type { ChainParams, ChainState } from '../sim/economy/state.ts';
import { TxError } from '../sim/economy/txError.ts';
import { runBlocks } from '../sim/engine/runBlocks.ts';
import { smallNetwork } from './support/smallNetwork.ts';

const TAO = 1_000_000_000n;
const params: ChainParams = { ...DEFAULT_CHAIN_PARAMS, consensusMode: 'float' };
const rich = (s: ChainState): ChainState => ({
  ...s,
  balances: new Map([...s.balances, ['founder', 10_000n * TAO], ['second', 10_000n * TAO]]),
  issuanceRao: s.issuanceRao + 20_000n * TAO,
});
/** A network past the first halving (11 M TAO issued: 0.5 TAO a block), as the shipped scenarios start. */
const halved = (): ChainState => rich(smallNetwork({ issuanceRao: 11_000_000n * TAO }));
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    if (e instanceof TxError) return e.code;
    throw e;
  }
};

describe('the median subnet price (get_median_subnet_alpha_price)', () => {
  it('leaves out subnets priced 0 and averages the two middle prices of an even count', () => {
    // smallNetwork's pools: 10 000 / 20 000, 5 000 / 10 000, 2 000 / 4 000 TAO per alpha — each price 0.5 = 2^63.
    const s = smallNetwork();
    const priced = (tao: bigint, alpha: bigint, k: number) => ({
      ...s.subnets[k]!,
      pool: { ...s.subnets[k]!.pool, taoRao: tao, alphaInRao: alpha },
    });
    const half = 1n << 63n;
    // Prices 0.5, 1 and 2 and one at 0: the 0 is left out, so the median of 0.5, 1, 2 is 1 (and not (0.5 + 1) / 2).
    const subnets = [
      priced(1_000n * TAO, 2_000n * TAO, 0),
      priced(1_000n * TAO, 1_000n * TAO, 1),
      priced(2_000n * TAO, 1_000n * TAO, 2),
      priced(0n, 1_000n * TAO, 0),
    ];
    expect(medianPriceU64F64(subnets)).toBe(1n << 64n);
    // Even count: (0.5 + 1) / 2 = 0.75.
    expect(medianPriceU64F64(subnets.slice(0, 2))).toBe((half + (1n << 64n)) / 2n);
    // Nothing priced: 1.
    expect(medianPriceU64F64([subnets[3]!])).toBe(1n << 64n);
  });
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

  it('decays over NetworkLockReductionInterval × block emission in TAO: twice as fast after the first halving', () => {
    // get_lock_reduction_interval (root.rs:569-582): I64F64 57 600 × (emission / 1e9). At 11 M TAO issued the
    // emission is 1e9 >> 1 = 5e8 rao: 57 600 × 0.5 = 28 800 blocks (exact in I64F64).
    let s = { ...halved(), block: 100 };
    expect(lockReductionInterval(s, params)).toBe(28_800n);
    s = registerSubnet(s, params, { coldkey: 'founder', hotkey: 'f1', name: 'new1' }); // 1000 TAO, the minimum
    // 1000 TAO / 28 800 = 34 722 222 rao a block (integer division). After 14 400 blocks:
    // 2000 TAO − 34 722 222 × 14 400 = 2 000 000 000 000 − 499 999 996 800 = 1 500 000 003 200 rao
    // (the constant 57 600 would give 2000 TAO − 17 361 111 × 14 400 = 1 750 000 001 600).
    expect(networkLockCost({ ...s, block: 100 + 14_400 }, params)).toBe(1_500_000_003_200n);
    // 28 800 blocks: 2 000 000 000 000 − 999 999 993 600 = 1 000 000 006 400; the floor from 28 801 on.
    expect(networkLockCost({ ...s, block: 100 + 28_800 }, params)).toBe(1_000_000_006_400n);
    expect(networkLockCost({ ...s, block: 100 + 28_801 }, params)).toBe(1000n * TAO);
    // Ten halvings: 1e9 >> 10 = 976 562 rao; 57 600 × 976 562 / 1e9 = 56.2499… → 56 (the I64F64 floors).
    expect(lockReductionInterval({ ...s, issuanceRao: halvingThresholdRao(10) }, params)).toBe(56n);
    // At the supply cap nothing is emitted: interval 0, safe_div gives 0, the doubled lock never decays.
    const capped = { ...s, issuanceRao: 21_000_000n * TAO, block: 100 + 1_000_000 };
    expect(lockReductionInterval(capped, params)).toBe(0n);
    expect(networkLockCost(capped, params)).toBe(2000n * TAO);
  });

  it('allows one registration per NetworkRateLimit (28 800) blocks network-wide, checked before the balance', () => {
    // subnet.rs:146-150, rate_limiting.rs:56-67,85: block − NetworkLastLockBlock ≥ NetworkRateLimit, unless none yet.
    const s0 = { ...halved(), block: 5 };
    const s1 = registerSubnet(s0, params, { coldkey: 'founder', hotkey: 'f1', name: 'new1' }); // last block 0: passes
    expect(s1.lastLockBlock).toBe(5);
    const at = (block: number) => ({ ...s1, block });
    const tx = { coldkey: 'second', hotkey: 's1', name: 'new2' };
    expect(codeOf(() => registerSubnet(at(5 + 1), params, tx))).toBe('NetworkTxRateLimitExceeded');
    expect(codeOf(() => registerSubnet(at(5 + 28_799), params, tx))).toBe('NetworkTxRateLimitExceeded');
    // Rate limit (step 4) before the lock cost (step 6): a coldkey without TAO hears about the limit first.
    expect(codeOf(() => registerSubnet(at(5 + 28_799), params, { ...tx, coldkey: 'nobody' }))).toBe(
      'NetworkTxRateLimitExceeded',
    );
    expect(codeOf(() => registerSubnet(at(5 + 28_800), params, { ...tx, coldkey: 'nobody' }))).toBe(
      'CannotAffordLockCost',
    );
    // Another coldkey's hotkey (step 2) comes before the limit.
    expect(codeOf(() => registerSubnet(at(6), params, { ...tx, hotkey: 'f1' }))).toBe('NonAssociatedColdKey');
    // At 28 800 blocks: accepted, paying 2000 − 34 722 222 × 28 800 rao = 1 000 000 006 400 rao.
    const s2 = registerSubnet(at(5 + 28_800), params, tx);
    expect(s2.balances.get('second')).toBe(10_000n * TAO - 1_000_000_006_400n);
    // The limit is a parameter (the pallet's storage default, before the mainnet migration, is 7200).
    expect(registerSubnet(at(5 + 7200), { ...params, networkRateLimit: 7200 }, tx).lastLockBlock).toBe(5 + 7200);
  });

  it('leaves a new subnet without TAO emission until root enables it (SubnetEmissionEnabled = false)', () => {
    // do_register_network ends with SubnetEmissionEnabled::insert(netuid, false) (subnet.rs:287): its TAO share is
    // 0, the others' renormalised (subnet_emissions.rs:44-75). No stake moves here, so its pool TAO stays the lock.
    const s0 = rich(smallNetwork());
    const s1 = registerSubnet(s0, params, { coldkey: 'founder', hotkey: 'f1', name: 'new1' });
    const fresh = s1.subnets.find((x) => x.name === 'new1')!;
    expect(fresh.params.emissionEnabled).toBe(false);
    const run = (p: ChainParams, s: ChainState) =>
      runBlocks(startCall(s, { coldkey: 'founder', netuid: 4 }), p, 200).subnets.find((x) => x.netuid === 4)!;
    const off = run(params, s1);
    expect(off.movingPriceI96F32).toBeGreaterThan(0n); // it would have a share: only the switch holds it back
    expect(off.pool.taoRao).toBe(1000n * TAO);
    // The opt-in (root's decision on chain): enabled at registration, so TAO flows in once the moving price rises.
    const optIn: ChainParams = { ...params, newSubnetEmissionEnabled: true };
    const s1on = registerSubnet(s0, optIn, { coldkey: 'founder', hotkey: 'f1', name: 'new1' });
    expect(s1on.subnets.find((x) => x.name === 'new1')!.params.emissionEnabled).toBe(true);
    expect(run(optIn, s1on).pool.taoRao).toBeGreaterThan(1000n * TAO);
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
    // Pro rata to all alpha counted: every staker's stake and the protocol-bought alpha — not the pool's own alpha,
    // since a subnet present at the start registered before TaoInRefundDeploymentBlock (the legacy rule).
    expect(victim.registeredAt).toBeLessThanOrEqual(s0.taoInRefundDeploymentBlock);
    let counted = victim.protocolAlphaRao;
    for (const pool of victim.stakes.values()) for (const c of pool.shares.keys()) counted += stakeOf(pool, c);
    const owed = (victim.pool.taoRao * stake) / counted;
    expect(gained === owed || gained === owed + 1n).toBe(true);
    expect(auditBooks(s1)).toEqual([]);

    // A subnet registered during the run counts the alpha still in its pool too (the pool's share is recycled).
    const young = s1.subnets.find((x) => x.netuid === victim.netuid)!;
    expect(young.registeredAt).toBeGreaterThan(s1.taoInRefundDeploymentBlock);
    const staked = {
      ...young,
      stakes: new Map([['f1', addStakeWithShares(EMPTY_STAKE, 'founder', young.pool.alphaInRao)]]),
    };
    const crafted = { ...s1, subnets: s1.subnets.map((x) => (x.netuid === young.netuid ? staked : x)) };
    const out = dissolveSubnet(crafted, young.netuid);
    // The founder's alpha equals the pool's: half the pot each (the protocol bought none).
    expect(young.protocolAlphaRao).toBe(0n);
    expect(out.paidRao).toBe(young.pool.taoRao / 2n);
    expect(out.recycledRao).toBe(young.pool.taoRao - young.pool.taoRao / 2n);
  });

  it('reuses the pruned subnet’s netuid even when a lower one is free', () => {
    const p: ChainParams = { ...params, subnetLimit: 2, networkImmunityPeriod: 10 };
    const s0 = rich(runBlocks(smallNetwork(), p, 20));
    const gap = dissolveSubnet(s0, 1).state; // netuid 1 free, two subnets left: at the limit
    const victim = subnetToPrune(gap, p)!;
    expect(victim.netuid).not.toBe(1);
    const s1 = registerSubnet(gap, p, { coldkey: 'founder', hotkey: 'f1', name: 'new1' });
    expect(s1.subnets.find((x) => x.name === 'new1')!.netuid).toBe(victim.netuid);
    expect(s1.subnets.map((x) => x.netuid)).not.toContain(1);
  });

  it('hands the leftover rao to the largest remainders, the protocol’s part among them', () => {
    const s0 = smallNetwork();
    const sub = s0.subnets[0]!;
    // One holder with 3 rao of alpha, 1 rao of protocol-bought alpha (a legacy subnet: the pool's alpha left out), a
    // pot of 7 rao: the holder's 7·3/4 = 5 rem 1, the protocol's 7·1/4 = 1 rem 3 — the leftover rao is the protocol's.
    const crafted: ChainState = {
      ...s0,
      subnets: s0.subnets.map((x) =>
        x.netuid === sub.netuid
          ? {
              ...x,
              stakes: new Map([['h', addStakeWithShares(EMPTY_STAKE, 'holder', 3n)]]),
              pool: { ...x.pool, taoRao: 7n },
              protocolAlphaRao: 1n,
            }
          : x,
      ),
    };
    const out = dissolveSubnet(crafted, sub.netuid);
    expect([out.paidRao, out.recycledRao]).toEqual([5n, 2n]);
    expect((out.state.balances.get('holder') ?? 0n) - (s0.balances.get('holder') ?? 0n)).toBe(5n);
  });
});
