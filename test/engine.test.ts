import { describe, expect, it } from 'vitest';
import { auditBooks } from '../sim/economy/auditBooks.ts';
import { halvingThresholdRao } from '../sim/economy/blockEmission.ts';
import { DEFAULT_CHAIN_PARAMS } from '../sim/economy/genesis.ts';
import { recycleTao } from '../sim/economy/ops/recycleTao.ts';
import type { ChainParams, ChainState } from '../sim/economy/state.ts';
import type { BlockRecord } from '../sim/engine/blockStep.ts';
import { runBlocks } from '../sim/engine/runBlocks.ts';
import { smallNetwork } from './support/smallNetwork.ts';

const TAO = 1_000_000_000n;
const params: ChainParams = { ...DEFAULT_CHAIN_PARAMS, consensusMode: 'float' };

function run(
  state: ChainState,
  blocks: number,
  p: ChainParams = params,
): { state: ChainState; records: BlockRecord[] } {
  const records: BlockRecord[] = [];
  const end = runBlocks(state, p, blocks, (_s, r) => records.push(r));
  return { state: end, records };
}

describe('block engine', () => {
  it('keeps every rao of issuance and of each subnet’s alpha somewhere, block after block', () => {
    let problems: string[] = [];
    let blocks = 0;
    runBlocks(smallNetwork(), params, 600, (s) => {
      blocks++;
      problems = problems.concat(auditBooks(s).map((p) => `block ${s.block}: ${p}`));
    });
    expect(blocks).toBe(600);
    expect(problems).toEqual([]);
  });

  it('grows issuance by exactly the block emission minus what the coinbase recycles', () => {
    const start = smallNetwork();
    const { state, records } = run(start, 200);
    const minted = records.reduce((a, r) => a + r.emissionRao, 0n);
    const recycled = records.reduce((a, r) => a + r.recycledRao, 0n);
    expect(minted).toBe(200n * TAO); // 1 TAO per block below the first threshold
    expect(state.issuanceRao).toBe(start.issuanceRao + minted - recycled);
    // Recycling is only the rounding of the split: a few rao per subnet per block.
    expect(recycled).toBeLessThan(200n * 3n * 10n);
  });

  it('runs each subnet’s epoch every tempo blocks and pays out all of its pending emission', () => {
    const { state, records } = run(smallNetwork(), 125);
    const epochBlocks = (netuid: number) =>
      records.flatMap((r) => r.epochs.filter((e) => e.netuid === netuid).map(() => r.block));
    // tempo 20; init_new_network staggers: LastEpochBlock = genesis − (netuid mod tempo), clamped at 0.
    expect(epochBlocks(1)).toEqual([20, 40, 60, 80, 100, 120]);
    expect(epochBlocks(2)).toEqual([20, 40, 60, 80, 100, 120]);
    // All three are due together; at most two epochs run per block, so subnet 3 is deferred by one block.
    expect(epochBlocks(3)).toEqual([21, 41, 61, 81, 101, 121]);
    for (const r of records) expect(r.epochs.length).toBeLessThanOrEqual(params.maxEpochsPerBlock);
    const drained = records.flatMap((r) => r.epochs);
    expect(drained.every((e) => e.distributedRao > 0n)).toBe(true);
    // After block 120 only blocks 121..125 have accumulated on subnets 1 and 2: 5 blocks of 1 alpha, of which the owner takes
    // 11796/65535 (179 995 422.3 rao a block) and miners half the rest (410 002 288.9 rao a block), floored.
    for (const s of state.subnets.filter((x) => x.netuid !== 3)) {
      expect(s.pending.ownerCutRao).toBeGreaterThanOrEqual(5n * 179_995_421n);
      expect(s.pending.ownerCutRao).toBeLessThanOrEqual(5n * 179_995_423n);
      expect(s.pending.serverRao).toBeGreaterThanOrEqual(5n * 410_002_287n);
      expect(s.pending.serverRao).toBeLessThanOrEqual(5n * 410_002_289n);
    }
  });

  it('splits a block’s alpha with and without the owner cut in the same block (exact U96F32 bits, by hand)', () => {
    // Subnet 2 has no owner cut: its miners get half of the whole alpha emission; subnets 1 and 3 keep the cut.
    const s0 = smallNetwork();
    const start: ChainState = {
      ...s0,
      subnets: s0.subnets.map((x) => (x.netuid === 2 ? { ...x, params: { ...x.params, ownerCutEnabled: false } } : x)),
    };
    const { state } = run(start, 1);
    const gained = (netuid: number) => {
      const [a, b] = [start, state].map((x) => x.subnets.find((y) => y.netuid === netuid)!.pending);
      return { ownerCut: b!.ownerCutRao - a!.ownerCutRao, server: b!.serverRao - a!.serverRao };
    };
    const alphaEmission = TAO << 32n; // 1 alpha a block as U96F32 bits
    const cut = (11_796n << 32n) / 65_535n; // SubnetOwnerCut as U96F32 (truncated division)
    const ownerCut = (alphaEmission * cut) >> 32n; // saturating_mul floors
    const serverWithCut = ((alphaEmission - ownerCut) * (1n << 31n)) >> 32n; // × 0.5
    expect(gained(1)).toEqual({ ownerCut: ownerCut >> 32n, server: serverWithCut >> 32n });
    expect(gained(3)).toEqual({ ownerCut: ownerCut >> 32n, server: serverWithCut >> 32n });
    expect(gained(2)).toEqual({ ownerCut: 0n, server: TAO / 2n });
  });

  it('defers epochs beyond MaxEpochsPerBlock to the next block', () => {
    const { records } = run(smallNetwork(), 41, { ...params, maxEpochsPerBlock: 1 });
    const at = (block: number) => records.find((r) => r.block === block)!.epochs.map((e) => e.netuid);
    expect(at(20)).toEqual([1]);
    expect(at(21)).toEqual([2]);
    expect(at(22)).toEqual([3]);
  });

  it('halves the block emission at the first block whose issuance has reached 10.5 M TAO', () => {
    const threshold = halvingThresholdRao(1);
    const { records, state } = run(smallNetwork({ issuanceRao: threshold - 3n * TAO - TAO / 2n }), 8);
    const emissions = records.map((r) => r.emissionRao);
    // Issuance before blocks 1..4: T−3.5, T−2.5, T−1.5, T−0.5 TAO (minus rounding recycled) → 1 TAO each;
    // before block 5 it is T + 0.5 TAO minus a few rao → 0.5 TAO from then on.
    expect(emissions).toEqual([TAO, TAO, TAO, TAO, TAO / 2n, TAO / 2n, TAO / 2n, TAO / 2n]);
    expect(state.issuanceRao).toBeGreaterThan(threshold);
  });

  it('moves the halving later when TAO is recycled, by the blocks needed to re-mint it', () => {
    const threshold = halvingThresholdRao(1);
    const start = smallNetwork({ issuanceRao: threshold - 3n * TAO - TAO / 2n });
    const firstHalf = (s: ChainState) => run(s, 12).records.find((r) => r.emissionRao === TAO / 2n)!.block;
    expect(firstHalf(start)).toBe(5);
    expect(firstHalf(recycleTao(start, 'alice', 3n * TAO))).toBe(8);
  });

  it('never mints past 21 M TAO', () => {
    const cap = 21_000_000n * TAO;
    const { state, records } = run(smallNetwork({ issuanceRao: cap - 2n }), 5);
    expect(state.issuanceRao).toBeLessThanOrEqual(cap);
    expect(records.reduce((a, r) => a + r.emissionRao, 0n)).toBeLessThanOrEqual(2n);
  });

  it('halves on the calendar instead when the article’s rule is chosen', () => {
    const p: ChainParams = { ...params, halving: { kind: 'calendar', intervalBlocks: 10 } };
    const { records } = run(smallNetwork(), 21, p);
    expect(records.map((r) => r.emissionRao)).toEqual([
      ...Array(9).fill(TAO),
      ...Array(10).fill(TAO / 2n),
      TAO / 4n,
      TAO / 4n,
    ]);
  });
});
