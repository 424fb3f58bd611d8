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
 * Run one Yuma consensus epoch; `fixed` mode (default) is bit-exact with the chain. The sparse epoch runs on the
 * typed-array kernel (fastFloatEpoch.ts) in both modes — exact grid arithmetic for `fixed`, plain doubles for
 * `float` — which test/fastFloatEpoch.test.ts holds bit-identical to the generic path of the same mode
 * (`genericEpoch`: the chain's control flow over bigint substrate_fixed, or over doubles). The chain's test-only
 * dense epoch (`dense: true`) runs on the generic path.
 */
export function runEpoch(input: EpochInput, options: EpochOptions = {}): EpochResult {
  const mode = options.mode ?? 'fixed';
  return options.dense ? genericEpoch(input, mode, true) : fastFloatEpoch(input, mode === 'fixed');
}

/** The epoch through the generic `Arith` path: the reference the fast kernel is tested against. */
export const genericEpoch = (input: EpochInput, mode: 'fixed' | 'float' = 'fixed', dense = false): EpochResult =>
  mode === 'float' ? epochWith(floatArith, input, dense) : epochWith(fixedArith, input, dense);

/** The float epoch through the generic path. */
export const genericFloatEpoch = (input: EpochInput, dense = false): EpochResult => genericEpoch(input, 'float', dense);

/** Whole-rao stakes (u64) as the raw I64F64 stake weights the epoch takes. */
export const stakeFromRao = (stake: readonly (bigint | number)[]): bigint[] => stake.map((s) => BigInt(s) << 64n);
