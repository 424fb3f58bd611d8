import { describe, expect, it } from 'vitest';
import { epochInput } from '../sim/economy/epochInput.ts';
import { DEFAULT_CHAIN_PARAMS } from '../sim/economy/genesis.ts';
import { addRootStake } from '../sim/economy/ops/rootStake.ts';
import type { ChainParams } from '../sim/economy/state.ts';
import { smallNetwork } from './support/smallNetwork.ts';

const TAO = 1_000_000_000n;
const params: ChainParams = { ...DEFAULT_CHAIN_PARAMS, consensusMode: 'float' };

/** `get_tao_weight` as I64F64 bits: floor(TaoWeight · 2^32 / (2^64 − 1)) << 32, for a u64 TaoWeight w. */
const taoWeightI64F64 = (w: bigint): bigint => ((w << 32n) / ((1n << 64n) - 1n)) << 32n;

/** Stake weight by hand: alpha · 2^64 + floor(root · 2^64 · tw / 2^64), for each uid of subnet 1. */
function expected(alpha: readonly bigint[], root: readonly bigint[], w: bigint): bigint[] {
  const tw = taoWeightI64F64(w);
  return alpha.map((a, uid) => (a << 64n) + (((root[uid]! << 64n) * tw) >> 64n));
}

describe('epochInput: the stake weights the epoch reads', () => {
  // Subnet 1: uid 0 the owner, uids 1–4 validators with 1000·k alpha, then miners; sn1-v0 (uid 1) has 50 000 root TAO.
  const s0 = smallNetwork();
  const alpha = [0n, 1000n * TAO, 2000n * TAO, 3000n * TAO, 4000n * TAO, ...new Array<bigint>(8).fill(0n)];
  const root = [0n, 50_000n * TAO, ...new Array<bigint>(11).fill(0n)];

  it('is alpha + root TAO × tao weight in I64F64, per uid', () => {
    expect(epochInput(s0, params, s0.subnets[0]!, 0n).stake).toEqual(expected(alpha, root, params.taoWeightU64));
  });

  it('follows a change of root stake and of the tao weight (nothing remembered past them)', () => {
    // Before and after each change, so a value remembered from the earlier state would show.
    epochInput(s0, params, s0.subnets[0]!, 0n);
    const s1 = addRootStake(
      // 500 rao more than staked: the stake keeps the existential deposit on the coldkey (coinbase/tao.rs:146-152).
      { ...s0, balances: new Map([...s0.balances, ['carol', 7_000n * TAO + 500n]]) },
      { coldkey: 'carol', hotkey: 'sn1-v2', taoRao: 7_000n * TAO },
    );
    const root1 = root.map((r, uid) => (uid === 3 ? 7_000n * TAO : r));
    expect(epochInput(s1, params, s1.subnets[0]!, 0n).stake).toEqual(expected(alpha, root1, params.taoWeightU64));
    const heavier: ChainParams = { ...params, taoWeightU64: 1n << 63n };
    expect(epochInput(s1, heavier, s1.subnets[0]!, 0n).stake).toEqual(expected(alpha, root1, 1n << 63n));
    expect(epochInput(s0, params, s0.subnets[0]!, 0n).stake).toEqual(expected(alpha, root, params.taoWeightU64));
  });
});
