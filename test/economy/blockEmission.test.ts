import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  blockEmissionForIssuance,
  calendarBlockEmission,
  halvingCount,
  halvingThresholdRao,
  mintTao,
} from '../../sim/economy/blockEmission.ts';

const TAO = 1_000_000_000n;
const S = 21_000_000n * TAO;
/** ceil(S·(1 − 2^-k)) = S − floor(S / 2^k), written independently of the code under test. */
const threshold = (k: number): bigint => S - S / 2n ** BigInt(k);

describe('blockEmissionForIssuance', () => {
  it('pays 1 TAO per block from genesis until 10.5M TAO are issued', () => {
    expect(blockEmissionForIssuance(0n)).toBe(1_000_000_000n);
    expect(blockEmissionForIssuance(5_000_000n * TAO)).toBe(1_000_000_000n);
    expect(blockEmissionForIssuance(10_500_000n * TAO - 1n)).toBe(1_000_000_000n);
  });

  it('halves at 10.5M, 15.75M, 18.375M, 19.6875M and 20.34375M TAO', () => {
    // Arrange: thresholds and emissions written out by hand
    const table: [bigint, bigint][] = [
      [10_500_000_000_000_000n, 500_000_000n],
      [15_750_000_000_000_000n, 250_000_000n],
      [18_375_000_000_000_000n, 125_000_000n],
      [19_687_500_000_000_000n, 62_500_000n],
      [20_343_750_000_000_000n, 31_250_000n],
    ];
    for (const [k, [t, e]] of table.entries()) {
      // Act / Assert
      expect(halvingThresholdRao(k + 1)).toBe(t);
      expect(blockEmissionForIssuance(t)).toBe(e);
      expect(blockEmissionForIssuance(t - 1n)).toBe(2n * e);
    }
    expect(blockEmissionForIssuance(12_000_000n * TAO)).toBe(500_000_000n);
    expect(blockEmissionForIssuance(20_900_000n * TAO)).toBe(7_812_500n); // 20.8359375M ≤ I < 20.91796875M: k = 7
  });

  it('switches exactly at every threshold ceil(21e15·(1 − 2^-k)), including the non-integer ones (k ≥ 16)', () => {
    expect(halvingThresholdRao(0)).toBe(0n);
    expect(halvingThresholdRao(16)).toBe(20_999_679_565_429_688n); // 21e15 − 320_434_570_312.5, rounded up
    for (let k = 1; k <= 54; k++) {
      const t = threshold(k);
      expect(halvingThresholdRao(k)).toBe(t);
      expect(halvingCount(t)).toBe(k);
      expect(halvingCount(t - 1n)).toBe(k - 1);
      expect(blockEmissionForIssuance(t)).toBe(1_000_000_000n / 2n ** BigInt(k));
      expect(blockEmissionForIssuance(t - 1n)).toBe(1_000_000_000n / 2n ** BigInt(k - 1));
    }
  });

  it('emits nothing at or after the 21M TAO cap, and already nothing from the 30th halving on', () => {
    expect(blockEmissionForIssuance(S)).toBe(0n);
    expect(blockEmissionForIssuance(S + 1n)).toBe(0n);
    expect(blockEmissionForIssuance(S - 1n)).toBe(0n);
    expect(blockEmissionForIssuance(threshold(29))).toBe(1n); // 1e9 / 2^29 = 1.86
    expect(blockEmissionForIssuance(threshold(30))).toBe(0n);
  });

  it('from a zero-issuance genesis, the k-th halving comes after 10_500_000·k blocks while 1e9 >> k is exact (k ≤ 9)', () => {
    // Each period holds 10.5M·2^-j TAO paid at 2^-j TAO per block: 10.5M blocks (not 10.5M, 15.75M, … blocks).
    let issuance = 0n;
    for (let k = 1; k <= 9; k++) {
      const rate = 1_000_000_000n / 2n ** BigInt(k - 1);
      const blocks = 10_500_000n;
      expect(blockEmissionForIssuance(issuance + (blocks - 1n) * rate)).toBe(rate); // last block of the period
      issuance += blocks * rate;
      expect(issuance).toBe(threshold(k));
      expect(blockEmissionForIssuance(issuance)).toBe(rate / 2n);
    }
  });

  it('from genesis, later halvings take ceil(period / rate) blocks because 1e9 >> k is floored (k = 10 … 29)', () => {
    let issuance = threshold(9);
    for (let k = 10; k <= 29; k++) {
      const rate = 1_000_000_000n >> BigInt(k - 1);
      const blocks = (threshold(k) - issuance + rate - 1n) / rate;
      expect(blockEmissionForIssuance(issuance + (blocks - 1n) * rate)).toBe(rate);
      issuance += blocks * rate;
      expect(blockEmissionForIssuance(issuance)).toBe(rate >> 1n);
    }
  });

  it('on a scaled curve (supply 2^20, 64 rao/block), minting block by block halves every 8192 blocks and stops', () => {
    // Arrange
    const curve = { totalSupplyRao: 1_048_576n, initialEmissionRao: 64n };
    const halvingBlocks: number[] = [];
    let issuance = 0n;
    let last = 64n;
    // Act
    for (let block = 0; block < 100_000; block++) {
      const e = blockEmissionForIssuance(issuance, curve);
      if (e !== last) halvingBlocks.push(block);
      last = e;
      if (e === 0n) break;
      issuance = mintTao(issuance, e, curve).issuanceRao;
    }
    // Assert: 64 >> 7 = 0 ends emission below the cap
    expect(halvingBlocks).toEqual([1, 2, 3, 4, 5, 6, 7].map((k) => k * 8192));
    expect(issuance).toBe(1_048_576n - 1_048_576n / 128n);
  });

  it('never lets one block pass the cap, and never rises with issuance', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: S }), fc.bigInt({ min: 0n, max: S }), (a, b) => {
        expect(a + blockEmissionForIssuance(a)).toBeLessThanOrEqual(S);
        const [lo, hi] = a < b ? [a, b] : [b, a];
        expect(blockEmissionForIssuance(hi)).toBeLessThanOrEqual(blockEmissionForIssuance(lo));
      }),
    );
  });
});

