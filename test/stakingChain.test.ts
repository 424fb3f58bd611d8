import { describe, expect, it } from 'vitest';
import { auditBooks } from '../sim/economy/auditBooks.ts';
import { DEFAULT_CHAIN_PARAMS } from '../sim/economy/genesis.ts';
import { addStake } from '../sim/economy/ops/addStake.ts';
import { moveStake } from '../sim/economy/ops/moveStake.ts';
import { removeStake } from '../sim/economy/ops/removeStake.ts';
import { stakeOf } from '../sim/economy/sharePool.ts';
import type { ChainParams, ChainState } from '../sim/economy/state.ts';
import { smallNetwork, subnetSpec } from './support/smallNetwork.ts';
import { txCode, txMessage } from './support/txCode.ts';

/**
 * Staking, unstaking and moving as subtensor 14bc6f9f does them (review items D3, D8–D11). Expected values are worked
 * out here from the chain's rules, not read from taosim: fee = floor(a·33/65535) (the chain's U64F64 quotient can
 * make it one rao less) and the weight-½ balancer's output floor(R_out·Δ/(R_in + Δ)) (the chain's can be one rao
 * more), hence the few-rao tolerances where a swap is involved.
 */

const TAO = 1_000_000_000n;
const MIN = 2_000_000n; // DefaultMinStake
const params: ChainParams = { ...DEFAULT_CHAIN_PARAMS, consensusMode: 'float' };
const feeOf = (a: bigint): bigint => (a * 33n) / 65535n;
const cpOut = (reserveIn: bigint, reserveOut: bigint, d: bigint): bigint => (reserveOut * d) / (reserveIn + d);
const held = (s: ChainState, netuid: number, hotkey: string, coldkey: string): bigint => {
  const pool = s.subnets.find((x) => x.netuid === netuid)!.stakes.get(hotkey);
  return pool ? stakeOf(pool, coldkey) : 0n;
};
/** The refusal's message (`code: detail`), or 'accepted'. */
const refusal = txMessage;
const balance = (s: ChainState, coldkey: string): bigint => s.balances.get(coldkey) ?? 0n;
const subnet = (s: ChainState, netuid: number) => s.subnets.find((x) => x.netuid === netuid)!;
const near = (actual: bigint, expected: bigint, tolerance: bigint): void => {
  expect(
    actual - expected <= tolerance && expected - actual <= tolerance,
    `${actual} ≈ ${expected} ± ${tolerance}`,
  ).toBe(true);
};

describe('D3: move_stake across subnets pays one swap fee (move_stake.rs:347-385)', () => {
  it('sells with the fee (paid to the author) and buys the destination alpha fee-free', () => {
    const s1 = addStake(smallNetwork(), params, { coldkey: 'alice', hotkey: 'sn1-v0', netuid: 1, taoRao: 100n * TAO });
    const a = held(s1, 1, 'sn1-v0', 'alice');
    const p1 = subnet(s1, 1).pool;
    const p2 = subnet(s1, 2).pool; // 5000 TAO / 10000 alpha
    const s2 = moveStake(s1, params, {
      coldkey: 'alice',
      fromHotkey: 'sn1-v0',
      toHotkey: 'sn2-v0',
      fromNetuid: 1,
      toNetuid: 2,
      alphaRao: a,
    });
    // Sale on sn1 (drop_fee_origin = false): fee f = a·33/65535 alpha; TAO out = y1·(a − f)/(x1 + a − f).
    const f = feeOf(a);
    const taoOut = cpOut(p1.alphaInRao, p1.taoRao, a - f);
    // The fee alpha is sold fee-free on the moved pool for the author.
    const authorTao = cpOut(p1.alphaInRao + a - f, p1.taoRao - taoOut, f);
    // Buy on sn2 with drop_fee_destination = true: alpha = x2·t/(y2 + t), no fee.
    const oneFee = cpOut(p2.taoRao, p2.alphaInRao, taoOut);
    const twoFees = cpOut(p2.taoRao, p2.alphaInRao, taoOut - feeOf(taoOut));
    expect(oneFee - twoFees).toBeGreaterThan(90_000_000n); // ≈ 96.7M alpha rao: the second fee the chain does not take
    near(held(s2, 2, 'sn2-v0', 'alice'), oneFee, 8n);
    near(subnet(s2, 2).pool.taoRao - p2.taoRao, taoOut, 3n); // every rao of the sale entered sn2's reserve
    near(balance(s2, 'author') - balance(s1, 'author'), authorTao, 3n); // only the sale's fee (≈ 0.0498 TAO)
    expect(balance(s2, 'alice')).toBe(balance(s1, 'alice'));
    expect(held(s2, 1, 'sn1-v0', 'alice')).toBe(0n);
    expect(auditBooks(s2)).toEqual([]);
  });
});

