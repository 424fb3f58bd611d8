import type { Arith } from './arith.ts';

/**
 * substrate_fixed I32F32 on bigint raw values (value = raw / 2^32), as the chain computes it
 * (encointer/substrate-fixed v0.6.0, src/arith.rs `mul_div_widen`):
 * - mul: (a * b) >> 32 with an arithmetic shift, i.e. floor; overflow of i64 saturates;
 * - div: (a << 32) / b with integer division truncating toward zero; `safe_div` gives 0 on /0 or overflow.
 */
const FRAC = 32n;
const ONE = 1n << FRAC;
const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);
const U64_MAX = (1n << 64n) - 1n;
const U16_MAX_FIXED = 65535n << FRAC;

const saturate = (x: bigint): bigint => (x > I64_MAX ? I64_MAX : x < I64_MIN ? I64_MIN : x);

export function fixedMul(a: bigint, b: bigint): bigint {
  return saturate((a * b) >> FRAC);
}

export function fixedDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n;
  const q = (a << FRAC) / b;
  return q > I64_MAX || q < I64_MIN ? 0n : q;
}

function checkedMulOrZero(a: bigint, b: bigint): bigint {
  const p = (a * b) >> FRAC;
  return p > I64_MAX || p < I64_MIN ? 0n : p;
}

function satDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) return a >= 0n ? I64_MAX : I64_MIN; // the chain would panic; never reached
  return saturate((a << FRAC) / b);
}

export const fixedArith: Arith<bigint> = {
  zero: 0n,
  one: ONE,
  fromInt: (v) => BigInt(v) << FRAC,
  u16Proportion: (v) => fixedDiv(BigInt(v) << FRAC, U16_MAX_FIXED),
  add: (a, b) => saturate(a + b),
  sub: (a, b) => saturate(a - b),
  mul: fixedMul,
  checkedMul: checkedMulOrZero,
  div: fixedDiv,
  satDiv,
  e: 22802600n << 9n, // substrate_fixed `E` = consts::E (U2F126) >> 103 = floor(e·2^23) = 22802600, widened to I32F32
  toU16Proportion(x) {
    const v = fixedMul(x, U16_MAX_FIXED) >> FRAC;
    return v < 0n ? 0 : v > 65535n ? 65535 : Number(v);
  },
  toRao(x, rao) {
    // I96F32: raw_x * rao is the raw product; the integer part is a floor shift.
    const v = (x * rao) >> FRAC;
    return v < 0n ? 0n : v > U64_MAX ? U64_MAX : v;
  },
  normalizeStake64(stake) {
    // I64F64 sum and safe_div (raw_i << 64) / sum, then I32F32::from(I64F64) drops 32 fraction bits.
    let sum = 0n;
    for (const s of stake) sum += s;
    if (sum === 0n) return stake.map((s) => s >> FRAC);
    return stake.map((s) => ((s << 64n) / sum) >> FRAC);
  },
  bondsEmaAlpha(bma) {
    const ratio64 = ((BigInt(bma) << 64n) << 64n) / (1_000_000n << 64n); // I64F64 safe_div
    return ONE - (ratio64 >> FRAC);
  },
};
