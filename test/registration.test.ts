import { describe, expect, it } from 'vitest';
import { auditBooks } from '../sim/economy/auditBooks.ts';
import { DEFAULT_CHAIN_PARAMS, genesisState, type SubnetSpec } from '../sim/economy/genesis.ts';
import { neuronToPrune, registerNeuron } from '../sim/economy/ops/registerNeuron.ts';
import { decayFactorQ32, powQ32 } from '../sim/economy/registrationPrice.ts';
import type { ChainParams, ChainState, SubnetState } from '../sim/economy/state.ts';
import { TxError } from '../sim/economy/txError.ts';
import { runBlocks } from '../sim/engine/runBlocks.ts';

const TAO = 1_000_000_000n;
const params: ChainParams = { ...DEFAULT_CHAIN_PARAMS, consensusMode: 'float' };

function network(miners: number, maxUids = 256): ChainState {
  const spec: SubnetSpec = {
    netuid: 1,
    name: 'text',
    ownerColdkey: 'own-c',
    ownerHotkey: 'own-h',
    poolTaoRao: 1000n * TAO,
    poolAlphaRao: 2000n * TAO,
    neurons: [
      { hotkey: 'own-h', coldkey: 'own-c' },
      { hotkey: 'v0', coldkey: 'v0-c', stakeAlphaRao: 100n * TAO },
      ...Array.from({ length: miners }, (_, k) => ({ hotkey: `m${k}`, coldkey: `m${k}-c` })),
    ],
    params: { maxAllowedUids: maxUids, tempo: 360 },
  };
  return genesisState({ subnets: [spec], balances: new Map([['alice', 1000n * TAO]]) });
}
const sub = (s: ChainState): SubnetState => s.subnets[0]!;

describe('registration price', () => {
  it('decays by the Q32 factor f with f^360 = 1/2 (to 2^-32), i.e. 2^(-1/360)', () => {
    const f = decayFactorQ32(360);
    expect(powQ32(f, 360)).toBeLessThanOrEqual(1n << 31n);
    expect(powQ32(f + 1n, 360)).toBeGreaterThan(1n << 31n);
    expect(Math.abs(Number(f) / 2 ** 32 - 2 ** (-1 / 360))).toBeLessThan(1e-8);
  });

  it('halves over 360 blocks without registrations, block by block, from the new-subnet price of 1 TAO', () => {
    const prices: bigint[] = [];
    runBlocks(network(4), params, 361, (s) => prices.push(sub(s).burnRao));
    expect(prices[0]).toBe(TAO); // no decay at block 1
    for (let k = 1; k < prices.length; k++) {
      const ratio = Number(prices[k]!) / Number(prices[k - 1]!);
      expect(Math.abs(ratio - 2 ** (-1 / 360))).toBeLessThan(1e-8);
    }
    // 360 decays of 1 TAO: half a TAO, less a rao of flooring per block at most.
    expect(prices[360]!).toBeLessThanOrEqual(TAO / 2n);
    expect(prices[360]!).toBeGreaterThan(TAO / 2n - 360n);
  });

  it('rises ×1.26 on each registration and is paid from the balance into the pool, the alpha bought recycled', () => {
    const before = network(4);
    const after = registerNeuron(before, params, { coldkey: 'alice', hotkey: 'new', netuid: 1 });
    expect(sub(after).burnRao).toBe(1_260_000_000n);
    expect(after.balances.get('alice')).toBe(999n * TAO);
    const fee = after.balances.get('author') ?? 0n;
    expect(fee).toBeGreaterThan(0n);
    expect(sub(after).pool.taoRao).toBe(sub(before).pool.taoRao + TAO - fee);
    expect(sub(after).pool.alphaOutRao).toBe(sub(before).pool.alphaOutRao); // bought, then recycled
    expect(sub(after).pool.alphaInRao).toBeLessThan(sub(before).pool.alphaInRao);
    expect(sub(after).neurons.hotkeys.at(-1)).toBe('new');
    expect(auditBooks(after)).toEqual([]);
  });

  it('has no per-block cap: a second registration in the same block is accepted and pays the bumped price', () => {
    // do_register (registration.rs:38-132) never reads MaxRegistrationsPerBlock (default 1, still stored); the
    // chain's own test registers 20 neurons in one block (tests/registration.rs:1292).
    // Price 1 TAO; bump ×from_num(1.26) = ×1.260000000000000008882 (the double 1.26): 1e9 → floor(1 260 000 000.0000000089)
    // = 1 260 000 000, then 1.26e9 → floor(1 587 600 000.0000000112) = 1 587 600 000.
    const s0 = network(4);
    const s1 = registerNeuron(s0, params, { coldkey: 'alice', hotkey: 'new1', netuid: 1 });
    const s2 = registerNeuron(s1, params, { coldkey: 'alice', hotkey: 'new2', netuid: 1 });
    expect(s2.block).toBe(s0.block);
    expect(sub(s2).neurons.hotkeys.slice(-2)).toEqual(['new1', 'new2']); // uids 6 and 7
    expect(sub(s2).registrationsThisBlock).toBe(2);
    expect(sub(s2).burnRao).toBe(1_587_600_000n);
    // alice: 1000 TAO − 1 TAO − 1.26 TAO = 997.74 TAO.
    expect(s2.balances.get('alice')).toBe(997_740_000_000n);
    // The stored MaxRegistrationsPerBlock changes nothing either.
    expect(sub(s1).params.maxRegistrationsPerBlock).toBe(1);
    expect(auditBooks(s2)).toEqual([]);
  });
});