describe('D8: nothing is staked, unstaked or moved on a subnet before start_call (SubtokenDisabled)', () => {
  // Subnet 4 is registered but not started: SubtokenEnabled is false until do_start_call (subnet.rs:393).
  const s0 = smallNetwork({
    subnets: [subnetSpec(1, 'text', 4, 8), { ...subnetSpec(4, 'new', 2, 2, 1_000n), firstEmissionBlock: null }],
  });
  const started: ChainState = {
    ...s0,
    subnets: s0.subnets.map((x) => (x.netuid === 4 ? { ...x, firstEmissionBlock: 1 } : x)),
  };
  const add = (s: ChainState) => addStake(s, params, { coldkey: 'alice', hotkey: 'sn4-v0', netuid: 4, taoRao: TAO });
  const remove = (s: ChainState) =>
    removeStake(s, params, { coldkey: 'sn4-v0-cold', hotkey: 'sn4-v0', netuid: 4, alphaRao: 10n * TAO });
  const moveIn = (s: ChainState) =>
    moveStake(s, params, {
      coldkey: 'sn1-v0-cold',
      fromHotkey: 'sn1-v0',
      toHotkey: 'sn4-v0',
      fromNetuid: 1,
      toNetuid: 4,
      alphaRao: 10n * TAO,
    });
  const moveOut = (s: ChainState) =>
    moveStake(s, params, {
      coldkey: 'sn4-v0-cold',
      fromHotkey: 'sn4-v0',
      toHotkey: 'sn1-v0',
      fromNetuid: 4,
      toNetuid: 1,
      alphaRao: 10n * TAO,
    });
  const moveWithin = (s: ChainState) =>
    moveStake(s, params, {
      coldkey: 'sn4-v0-cold',
      fromHotkey: 'sn4-v0',
      toHotkey: 'sn4-v1',
      fromNetuid: 4,
      toNetuid: 4,
      alphaRao: 10n * TAO,
    });
  it('refuses add (stake_utils.rs:1069), remove (remove_stake.rs:51) and moves in, out or within (stake_utils.rs:1259-1267)', () => {
    for (const op of [add, remove, moveIn, moveOut, moveWithin]) expect(txCode(() => op(s0))).toBe('SubtokenDisabled');
  });
  it('accepts them once the subnet is started', () => {
    for (const op of [add, remove, moveIn, moveOut, moveWithin]) expect(txCode(() => op(started))).toBe('accepted');
  });
  it('names an unknown subnet as the chain does: SubnetNotExists for add and move, SubtokenDisabled for remove', () => {
    expect(txCode(() => addStake(s0, params, { coldkey: 'alice', hotkey: 'sn1-v0', netuid: 9, taoRao: TAO }))).toBe(
      'SubnetNotExists',
    );
    expect(
      txCode(() => removeStake(s0, params, { coldkey: 'sn1-v0-cold', hotkey: 'sn1-v0', netuid: 9, alphaRao: TAO })),
    ).toBe('SubtokenDisabled');
    expect(
      txCode(() =>
        moveStake(s0, params, {
          coldkey: 'sn1-v0-cold',
          fromHotkey: 'sn1-v0',
          toHotkey: 'sn1-v1',
          fromNetuid: 1,
          toNetuid: 9,
          alphaRao: TAO,
        }),
      ),
    ).toBe('SubnetNotExists');
  });
});

