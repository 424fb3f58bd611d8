import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastFloatEpoch, useWasmBonds, useWasmDividends } from '../sim/consensus/fastFloatEpoch.ts';
import { genericEpoch, genericFloatEpoch } from '../sim/consensus/index.ts';
import { replayScenario } from '../sim/consensus/replay.ts';
import type { EpochInput, EpochResult, SparseMatrixU16, SparseRowU16 } from '../sim/consensus/types.ts';
import { parseJsonExact } from '../sim/io/parseJsonExact.ts';
import { readVectorFile } from '../sim/io/vectorFile.ts';
import { benchSubnet } from './bench/epochCase.ts';
import { subnetArbitrary } from './support/subnetArbitrary.ts';

// The typed-array kernel must reproduce the generic path bit for bit — every output field, the bonds rows with the
// same columns, values and order: in float mode the generic float epoch, in exact mode the generic fixed epoch (the
// chain's substrate_fixed arithmetic on bigint). Every test below runs in both modes.
let exactMode = false;
const reference = (input: EpochInput): EpochResult =>
  exactMode ? genericEpoch(input, 'fixed') : genericFloatEpoch(input);
const fast = (input: EpochInput): EpochResult => fastFloatEpoch(input, exactMode);

/** Every field as plain arrays (typed-array views compare like fresh arrays), with each field's array type. */
function plain(r: EpochResult) {
  const vec = (xs: Uint8Array | Uint16Array | BigUint64Array) =>
    [xs.constructor.name, Array.from(xs as ArrayLike<number | bigint>)] as const;
  return {
    active: vec(r.active),
    stakeWeight: vec(r.stakeWeight),
    consensus: vec(r.consensus),
    incentive: vec(r.incentive),
    dividends: vec(r.dividends),
    validatorTrust: vec(r.validatorTrust),
    serverEmission: vec(r.serverEmission),
    validatorEmission: vec(r.validatorEmission),
    emission: vec(r.emission),
    newValidatorPermits: vec(r.newValidatorPermits),
    bonds: r.bonds.map((row) => [vec(row.cols), vec(row.vals)]),
  };
}

function expectSame(input: EpochInput): EpochResult {
  const expected = reference(input);
  expect(plain(fast(input))).toEqual(plain(expected));
  return expected;
}

const row = (cols: number[], vals: number[]): SparseRowU16 => ({
  cols: Uint16Array.from(cols),
  vals: Uint16Array.from(vals),
});

/** A row in another storage order (the chain keeps sorted rows; the epoch must still read others like the chain). */
function permuted(r: SparseRowU16 | undefined, order: readonly number[]): SparseRowU16 {
  if (!r || r.cols.length === 0) return row([], []);
  const idx = Array.from(r.cols, (_, k) => k).sort(
    (a, b) => (order[a % order.length] ?? 0) - (order[b % order.length] ?? 0),
  );
  return row(
    idx.map((k) => r.cols[k]!),
    idx.map((k) => r.vals[k]!),
  );
}

/** Random subnets with the options the plain arbitrary leaves at their defaults. */
const variedSubnet = subnetArbitrary().chain((input) =>
  fc
    .record({
      commitReveal: fc.boolean(),
      commits: fc.array(fc.oneof(fc.constant(Number.POSITIVE_INFINITY), fc.integer({ min: 0, max: 10_000 })), {
        minLength: input.n,
        maxLength: input.n,
      }),
      threshold: fc.oneof(fc.constant(0n), fc.bigInt(1n, 1n << 50n), fc.constantFrom(1_000_000_000n, 2_000_000_000n)),
      bondsPenalty: fc.oneof(fc.constant(input.params.bondsPenalty), fc.integer({ min: 1, max: 65534 })),
      lastMechanismStepBlock: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10_000 })),
      owner: fc.option(fc.nat({ max: input.n - 1 }), { nil: null }),
      // Majority extremes (where the median's comparisons can meet the stake sums exactly), and steepness around the
      // exponent bound of exp_safe's shortcut (|x| = 8 at 1600 for combined 0).
      kappa: fc.oneof(fc.constant(input.params.kappa), fc.constantFrom(0, 1, 65534, 65535)),
      steepness: fc.oneof(
        fc.constant(input.params.alphaSigmoidSteepness),
        fc.constantFrom(200, -200, 1599, 1600, 1601, 1700, -1600, -1700, 2000, 4000, -32768, 32767),
      ),
    })
    .map(
      (o): EpochInput => ({
        ...input,
        params: {
          ...input.params,
          commitRevealEnabled: o.commitReveal,
          stakeThreshold: o.threshold,
          bondsPenalty: o.bondsPenalty,
          kappa: o.kappa,
          alphaSigmoidSteepness: o.steepness,
        },
        commitBlocks: o.commits,
        lastMechanismStepBlock: o.lastMechanismStepBlock,
        ownerUid: o.owner,
      }),
    ),
);

