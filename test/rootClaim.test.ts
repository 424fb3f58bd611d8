import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditBooks } from '../sim/economy/auditBooks.ts';
import { DEFAULT_CHAIN_PARAMS } from '../sim/economy/genesis.ts';
import { claimRoot, MIN_ROOT_CLAIM_RAO, splitProRata } from '../sim/economy/ops/claimRoot.ts';
import { addRootStake } from '../sim/economy/ops/rootStake.ts';
import { stakeOf } from '../sim/economy/sharePool.ts';
import type { ChainParams, ChainState } from '../sim/economy/state.ts';
import { runBlocks } from '../sim/engine/runBlocks.ts';
import { smallNetwork } from './support/smallNetwork.ts';

const TAO = 1_000_000_000n;
const noClaim: ChainParams = { ...DEFAULT_CHAIN_PARAMS, consensusMode: 'float', rootClaim: null };

/** The small network with a second root staker behind sn1-v0, run until root dividends have accrued. */
function accrued(): ChainState {
  const base = smallNetwork();
  // carol's 25 000 TAO exist: issuance grows with her balance, so the books balance.
  const funded = {
    ...base,
    balances: new Map(base.balances).set('carol', 25_000n * TAO),
    issuanceRao: base.issuanceRao + 25_000n * TAO,
  };
  const s0 = addRootStake(funded, { coldkey: 'carol', hotkey: 'sn1-v0', taoRao: 25_000n * TAO });
  return runBlocks(s0, noClaim, 400);
}

describe('splitProRata', () => {
  it('splits exactly, each part within one rao of its proportional share', () => {
    fc.assert(
      fc.property(
        fc.bigInt(0n, 10n ** 15n),
        fc.array(fc.bigInt(0n, 10n ** 12n), { minLength: 1, maxLength: 20 }),
        (amount, ws) => {
          const weights = ws.map((w, k) => [k, w] as const);
          const parts = splitProRata(amount, weights);
          const total = ws.reduce((a, w) => a + w, 0n);
          const sum = [...parts.values()].reduce((a, x) => a + x, 0n);
          expect(sum).toBe(total === 0n ? 0n : amount);
          for (const [k, w] of weights) {
            if (total === 0n) continue;
            const exact = (amount * w) / total;
            const got = parts.get(k) ?? 0n;
            expect(got - exact >= 0n && got - exact <= 1n).toBe(true);
          }
        },
      ),
    );
  });
});

describe('claiming root dividends', () => {
  it('accrue as claimable alpha while nobody claims, and the books balance', () => {
    const s = accrued();
    const owed = s.subnets[0]!.rootClaimableRao.get('sn1-v0') ?? 0n;
    expect(owed).toBeGreaterThan(MIN_ROOT_CLAIM_RAO);
    expect(auditBooks(s)).toEqual([]);
  });

  it('swap: the alpha is sold through the pool fee-free and the TAO staked on root, 2:1 as the root stakes', () => {
    const s = accrued();
    const sub = s.subnets[0]!;
    const owed = sub.rootClaimableRao.get('sn1-v0')!;
    const after = claimRoot(s, noClaim, { hotkey: 'sn1-v0', netuid: 1, type: 'swap' });
    // Independent x·y = k arithmetic: TAO out = floor(tao·owed/(alpha_in + owed)) (the chain may pay a rao more).
    const expectTao = (sub.pool.taoRao * owed) / (sub.pool.alphaInRao + owed);
    const got = after.rootTaoRao - s.rootTaoRao;
    expect(got - expectTao >= 0n && got - expectTao <= 1n).toBe(true);
    const root0 = s.rootStakes.get('sn1-v0')!;
    const root1 = after.rootStakes.get('sn1-v0')!;
    const whale = stakeOf(root1, 'root-whale') - stakeOf(root0, 'root-whale');
    const carol = stakeOf(root1, 'carol') - stakeOf(root0, 'carol');
    // 50 000 : 25 000 TAO on root behind the hotkey: the whale gets twice carol's part (to a rao or two of shares).
    expect(whale - 2n * carol >= -3n && whale - 2n * carol <= 3n).toBe(true);
    expect(after.subnets[0]!.rootClaimableRao.has('sn1-v0')).toBe(false);
    expect(after.subnets[0]!.pool.alphaInRao).toBe(sub.pool.alphaInRao + owed);
    expect(after.issuanceRao).toBe(s.issuanceRao);
    expect(auditBooks(after)).toEqual([]);
  });

  it('keep: each staker gets its part as alpha staked on the hotkey, AlphaOut unchanged', () => {
    const s = accrued();
    const owed = s.subnets[0]!.rootClaimableRao.get('sn1-v0')!;
    const after = claimRoot(s, noClaim, { hotkey: 'sn1-v0', netuid: 1, type: 'keep' });
    const pool = after.subnets[0]!.stakes.get('sn1-v0')!;
    const whale = stakeOf(pool, 'root-whale');
    const carol = stakeOf(pool, 'carol');
    expect(whale + carol).toBeGreaterThanOrEqual(owed - 2n); // share rounding: at most a rao per holder
    expect(whale - 2n * carol >= -3n && whale - 2n * carol <= 3n).toBe(true);
    expect(after.subnets[0]!.pool).toEqual(s.subnets[0]!.pool);
    expect(after.rootTaoRao).toBe(s.rootTaoRao);
    expect(auditBooks(after)).toEqual([]);
  });

  it('does nothing below the claim threshold or for a hotkey nobody stakes on root', () => {
    const s = accrued();
    const tiny = {
      ...s,
      subnets: s.subnets.map((x, i) =>
        i === 0 ? { ...x, rootClaimableRao: new Map([['sn1-v0', MIN_ROOT_CLAIM_RAO - 1n]]) } : x,
      ),
    };
    expect(claimRoot(tiny, noClaim, { hotkey: 'sn1-v0', netuid: 1, type: 'swap' })).toBe(tiny);
    expect(claimRoot(s, noClaim, { hotkey: 'sn1-v3', netuid: 1, type: 'swap' })).toBe(s);
  });

  it('runs daily by default in the block step: root stake grows, nothing stays claimed-but-unpaid', () => {
    const params: ChainParams = { ...DEFAULT_CHAIN_PARAMS, consensusMode: 'float' };
    expect(params.rootClaim).toEqual({ every: 7200, type: 'swap' });
    const s0 = smallNetwork();
    const end = runBlocks(s0, params, 7200);
    expect(end.rootTaoRao).toBeGreaterThan(s0.rootTaoRao);
    // Claimed at block 7200: what is left claimable accrued after it (none: the claim ran at the last block).
    for (const sub of end.subnets)
      for (const v of sub.rootClaimableRao.values()) expect(v).toBeLessThan(MIN_ROOT_CLAIM_RAO);
    expect(auditBooks(end)).toEqual([]);
  });
});

