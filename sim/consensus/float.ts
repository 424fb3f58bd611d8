import type { Arith } from './arith.ts';

/**
 * Float64 arithmetic on the I32F32 grid: every product is floored and every quotient truncated to a multiple of
 * 2^-32, as substrate_fixed does, but with doubles instead of bigint. Sums of grid values below 2^21 are exact in a
 * double, so the chain's discrete decisions (median pivots at kappa, clipping, top-k permits, stake too small to
 * count) come out the same; what remains is the double rounding of a product or quotient that lies within 2^-53 of
 * a grid point. Measured deviation from fixed: README "Arithmetic modes".
 */
const TWO_POW_64 = 2 ** 64;
const TWO_POW_32 = 2 ** 32;
const U64_MAX = (1n << 64n) - 1n;

export const floatArith: Arith<number> = {
  zero: 0,
  one: 1,
  fromInt: (v) => v,
  u16Proportion: (v) => v / 65535,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => Math.floor(a * b * TWO_POW_32) / TWO_POW_32,
  checkedMul: (a, b) => Math.floor(a * b * TWO_POW_32) / TWO_POW_32,
  div: (a, b) => (b === 0 ? 0 : Math.trunc((a / b) * TWO_POW_32) / TWO_POW_32),
  satDiv: (a, b) => Math.trunc((a / b) * TWO_POW_32) / TWO_POW_32,
  e: 22802600 / 2 ** 23, // floor(e·2^23)/2^23, as fixed.ts
  toU16Proportion(x) {
    const v = Math.floor(x * 65535);
    return v < 0 ? 0 : v > 65535 ? 65535 : v;
  },
  toRao(x, rao) {
    // x is on the grid: x·2^32 is an integer, so the I96F32 product is exact in bigint (O(n) per epoch).
    if (!(x > 0)) return 0n;
    const r = (BigInt(Math.floor(x * TWO_POW_32)) * rao) >> 32n;
    return r > U64_MAX ? U64_MAX : r;
  },
  normalizeStake64(stake) {
    const values = stake.map((s) => Number(s) / TWO_POW_64);
    let sum = 0;
    for (const v of values) sum += v;
    // Quantised to the I32F32 grid like the chain: a stake below 2^-32 of the total is invisible to consensus,
    // which decides whether a tiny validator counts at all (a discrete outcome float alone would get wrong).
    return sum === 0 ? values : values.map((v) => Math.floor((v / sum) * TWO_POW_32) / TWO_POW_32);
  },
  bondsEmaAlpha: (bma) => 1 - bma / 1_000_000,
};