/** The same subnet with weight and bonds rows stored unsorted, or with a repeated column (at the end, or adjacent). */
const disorderedSubnet = subnetArbitrary().chain((input) => {
  const dup = fc.constantFrom('none', 'appended', 'adjacent');
  return fc
    .record({ order: fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), at: fc.nat(), shuffleW: fc.boolean() })
    .chain((o) => fc.record({ shuffleB: fc.boolean(), dupW: dup, dupB: dup }).map((d) => ({ ...o, ...d })))
    .map(({ order, at, shuffleW, shuffleB, dupW, dupB }): EpochInput => {
      const change = (m: SparseMatrixU16, shuffle: boolean, duplicate: string): SparseRowU16[] =>
        m.map((r0) => {
          const r = shuffle ? permuted(r0, order) : (r0 ?? row([], []));
          if (duplicate === 'none' || r.cols.length === 0) return r;
          const cols = Array.from(r.cols);
          const vals = Array.from(r.vals);
          if (duplicate === 'appended') return row([...cols, cols[0]!], [...vals, vals.at(-1)!]);
          const k = at % cols.length; // the row stays ascending, not strictly
          cols.splice(k + 1, 0, cols[k]!);
          vals.splice(k + 1, 0, (vals[k]! + 12_345) % 65_536);
          return row(cols, vals);
        });
      return { ...input, weights: change(input.weights, shuffleW, dupW), bonds: change(input.bonds, shuffleB, dupB) };
    });
});

/**
 * Yuma3 with liquid alpha where its sigmoid is smooth (steepness ±200: α varies over the whole range of `combined`)
 * and a bonds penalty of 0 or 1 (the fused passes), with a wide α range: every branch of the per-bond rate, including
 * the clamp of `combined` to [0, 1], changes the bonds.
 */
const smoothLiquidSubnet = subnetArbitrary({ yuma3: true }).chain((input) =>
  fc.record({ penalty: fc.constantFrom(0, 65535), steepness: fc.constantFrom(200, -200, 500) }).map(
    (o): EpochInput => ({
      ...input,
      params: {
        ...input.params,
        liquidAlphaEnabled: true,
        bondsPenalty: o.penalty,
        alphaSigmoidSteepness: o.steepness,
        alphaLow: 6553,
        alphaHigh: 58982,
      },
    }),
  ),
);

// The fused bonds passes run in WebAssembly; their JavaScript twins are the fallback when it declines (a value
// beyond the fast grid range, which an epoch never produces), so they are held to the generic path on their own.
for (const mode of ['float', 'exact'] as const)
  describe(`fastFloatEpoch's JavaScript bonds passes (${mode} mode)`, () => {
    beforeAll(() => {
      exactMode = mode === 'exact';
      useWasmBonds(false);
    });
    afterAll(() => useWasmBonds(true));

    it('equal the generic epoch on random and varied subnets', () => {
      fc.assert(fc.property(fc.oneof(subnetArbitrary(), variedSubnet), (input) => void expectSame(input)));
    });

    it('equal it on the mainnet-shaped benchmark subnets', () => {
      for (const yuma3 of [false, true]) expectSame(benchSubnet(16, 64, yuma3));
    });
  });

// The WebAssembly Yuma3 bonds pass keeps rows with many entries dense; when the WebAssembly dividends decline, those
// rows are written into the EMA bonds' CSR for the JavaScript dividends, held here to the generic path.
for (const mode of ['float', 'exact'] as const)
  describe(`fastFloatEpoch with the JavaScript dividends after the WebAssembly bonds pass (${mode} mode)`, () => {
    beforeAll(() => {
      exactMode = mode === 'exact';
      useWasmDividends(false);
    });
    afterAll(() => useWasmDividends(true));

    it('equals the generic epoch on random subnets and the benchmark subnets', () => {
      fc.assert(fc.property(subnetArbitrary(), (input) => void expectSame(input)));
      expectSame(benchSubnet(16, 64, true));
      expectSame(benchSubnet(64, 256, true));
    });
  });

