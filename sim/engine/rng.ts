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

/**
 * A stream of 32-bit-resolution uniforms in [0, 1) (Alea's own output, one generator step per draw instead of the
 * two of a 53-bit double): enough for noise — a Box–Muller normal from it reaches 6.66 σ — at half the cost.
 */
export function quickRngFor(seed: number, ...key: readonly (string | number)[]): Rng {
  return seedrandom.alea(`${seed}:${key.join(':')}`);
}

/** A standard normal draw (Box–Muller) from a stream. */
export function normal(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** `count` standard normal draws from a stream, both values of each Box–Muller pair used (half the work). */
export function normals(rng: Rng, count: number): number[] {
  const out = new Array<number>(count); // a plain array: a small Float64Array costs far more to allocate
  for (let k = 0; k < count; k += 2) {
    const m = Math.sqrt(-2 * Math.log(1 - rng()));
    const angle = 2 * Math.PI * rng();
    out[k] = m * Math.cos(angle);
    if (k + 1 < count) out[k + 1] = m * Math.sin(angle);
  }
  return out;
}