describe('D9: minimum stake rules', () => {
  const s0 = smallNetwork(); // sn1 at genesis: 10 000 TAO / 20 000 alpha, price exactly 0.5 (U64F64 bits 2^63)
  const add = (s: ChainState, netuid: number, taoRao: bigint) =>
    addStake(s, params, { coldkey: 'alice', hotkey: netuid === 5 ? 'sn5-v0' : 'sn1-v0', netuid, taoRao });

  it('add_stake needs DefaultMinStake plus the fee on it: 2 000 000 + floor(2e6·33/65535 = 1007.1) = 2 001 007 rao', () => {
    expect(txCode(() => add(s0, 1, 2_000_000n))).toBe('AmountTooLow');
    expect(txCode(() => add(s0, 1, 2_001_006n))).toBe('AmountTooLow');
    // 2 001 007: fee floor(2 001 007·33/65535 = 1007.6) = 1007, so 2 000 000 enters the pool (≥ the minimum).
    const s1 = add(s0, 1, 2_001_007n);
    expect(balance(s0, 'alice') - balance(s1, 'alice')).toBe(2_001_007n);
    near(subnet(s1, 1).pool.taoRao - subnet(s0, 1).pool.taoRao, 2_000_000n, 1n);
  });

  it('on a stable subnet (no fee) the minimum is DefaultMinStake itself', () => {
    const s = smallNetwork({ subnets: [{ ...subnetSpec(5, 'stable', 1, 0), mechanism: 'stable' }] });
    expect(txCode(() => add(s, 5, 1_999_999n))).toBe('AmountTooLow');
    expect(txCode(() => add(s, 5, 2_000_000n))).toBe('accepted');
  });

  it('remove_stake: a partial unstake must pay at least DefaultMinStake; unstaking everything is exempt', () => {
    // sn1-v0-cold holds 1000 alpha on sn1-v0. Selling a alpha pays 1e13·(a − f)/(2e13 + a − f), f = fee(a):
    //   a = 4 002 015: f = 2015, net 4 000 000, TAO 1 999 999.6 → 1 999 999 < 2e6 → AmountTooLow
    //   a = 4 002 016: f = 2015, net 4 000 001, TAO 2 000 000.1 → 2 000 000 ≥ 2e6 → accepted (the check is ≥)
    const sell = (s: ChainState, alphaRao: bigint) =>
      removeStake(s, params, { coldkey: 'sn1-v0-cold', hotkey: 'sn1-v0', netuid: 1, alphaRao });
    expect(txCode(() => sell(s0, 4_002_015n))).toBe('AmountTooLow');
    const s1 = sell(s0, 4_002_016n);
    expect(balance(s1, 'sn1-v0-cold') - balance(s0, 'sn1-v0-cold')).toBe(2_000_000n);
    // Leave 3 000 000 alpha (worth ≈ 1.5M rao): selling part of it is refused, selling all of it is not.
    const s2 = sell(s1, held(s1, 1, 'sn1-v0', 'sn1-v0-cold') - 3_000_000n);
    expect(held(s2, 1, 'sn1-v0', 'sn1-v0-cold')).toBe(3_000_000n);
    expect(txCode(() => sell(s2, 2_999_999n))).toBe('AmountTooLow');
    const s3 = sell(s2, 3_000_000n);
    expect(held(s3, 1, 'sn1-v0', 'sn1-v0-cold')).toBe(0n);
    const paid = balance(s3, 'sn1-v0-cold') - balance(s2, 'sn1-v0-cold');
    expect(paid > 1_000_000n && paid < MIN).toBe(true);
  });

  it('move within a subnet: floor(price·alpha) must reach DefaultMinStake (stake_utils.rs:998-1011)', () => {
    // price bits 2^63 (0.5): tao_equivalent = floor(2^63·alpha / 2^64) = floor(alpha / 2).
    const move = (alphaRao: bigint) =>
      moveStake(s0, params, {
        coldkey: 'sn1-v0-cold',
        fromHotkey: 'sn1-v0',
        toHotkey: 'sn1-v1',
        fromNetuid: 1,
        toNetuid: 1,
        alphaRao,
      });
    expect(txCode(() => move(3_999_999n))).toBe('AmountTooLow'); // 1 999 999
    const s1 = move(4_000_000n); // 2 000 000
    expect(held(s1, 1, 'sn1-v1', 'sn1-v0-cold')).toBe(4_000_000n);
    expect(subnet(s1, 1).pool).toEqual(subnet(s0, 1).pool);
  });

  it('move across subnets: the sale must pay strictly more than DefaultMinStake (stake_utils.rs:1293-1302)', () => {
    const move = (alphaRao: bigint) =>
      moveStake(s0, params, {
        coldkey: 'sn1-v0-cold',
        fromHotkey: 'sn1-v0',
        toHotkey: 'sn2-v0',
        fromNetuid: 1,
        toNetuid: 2,
        alphaRao,
      });
    // 4 002 016 alpha pays exactly 2 000 000 rao (above): enough to unstake, not enough to move.
    expect(txCode(() => move(4_002_016n))).toBe('AmountTooLow');
    // 4 010 000: f = 2019, net 4 007 981, TAO floor(1e13·4 007 981/(2e13 + 4 007 981)) = 2 003 990 > 2e6.
    const s1 = move(4_010_000n);
    // sn1-v0-cold has no free TAO: the restake keeps the existential deposit (tao.rs:146-152), 2 003 990 − 500 =
    // 2 003 490 rao, which sn2 (5000 TAO / 10 000 alpha) buys fee-free: floor(1e13·2 003 490/(5e12 + 2 003 490))
    // = 4 006 978 alpha.
    near(held(s1, 2, 'sn2-v0', 'sn1-v0-cold'), 4_006_978n, 3n);
    near(balance(s1, 'sn1-v0-cold'), 500n, 1n);
  });
});