for (const mode of ['float', 'exact'] as const)
  describe(`fastFloatEpoch (${mode} mode = the generic ${mode === 'float' ? 'float' : 'fixed'} epoch)`, () => {
    beforeAll(() => {
      exactMode = mode === 'exact';
    });

    it('equals the generic epoch on random subnets (Yuma and Yuma3, liquid alpha, ties, sizes 1–256)', () => {
      fc.assert(fc.property(subnetArbitrary(), (input) => void expectSame(input)));
    });

    it('equals it with the owner uid, commit-reveal, a stake threshold, 0 < bonds penalty < 1 and a last step block', () => {
      fc.assert(fc.property(variedSubnet, (input) => void expectSame(input)));
    });

    it('stores a bond of exactly 1 as 65535, the top of the u16 range (all weight on one miner, EMA rate 1)', () => {
      const base = benchSubnet(1, 2, true);
      // Bonds moving average 0: the EMA's alpha is 1, so the bond becomes the clipped weight, 1.
      const input: EpochInput = {
        ...base,
        params: { ...base.params, maxAllowedValidators: 1, liquidAlphaEnabled: false, bondsMovingAverage: 0 },
        validatorPermits: [1, 0],
        weights: [row([1], [65535]), row([], [])],
        bonds: [row([1], [65535]), row([], [])],
      };
      const r = expectSame(input);
      expect(Array.from(r.bonds[0]!.vals)).toEqual([65535]);
    });

    it('equals it with liquid alpha in its smooth range and a bonds penalty of 0 or 1', () => {
      fc.assert(fc.property(smoothLiquidSubnet, (input) => void expectSame(input)));
    });

    it('equals it on unsorted weight and bonds rows and rows with a repeated column', () => {
      fc.assert(
        fc.property(disorderedSubnet, (input) => void expectSame(input)),
        { numRuns: 100 },
      );
    });

    it('reads repeated and reversed stored rows like the generic path (each EMA variant)', () => {
      const repeated = (r: SparseRowU16): SparseRowU16 => {
        if (r.cols.length < 2) return r;
        const cols = Array.from(r.cols);
        const vals = Array.from(r.vals);
        cols.splice(1, 0, cols[0]!);
        vals.splice(1, 0, (vals[0]! + 12_345) % 65_536);
        return row(cols, vals);
      };
      const reversed = (r: SparseRowU16): SparseRowU16 =>
        row(Array.from(r.cols).reverse(), Array.from(r.vals).reverse());
      for (const yuma3 of [false, true]) {
        for (const liquid of [false, true]) {
          const x = benchSubnet(4, 8, yuma3);
          const params = { ...x.params, liquidAlphaEnabled: liquid };
          for (const f of [repeated, reversed]) {
            expectSame({ ...x, params, bonds: x.bonds.map(f) });
            expectSame({ ...x, params, weights: x.weights.map(f) });
          }
        }
      }
    });

    it('equals it over epoch chains (bonds and permits carried over, weights drifting)', () => {
      const chain = fc.record({
        input: fc.oneof(subnetArbitrary({ maxN: 96 }), variedSubnet),
        drift: fc.array(fc.array(fc.integer({ min: 0, max: 65535 }), { maxLength: 8 }), { minLength: 3, maxLength: 6 }),
      });
      fc.assert(
        fc.property(chain, ({ input, drift }) => {
          let x = input;
          for (const [e, changes] of drift.entries()) {
            const r = expectSame(x);
            // New weights for a few rows (same columns, new values), then the next epoch a block later.
            const weights = x.weights.map((w, i) =>
              changes.length > 0 && i % changes.length === e % changes.length && w.cols.length > 0
                ? row(
                    Array.from(w.cols),
                    Array.from(w.vals, (_, k) => changes[k % changes.length]!),
                  )
                : w,
            );
            x = {
              ...x,
              weights,
              bonds: r.bonds,
              validatorPermits: r.newValidatorPermits,
              currentBlock: x.currentBlock + 1,
            };
          }
        }),
        { numRuns: 60 },
      );
    });

    it('equals it on the mainnet-shaped benchmark subnets', () => {
      for (const yuma3 of [false, true]) expectSame(benchSubnet(64, 256, yuma3));
    });

    it('gives identical results on every subtensor vector (replayed epoch by epoch)', () => {
      const dir = new URL('./vectors/', import.meta.url);
      const files = readdirSync(dir).filter((f) => f.startsWith('epoch_') && f.endsWith('.json'));
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) {
        const { scenario } = readVectorFile(parseJsonExact(readFileSync(new URL(f, dir), 'utf8'), f));
        const ours = replayScenario(scenario, { dense: false }, fast);
        const theirs = replayScenario(scenario, { dense: false }, reference);
        expect(ours.map(plain)).toEqual(theirs.map(plain));
      }
    });

    it('would notice a one-LSB difference in any field, including a bond value', () => {
      const input = benchSubnet(16, 64, true);
      const r = fast(input);
      const expected = plain(reference(input));
      expect(plain(r)).toEqual(expected);
      const i = r.bonds.findIndex((b) => b.vals.length > 0);
      const tampered = {
        ...r,
        bonds: r.bonds.map((b, k) => (k === i ? row(Array.from(b.cols), [b.vals[0]! ^ 1]) : b)),
      };
      expect(plain(tampered)).not.toEqual(expected);
      const emission = BigUint64Array.from(r.emission, (v, k) => (k === 0 ? v + 1n : v));
      expect(plain({ ...r, emission })).not.toEqual(expected);
    });

    it('is pure across calls: a large epoch in between does not change a small one', () => {
      const small = benchSubnet(4, 8, true);
      const before = plain(fast(small));
      fastFloatEpoch(benchSubnet(64, 512, false), !exactMode);
      expect(plain(fast(small))).toEqual(before);
    });
  });
