import { epochWith } from './epoch.ts';
import { fastFloatEpoch } from './fastFloatEpoch.ts';
import { fixedArith } from './fixed.ts';
import { floatArith } from './float.ts';
import type { EpochInput, EpochOptions, EpochResult } from './types.ts';

export type { Arith } from './arith.ts';
export { fixedArith } from './fixed.ts';
export { floatArith } from './float.ts';
export type * from './types.ts';

/**
 * Run one Yuma consensus epoch; `fixed` mode (default) is bit-exact with the chain. The sparse float epoch runs on
 * the specialised typed-array kernel (fastFloatEpoch.ts), which test/fastFloatEpoch.test.ts holds bit-identical to
 * the generic float path (`genericFloatEpoch`).
 */
export function runEpoch(input: EpochInput, options: EpochOptions = {}): EpochResult {
  const dense = options.dense ?? false;
  if (options.mode !== 'float') return epochWith(fixedArith, input, dense);
  return dense ? epochWith(floatArith, input, true) : fastFloatEpoch(input);
}

/** The float epoch through the generic `Arith` path: the reference the fast kernel is tested against. */
export const genericFloatEpoch = (input: EpochInput, dense = false): EpochResult => epochWith(floatArith, input, dense);

/** Whole-rao stakes (u64) as the raw I64F64 stake weights the epoch takes. */
export const stakeFromRao = (stake: readonly (bigint | number)[]): bigint[] => stake.map((s) => BigInt(s) << 64n);
