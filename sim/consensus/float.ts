import type { Arith } from './arith.ts';

/** Float64 arithmetic with the chain's control flow: no truncation, so u16/rao outputs may differ by a few LSB. */
const TWO_POW_64 = 2 ** 64;
const U64_MAX = (1n << 64n) - 1n;

export const floatArith: Arith<number> = {
  zero: 0,
  one: 1,
  fromInt: (v) => v,
  u16Proportion: (v) => v / 65535,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  checkedMul: (a, b) => a * b,
  div: (a, b) => (b === 0 ? 0 : a / b),
  satDiv: (a, b) => a / b,
  expSafe: (x) => Math.exp(x < -20 ? -20 : x > 20 ? 20 : x),
  toU16Proportion(x) {
    const v = Math.floor(x * 65535);
    return v < 0 ? 0 : v > 65535 ? 65535 : v;
  },
  toRao(x, rao) {
    const v = Math.floor(x * Number(rao));
    if (!(v > 0)) return 0n;
    const r = BigInt(v);
    return r > U64_MAX ? U64_MAX : r;
  },
  normalizeStake64(stake) {
    const values = stake.map((s) => Number(s) / TWO_POW_64);
    let sum = 0;
    for (const v of values) sum += v;
    return sum === 0 ? values : values.map((v) => v / sum);
  },
  bondsEmaAlpha: (bma) => 1 - bma / 1_000_000,
};