describe('D10: asking for more than the stake held takes the stake held (remove_stake.rs:55-57, move_stake.rs:306-313)', () => {
  const s0 = smallNetwork(); // sn1-v0-cold holds 1000 alpha (1e12 rao) on sn1-v0
  const all = 1_000n * TAO;
  it('remove_stake unstakes everything, paying the full sale', () => {
    const more = removeStake(s0, params, { coldkey: 'sn1-v0-cold', hotkey: 'sn1-v0', netuid: 1, alphaRao: all + 1n });
    expect(held(more, 1, 'sn1-v0', 'sn1-v0-cold')).toBe(0n);
    // fee(1e12) = 503 547 722; TAO = 1e13·999 496 452 278/(2e13 + 999 496 452 278) = 475 962 104 400.9
    near(balance(more, 'sn1-v0-cold') - balance(s0, 'sn1-v0-cold'), 475_962_104_400n, 2n);
    const exact = removeStake(s0, params, { coldkey: 'sn1-v0-cold', hotkey: 'sn1-v0', netuid: 1, alphaRao: all });
    expect(more).toEqual(exact);
    // Holding nothing, the capped amount is 0: AmountTooLow (stake_utils.rs:1150), not NotEnoughStakeToWithdraw.
    expect(
      txCode(() => removeStake(s0, params, { coldkey: 'alice', hotkey: 'sn1-v0', netuid: 1, alphaRao: TAO })),
    ).toBe('AmountTooLow');
  });
  it('move_stake moves everything, within a subnet or across', () => {
    const tx = { coldkey: 'sn1-v0-cold', fromHotkey: 'sn1-v0', fromNetuid: 1, alphaRao: 2n * all };
    const within = moveStake(s0, params, { ...tx, toHotkey: 'sn1-v1', toNetuid: 1 });
    expect(held(within, 1, 'sn1-v0', 'sn1-v0-cold')).toBe(0n);
    expect(held(within, 1, 'sn1-v1', 'sn1-v0-cold')).toBe(all);
    const across = moveStake(s0, params, { ...tx, toHotkey: 'sn2-v0', toNetuid: 2 });
    expect(held(across, 1, 'sn1-v0', 'sn1-v0-cold')).toBe(0n);
    // 475 962 104 400 TAO rao sold; the coldkey (no free TAO) keeps 500 rao of it (the existential deposit) and
    // t = 475 962 103 900 is bought fee-free on sn2 (5000 / 10 000): 1e13·t/(5e12 + t) = 869 184 437 125.8 alpha rao
    near(held(across, 2, 'sn2-v0', 'sn1-v0-cold'), 869_184_437_125n, 8n);
    expect(
      txCode(() => moveStake(s0, params, { ...tx, coldkey: 'alice', alphaRao: TAO, toHotkey: 'sn2-v0', toNetuid: 2 })),
    ).toBe('AmountTooLow');
  });
});

