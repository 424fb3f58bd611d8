import fc from 'fast-check';

/** 2^32: grid values are R / 2^32 (I32F32). */
export const G = 2 ** 32;
/** A grid value's raw I32F32 bits. */
export const toRaw = (x: number): bigint => BigInt(x * G);

/** Grid values: proportions, small integers and ratios, values near grid points and products landing on them. */
export const gridValue = fc.oneof(
  fc.integer({ min: 0, max: 2 ** 32 }).map((r) => r / G),
  fc.integer({ min: -(2 ** 40), max: 2 ** 40 }).map((r) => r / G),
  fc.integer({ min: 0, max: 65535 }),
  fc.integer({ min: 1, max: 65535 }).map((v) => Math.trunc((v / 65535) * G) / G),
  fc.constantFrom(0, 1, 0.5, 0.25, 2 ** -32, 1 - 2 ** -32, 3, 65535, 1e6),
);

/** B^-1 mod 2^32 for an odd B (Newton: x ← x(2 − B·x) doubles the correct bits each step). */
function inverse(b: bigint): bigint {
  let x = 1n;
  for (let k = 0; k < 6; k++) x = (x * (2n - b * x)) & 0xffffffffn;
  return x;
}

/**
 * Quotients a/b just below a grid point: B odd > 2^21 and t = B^-1 mod 2^32 make A = (t·B − 1)/2^32 an integer,
 * and (A/B)·2^32 = t − 1/B, which I32F32 truncates to t − 1 while the double quotient often rounds up to t (1/B is
 * below half an ulp of t). a = A/2^32, b = B/2^32; `below` = t − 1 is the exact quotient's raw bits.
 */
export const quotientBelowPoint = fc.integer({ min: 2 ** 21, max: 2 ** 30 }).map((half) => {
  const B = BigInt(2 * half + 1);
  const t = inverse(B);
  const A = (t * B - 1n) >> 32n;
  return { A, B, a: Number(A) / G, b: Number(B) / G, point: t, below: t - 1n };
});