describe('pruning a full subnet', () => {
  it('replaces the non-immune uid with the lowest emission, then the oldest, then the lowest uid', () => {
    // 2 + 12 neurons = a full subnet of 14; everyone registered at genesis, immunity 5000 blocks.
    let s = runBlocks(network(12, 14), params, 5001);
    const emissions = Array.from(sub(s).neurons.emissionRao);
    const expected = emissions
      .map((e, uid) => ({ e, uid }))
      .filter(({ uid }) => uid !== 0)
      .sort((a, b) => (a.e < b.e ? -1 : a.e > b.e ? 1 : a.uid - b.uid))[0]!.uid;
    expect(neuronToPrune(sub(s), s.block)).toBe(expected);
    s = registerNeuron(s, params, { coldkey: 'alice', hotkey: 'new', netuid: 1 });
    expect(sub(s).neurons.hotkeys[expected]).toBe('new');
    expect(sub(s).neurons.hotkeys.length).toBe(14);
    expect(sub(s).neurons.registeredAt[expected]).toBe(s.block);
  });

  it('never prunes an immune uid while more than 10 are not immune, and never the owner', () => {
    let s = runBlocks(network(12, 14), params, 5001);
    for (let k = 0; k < 3; k++) {
      s = registerNeuron(s, params, { coldkey: 'alice', hotkey: `late${k}`, netuid: 1 });
      s = runBlocks(s, params, 1);
    }
    // 13 non-owner uids, 3 of them just registered (immune): 10 non-immune are left, so the next prune must take an
    // immune uid (the chain prefers non-immune only while more than MinNonImmuneUids = 10 exist).
    const t = sub(s).neurons;
    const uid = neuronToPrune(sub(s), s.block)!;
    expect(t.hotkeys[uid]).not.toBe('own-h');
    expect(s.block - t.registeredAt[uid]!).toBeLessThan(5000);
    expect(neuronToPrune(sub(runBlocks(network(12, 14), params, 5001)), 5001)).not.toBe(0);
  });

  it('refuses what the chain refuses and changes nothing', () => {
    const s = network(4);
    const again = registerNeuron(s, params, { coldkey: 'alice', hotkey: 'new', netuid: 1 });
    const cases: [ChainState, { coldkey: string; hotkey: string; netuid: number }, string][] = [
      [s, { coldkey: 'nobody', hotkey: 'x', netuid: 1 }, 'NotEnoughBalance'],
      [s, { coldkey: 'alice', hotkey: 'm0', netuid: 1 }, 'HotKeyAlreadyRegisteredInSubNet'],
      [s, { coldkey: 'alice', hotkey: 'v0', netuid: 2 }, 'SubnetNotExists'],
      [again, { coldkey: 'alice', hotkey: 'new', netuid: 1 }, 'HotKeyAlreadyRegisteredInSubNet'],
    ];
    for (const [state, tx, code] of cases) {
      expect(() => registerNeuron(state, params, tx)).toThrow(TxError);
      try {
        registerNeuron(state, params, tx);
      } catch (e) {
        expect((e as TxError).code).toBe(code);
      }
    }
    expect(auditBooks(s)).toEqual([]);
  });
});
