import seedrandom from 'seedrandom';

/** A random stream in [0, 1). */
export type Rng = () => number;

/**
 * Derive, don't thread: the stream for (seed, key…) depends only on those, so a draw is the same whatever the
 * iteration order, the number of workers or what else was drawn before. Streams are seedrandom's Alea (Mash-hashed
 * string seed, 53-bit doubles): seeding is cheap, which matters because agents derive a fresh stream per decision
 * (a validator per weight set), and its quality is ample for a simulation's noise.
 */
export function rngFor(seed: number, ...key: readonly (string | number)[]): Rng {
  const prng = seedrandom.alea(`${seed}:${key.join(':')}`);
  return () => prng.double();
}

/** A standard normal draw (Box–Muller) from a stream. */
export function normal(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/**
 * A family of streams keyed by (seed, key…), hashed once (Mash, through seedrandom's Alea): `normalsAt` then derives
 * a stream per counter (a block number, say) by integer mixing alone. For the hot paths — a validator draws a fresh
 * noise vector for every weights set, 11 G draws in a year of the full network — where seeding Alea from a string
 * (≈ 2 µs) and Box–Muller on its doubles (≈ 30 ns a draw) cost more than the rest of the weights set.
 */
export type StreamKey = readonly [number, number, number, number];

export function streamKey(seed: number, ...key: readonly (string | number)[]): StreamKey {
  const alea = seedrandom.alea(`${seed}:${key.join(':')}`);
  return [alea.int32(), alea.int32(), alea.int32(), alea.int32()];
}

/** murmur3's 32-bit finaliser: a bijection that spreads every input bit over the output. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

// Ziggurat tables (Marsaglia & Tsang 2000, 128 layers of the standard normal density; r = the base layer's edge,
// v = the common layer area). Layer i accepts a signed 32-bit draw h at once when |h| < K[i], giving x = h·W[i].
const ZIG_R = 3.442619855899;
const ZIG_V = 9.91256303526217e-3;
const ZIG_K = new Float64Array(128);
const ZIG_W = new Float64Array(128);
const ZIG_F = new Float64Array(128);
{
  const m1 = 2147483648;
  let dn = ZIG_R;
  let tn = dn;
  const q = ZIG_V / Math.exp(-0.5 * dn * dn);
  ZIG_K[0] = (dn / q) * m1;
  ZIG_K[1] = 0;
  ZIG_W[0] = q / m1;
  ZIG_W[127] = dn / m1;
  ZIG_F[0] = 1;
  ZIG_F[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(ZIG_V / dn + Math.exp(-0.5 * dn * dn)));
    ZIG_K[i + 1] = (dn / tn) * m1;
    tn = dn;
    ZIG_F[i] = Math.exp(-0.5 * dn * dn);
    ZIG_W[i] = dn / m1;
  }
}

/** The sfc32 state of `normalsAt` (module scratch, for the rare slow path; the fast path keeps it in locals). */
const SFC = new Int32Array(4);

/** One sfc32 step on `SFC`: a signed 32-bit integer. */
function sfcNext(): number {
  const a = SFC[0]!;
  const b = SFC[1]!;
  const c = SFC[2]!;
  const d = SFC[3]!;
  const t = (((a + b) | 0) + d) | 0;
  SFC[3] = (d + 1) | 0;
  SFC[0] = b ^ (b >>> 9);
  SFC[1] = (c + (c << 3)) | 0;
  SFC[2] = (((c << 21) | (c >>> 11)) + t) | 0;
  return t;
}

/** A uniform in (0, 1) from `SFC`: never 0, safe under log. */
const sfcUniform = (): number => ((sfcNext() >>> 0) + 0.5) / 4294967296;

/** The ziggurat's slow path for a first draw `h` outside its layer's core: the base layer's tail or a wedge. */
function zigSlow(h: number): number {
  let i = h & 127;
  for (;;) {
    const x = h * ZIG_W[i]!;
    if (i === 0) {
      let tx: number;
      let ty: number;
      do {
        tx = -Math.log(sfcUniform()) / ZIG_R;
        ty = -Math.log(sfcUniform());
      } while (ty + ty < tx * tx);
      return h > 0 ? ZIG_R + tx : -ZIG_R - tx;
    }
    if (ZIG_F[i]! + sfcUniform() * (ZIG_F[i - 1]! - ZIG_F[i]!) < Math.exp(-0.5 * x * x)) return x;
    h = sfcNext();
    i = h & 127;
    if (Math.abs(h) < ZIG_K[i]!) return h * ZIG_W[i]!;
  }
}

/**
 * `count` standard normal draws of the stream (key, counter): sfc32 (a small, fast counting generator that passes
 * PractRand) seeded from the key words mixed with the counter, then the ziggurat — ≈ 1.02 uniforms and no
 * transcendental function per draw, except in the rare wedge and tail cases. Same key and counter ⇒ same draws.
 */
export function normalsAt(key: StreamKey, counter: number, count: number): number[] {
  const out = new Float64Array(count);
  normalsInto(key, counter, count, out);
  return Array.from(out);
}

/**
 * `normalsAt`'s draws written into `out[0 … count)` instead of a new array: for a caller that reuses one scratch
 * array (a validator's noise, consumed before its next weights set).
 */
export function normalsInto(key: StreamKey, counter: number, count: number, out: Float64Array): void {
  const lo = counter >>> 0;
  const hi = Math.floor(counter / 4294967296) >>> 0;
  let a = fmix32(key[0] ^ fmix32(lo));
  let b = fmix32(key[1] ^ fmix32(hi + 0x9e3779b9));
  let c = fmix32(key[2] ^ fmix32(lo + 0x3c6ef372));
  let d = fmix32(key[3] ^ fmix32(hi + 0xdaa66d2b));
  // 12 steps let the seed's bits mix through the state before the first draw.
  for (let k = -12; k < count; k++) {
    const t = (((a + b) | 0) + d) | 0; // sfc32, inlined
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (((c << 21) | (c >>> 11)) + t) | 0;
    if (k < 0) continue;
    const i = t & 127;
    if (Math.abs(t) < ZIG_K[i]!) {
      out[k] = t * ZIG_W[i]!;
      continue;
    }
    SFC[0] = a;
    SFC[1] = b;
    SFC[2] = c;
    SFC[3] = d;
    out[k] = zigSlow(t);
    a = SFC[0]!;
    b = SFC[1]!;
    c = SFC[2]!;
    d = SFC[3]!;
  }
}