describe('mintTao', () => {
  it('mints min(amount, cap − issuance), so issuance never passes 21M TAO', () => {
    expect(mintTao(0n, TAO)).toEqual({ mintedRao: TAO, issuanceRao: TAO });
    expect(mintTao(S - 5n, TAO)).toEqual({ mintedRao: 5n, issuanceRao: S });
    expect(mintTao(S, TAO)).toEqual({ mintedRao: 0n, issuanceRao: S });
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: S }), fc.bigInt({ min: 0n, max: S }), (issuance, amount) => {
        const m = mintTao(issuance, amount);
        expect(m.issuanceRao).toBeLessThanOrEqual(S);
        expect(m.mintedRao).toBe(amount < S - issuance ? amount : S - issuance);
      }),
    );
  });
});

describe('calendarBlockEmission (the article rule, not the chain rule)', () => {
  it('halves every 10_519_200 blocks (4 × 365.25 days of 7200 blocks) by default', () => {
    expect(10_519_200).toBe(4 * 365.25 * 7200);
    expect(calendarBlockEmission(0n)).toBe(1_000_000_000n);
    expect(calendarBlockEmission(10_519_199n)).toBe(1_000_000_000n);
    expect(calendarBlockEmission(10_519_200n)).toBe(500_000_000n);
    expect(calendarBlockEmission(2n * 10_519_200n)).toBe(250_000_000n);
    expect(calendarBlockEmission(100n, { halvingIntervalBlocks: 10n, initialEmissionRao: 1024n })).toBe(1n);
    expect(calendarBlockEmission(10n ** 12n)).toBe(0n);
  });
});

describe('halvingCount at the default supply (threshold table)', () => {
  it('counts the k ≥ 1 with issuance·2^k ≥ supply·(2^k − 1), as the chain’s loop does', () => {
    const s = 21_000_000_000_000_000n;
    const direct = (i: bigint): number => {
      let k = 0;
      while (i * (1n << BigInt(k + 1)) >= s * ((1n << BigInt(k + 1)) - 1n)) k++;
      return k;
    };
    const near = fc.integer({ min: 1, max: 60 }).chain((k) =>
      fc.bigInt(-3n, 3n).map((d) => {
        const p = 1n << BigInt(k);
        const t = (s * (p - 1n) + p - 1n) / p + d;
        return t < 0n ? 0n : t >= s ? s - 1n : t;
      }),
    );
    fc.assert(
      fc.property(fc.oneof(fc.bigInt(0n, s - 1n), near), (i) => {
        expect(halvingCount(i)).toBe(direct(i));
      }),
    );
  });
});