describe('the claim sale stops at the price floor (claim_root.rs:172-177)', () => {
  /**
   * Subnet 6 with a thin pool (1 TAO / 10 000 alpha, price 1e-4) and `owed` alpha claimable by sn1-v0, whose only
   * root staker is root-whale. The claimable alpha is part of AlphaOut, as the emission leaves it.
   */
  const thin = (poolAlphaRao: bigint, owed: bigint): ChainState => {
    const base = smallNetwork({
      subnets: [
        {
          netuid: 6,
          name: 'thin',
          ownerColdkey: 'thin-owner-c',
          ownerHotkey: 'thin-owner',
          poolTaoRao: TAO,
          poolAlphaRao,
          neurons: [{ hotkey: 'thin-owner', coldkey: 'thin-owner-c' }],
        },
      ],
    });
    return {
      ...base,
      subnets: base.subnets.map((x) => ({
        ...x,
        pool: { ...x.pool, alphaOutRao: x.pool.alphaOutRao + owed },
        rootClaimableRao: new Map([['sn1-v0', owed]]),
      })),
    };
  };

  it('sells only down to 1e-6 TAO/alpha; the rest is claimed all the same and owned by nobody', () => {
    const owed = 200_000n * TAO;
    const s = thin(10_000n * TAO, owed);
    expect(auditBooks(s)).toEqual([]);
    const after = claimRoot(s, noClaim, { hotkey: 'sn1-v0', netuid: 6, type: 'swap' });
    // Sold in full (fee-free) the price would end at 1e9·(1e13/2.1e14)/2.1e14 ≈ 2.3e-7 < 1e-6, so the step fills to
    // the limit: Δ = x·(√(P/L) − 1) = 1e13·(√100 − 1) = 9e13 (+1 rao: P and L are floored U64F64 bits), for
    // TAO y·Δ/(x + Δ) = 1e9·9e13/1e14 = 9e8. The unsold 2e14 − Δ ≈ 1.1e14 stays in AlphaOut, unowned (RootClaimed
    // counts the whole `owed`, claim_root.rs:254-257); nothing remains claimable.
    const sub0 = s.subnets[0]!;
    const sub1 = after.subnets[0]!;
    const delta = sub1.pool.alphaInRao - sub0.pool.alphaInRao;
    expect(delta - 90_000_000_000_000n >= 0n && delta - 90_000_000_000_000n <= 1n).toBe(true);
    const tao = after.rootTaoRao - s.rootTaoRao;
    expect(tao - 900_000_000n >= -1n && tao - 900_000_000n <= 1n).toBe(true);
    expect(sub0.pool.taoRao - sub1.pool.taoRao).toBe(tao);
    expect(sub1.burnedAlphaRao - sub0.burnedAlphaRao).toBe(owed - delta);
    expect(sub1.pool.alphaOutRao).toBe(sub0.pool.alphaOutRao - delta);
    expect(sub1.rootClaimableRao.has('sn1-v0')).toBe(false);
    expect(
      stakeOf(after.rootStakes.get('sn1-v0')!, 'root-whale') - stakeOf(s.rootStakes.get('sn1-v0')!, 'root-whale'),
    ).toBe(tao);
    expect(after.issuanceRao).toBe(s.issuanceRao);
    expect(auditBooks(after)).toEqual([]);
  });

  it('a pool already at the floor refuses the sale (PriceLimitExceeded): rolled back, still claimable', () => {
    // 1 TAO / 1 000 000 alpha: price bits floor(1e9·2^64/1e15) = floor(2^64/1e6), the limit itself.
    const s = thin(1_000_000n * TAO, 1_000n * TAO);
    expect(claimRoot(s, noClaim, { hotkey: 'sn1-v0', netuid: 6, type: 'swap' })).toBe(s);
  });
});