describe('D11: sales stop at the price floor 1e-6 TAO/alpha (remove_stake.rs:77, swap_step.rs:79-116)', () => {
  /** A subnet with a thin pool and one big holder, `thin-c` on `thin-v`. */
  const thin = (poolTaoRao: bigint, poolAlphaRao: bigint, stakeAlphaRao: bigint): ChainState =>
    smallNetwork({
      subnets: [
        {
          netuid: 6,
          name: 'thin',
          ownerColdkey: 'thin-owner-c',
          ownerHotkey: 'thin-owner',
          poolTaoRao,
          poolAlphaRao,
          neurons: [
            { hotkey: 'thin-owner', coldkey: 'thin-owner-c' },
            { hotkey: 'thin-v', coldkey: 'thin-c', stakeAlphaRao },
          ],
        },
      ],
    });
  const sell = (s: ChainState, alphaRao: bigint) =>
    removeStake(s, params, { coldkey: 'thin-c', hotkey: 'thin-v', netuid: 6, alphaRao });

  it('far above the floor the fill is capped (√ saturates): 17.4467·AlphaIn sold, the rest stays staked', () => {
    // Pool 10 TAO / 1000 alpha (price 0.01); selling 1 000 000 alpha in full would end at ≈ 1e-8 < 1e-6, so the step
    // fills to the limit: Δ = x·((P/L)^½ − 1) with (P/L)^½·1e18 = 1e20 > u64::MAX, saturated (balancer.rs:372-376):
    //   Δ = floor(1e12 · (18 446 744 073 709 551 615 − 1e18) / 1e18) = 17 446 744 073 709
    // The fee is recomputed on Δ: floor(Δ·33/65502) = 8 789 694 275. Refund = 1e15 − Δ − fee = 982 544 466 232 016.
    // TAO out = 1e10·Δ/(1e12 + Δ) = 9 457 898 913.6 → 9 457 898 913. The fee alpha then sells fee-free on
    // (18 446 744 073 709 alpha, 542 101 087 TAO): 542 101 087·8 789 694 275/18 455 533 767 984 = 258 182.7 TAO rao.
    const s0 = thin(10n * TAO, 1_000n * TAO, 1_000_000n * TAO);
    const delta = (1_000n * TAO * (18_446_744_073_709_551_615n - 10n ** 18n)) / 10n ** 18n;
    expect(delta).toBe(17_446_744_073_709n);
    const fee = (delta * 33n) / 65502n;
    expect(fee).toBe(8_789_694_275n);
    const s1 = sell(s0, 1_000_000n * TAO);
    expect(held(s1, 6, 'thin-v', 'thin-c')).toBe(1_000_000n * TAO - delta - fee);
    near(balance(s1, 'thin-c') - balance(s0, 'thin-c'), 9_457_898_913n, 1n);
    near(balance(s1, 'author') - balance(s0, 'author'), 258_182n, 1n);
    expect(subnet(s1, 6).pool.alphaInRao).toBe(1_000n * TAO + delta + fee);
    expect(auditBooks(s1)).toEqual([]);
  });

  it('nearer the floor a sale that would cross it is refused: the author’s fee swap finds the price at the floor', () => {
    // Pool 1 TAO / 10 000 alpha (price 1e-4, P/L = 100): Δ = 1e13·(√100 − 1) = 9e13 (+1 rao of rounding), which
    // leaves (1e14 + 1 alpha, 1e8 TAO): price floor(1e8·2^64/(1e14 + 1)) = floor(2^64/1e6) = the limit itself, and
    // the fee swap's `current > limit` check fails (PriceLimitExceeded, stake_utils.rs:775-779 returns it).
    const s0 = thin(TAO, 10_000n * TAO, 200_000n * TAO);
    expect(refusal(() => sell(s0, 200_000n * TAO))).toMatch(/^SwapFailed: PriceLimitExceeded/);
    // 50 000 alpha stays above the floor (ends at ≈ 2.8e-6): filled in full, as before.
    // fee 25 177 386 129; TAO 1e9·(5e13 − fee)/(1e13 + 5e13 − fee) = 833 263 366.9
    const s1 = sell(s0, 50_000n * TAO);
    expect(held(s1, 6, 'thin-v', 'thin-c')).toBe(150_000n * TAO);
    near(balance(s1, 'thin-c') - balance(s0, 'thin-c'), 833_263_366n, 1n);
  });

  it('a pool at the floor sells nothing: the simulated sale fails (PriceLimitExceeded), InsufficientLiquidity', () => {
    // 1 TAO / 1 000 000 alpha: price bits floor(1e9·2^64/1e15) = floor(2^64/1e6), the limit itself. The chain's
    // validate_remove_stake simulates the sale and maps its error to InsufficientLiquidity (stake_utils.rs:1166).
    const s0 = thin(TAO, 1_000_000n * TAO, 10n * TAO);
    expect(refusal(() => sell(s0, 10n * TAO))).toMatch(/^InsufficientLiquidity: PriceLimitExceeded/);
  });
});

