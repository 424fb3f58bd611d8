import seedrandom from 'seedrandom';

/** A random stream in [0, 1). */
export type Rng = () => number;

/**
 * Derive, don't thread: the stream for (seed, key…) depends only on those, so a draw is the same whatever the
 * iteration order, the number of workers or what else was drawn before.
 */
export function rngFor(seed: number, ...key: readonly (string | number)[]): Rng {
  const prng = seedrandom(`${seed}:${key.join(':')}`);
  return () => prng.double();
}

/** A standard normal draw (Box–Muller) from a stream. */
export function normal(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