describe('a move to the same hotkey on the same subnet is refused: SameNetuid (stake_utils.rs:1243-1245)', () => {
  const s0 = smallNetwork();
  const move = (fromNetuid: number, toNetuid: number, toHotkey = 'sn1-v0') =>
    moveStake(s0, params, {
      coldkey: 'sn1-v0-cold',
      fromHotkey: 'sn1-v0',
      toHotkey,
      fromNetuid,
      toNetuid,
      alphaRao: TAO,
    });
  it('refuses it before any other check (even an unknown subnet), and only that case', () => {
    expect(txCode(() => move(1, 1))).toBe('SameNetuid');
    expect(txCode(() => move(9, 9))).toBe('SameNetuid'); // validate_stake_transition checks it first
    expect(txCode(() => move(1, 1, 'sn1-v1'))).toBe('accepted'); // another hotkey, same subnet
    expect(txCode(() => move(1, 2))).toBe('accepted'); // the same hotkey, another subnet
  });
});

describe('the gross input cap: add/remove_stake refuse more than 1000 × the input reserve (InsufficientLiquidity)', () => {
  // One thin subnet, 6: pool 0.1 TAO / 100 alpha, `thin-c` holds 100 000 alpha + 1 rao on `thin-v`.
  const s0 = smallNetwork({
    subnets: [
      {
        netuid: 6,
        name: 'thin',
        ownerColdkey: 'thin-owner-c',
        ownerHotkey: 'thin-owner',
        poolTaoRao: TAO / 10n,
        poolAlphaRao: 100n * TAO,
        neurons: [
          { hotkey: 'thin-owner', coldkey: 'thin-owner-c' },
          { hotkey: 'thin-v', coldkey: 'thin-c', stakeAlphaRao: 100_000n * TAO + 1n },
        ],
      },
    ],
  });
  it('add_stake compares the amount before the fee with 1000 × SubnetTAO (add_stake.rs:191-204)', () => {
    // Cap 1000 × 1e8 = 1e11 rao. 1e11 + 1: fee floor((1e11 + 1)·33/65535) = 50 354 772, so the net (≈ 0.99950·1e11)
    // would pass the swap's own check (net ≤ cap, swap impls.rs:185-199); the gross check refuses it first.
    const add = (taoRao: bigint) => addStake(s0, params, { coldkey: 'alice', hotkey: 'thin-v', netuid: 6, taoRao });
    expect(txCode(() => add(100n * TAO + 1n))).toBe('InsufficientLiquidity');
    expect(txCode(() => add(100n * TAO))).toBe('accepted');
  });
  it('remove_stake compares the capped amount before the fee with 1000 × SubnetAlphaIn (remove_stake.rs:58,409-422)', () => {
    // Cap 1000 × 1e11 = 1e14 rao of alpha. Unstaking all 1e14 + 1 is refused (the net, 1e14 + 1 − fee, is not).
    const sell = (alphaRao: bigint) =>
      removeStake(s0, params, { coldkey: 'thin-c', hotkey: 'thin-v', netuid: 6, alphaRao });
    expect(txCode(() => sell(100_000n * TAO + 1n))).toBe('InsufficientLiquidity');
    expect(txCode(() => sell(2n * 100_000n * TAO))).toBe('InsufficientLiquidity'); // capped at the stake held first
    expect(txCode(() => sell(100_000n * TAO))).toBe('accepted'); // (partly filled at the price floor)
  });
});

describe('error names as the chain’s', () => {
  const s0 = smallNetwork();
  it('a balance too low to stake is NotEnoughBalanceToStake (stake_utils.rs:1096-1099)', () => {
    // bob holds 200 TAO.
    expect(
      txCode(() => addStake(s0, params, { coldkey: 'bob', hotkey: 'sn1-v0', netuid: 1, taoRao: 200n * TAO + 1n })),
    ).toBe('NotEnoughBalanceToStake');
  });
  it('a simulated swap the pool refuses is InsufficientLiquidity (stake_utils.rs:1107-1109, 1166, 1296-1298)', () => {
    // A pool with 999 999 alpha rao (< SwapMinimumReserve 1 000 000) cannot be bought from: ReservesTooLow in the
    // swap, InsufficientLiquidity from the validation. One with 999 999 TAO rao cannot be sold into.
    const starved = (taoRao: bigint, alphaRao: bigint): ChainState => ({
      ...s0,
      subnets: s0.subnets.map((x) =>
        x.netuid === 1 ? { ...x, pool: { ...x.pool, taoRao, alphaInRao: alphaRao } } : x,
      ),
    });
    const buyFrom = starved(10_000n * TAO, 999_999n);
    expect(
      txCode(() => addStake(buyFrom, params, { coldkey: 'alice', hotkey: 'sn1-v0', netuid: 1, taoRao: TAO })),
    ).toBe('InsufficientLiquidity');
    const sellInto = starved(999_999n, 20_000n * TAO);
    const tx = { coldkey: 'sn1-v0-cold', netuid: 1, alphaRao: TAO };
    expect(txCode(() => removeStake(sellInto, params, { ...tx, hotkey: 'sn1-v0' }))).toBe('InsufficientLiquidity');
    expect(
      txCode(() =>
        moveStake(sellInto, params, { ...tx, fromHotkey: 'sn1-v0', toHotkey: 'sn2-v0', fromNetuid: 1, toNetuid: 2 }),
      ),
    ).toBe('InsufficientLiquidity');
  });
});

describe('the existential deposit: a stake leaves 500 rao on the coldkey (coinbase/tao.rs:134-167)', () => {
  const s0 = smallNetwork(); // bob: 200 TAO free; sn1 10 000 TAO / 20 000 alpha
  const ED = 500n;
  it('staking the whole balance passes the checks (full balance) and moves all but 500 rao', () => {
    const s1 = addStake(s0, params, { coldkey: 'bob', hotkey: 'sn1-v0', netuid: 1, taoRao: 200n * TAO });
    expect(balance(s1, 'bob')).toBe(ED);
    // t = 2e11 − 500 = 199 999 999 500; fee floor(t·33/65535) = 100 709 544; alpha = 2e13·(t − fee)/(1e13 + t − fee)
    const t = 200n * TAO - ED;
    const fee = feeOf(t);
    expect(fee).toBe(100_709_544n);
    near(held(s1, 1, 'sn1-v0', 'bob'), cpOut(10_000n * TAO, 20_000n * TAO, t - fee), 2n); // ≈ 391 963 262 133
    near(balance(s1, 'author'), fee, 1n);
    expect(auditBooks(s1)).toEqual([]);
  });
  it('below the balance less 500 rao nothing changes; the checks run on the amount asked', () => {
    const s1 = addStake(s0, params, { coldkey: 'bob', hotkey: 'sn1-v0', netuid: 1, taoRao: 200n * TAO - ED });
    expect(balance(s1, 'bob')).toBe(ED);
    // carol holds exactly the minimum, 2 001 007 rao: accepted on the amount asked (2 000 000 enters the pool in
    // the simulation), then 2 000 507 is moved and only 2 000 507 − 1007 = 1 999 500 enters (not re-checked).
    const c0: ChainState = {
      ...s0,
      balances: new Map(s0.balances).set('carol', 2_001_007n),
      issuanceRao: s0.issuanceRao + 2_001_007n,
    };
    const c1 = addStake(c0, params, { coldkey: 'carol', hotkey: 'sn1-v0', netuid: 1, taoRao: 2_001_007n });
    expect(balance(c1, 'carol')).toBe(ED);
    near(subnet(c1, 1).pool.taoRao - subnet(c0, 1).pool.taoRao, 1_999_500n, 1n);
    expect(auditBooks(c1)).toEqual([]);
  });
});
