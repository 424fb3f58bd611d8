import { epochWith } from './epoch.ts';
import { fixedArith } from './fixed.ts';
import { floatArith } from './float.ts';
import type { EpochInput, EpochOptions, EpochResult } from './types.ts';

export type { Arith } from './arith.ts';
export { fixedArith } from './fixed.ts';
export { floatArith } from './float.ts';
export type * from './types.ts';

/** Run one Yuma consensus epoch; `fixed` mode (default) is bit-exact with the chain. */
export function runEpoch(input: EpochInput, options: EpochOptions = {}): EpochResult {
  const dense = options.dense ?? false;
  return options.mode === 'float' ? epochWith(floatArith, input, dense) : epochWith(fixedArith, input, dense);
}

/** Whole-rao stakes (u64) as the raw I64F64 stake weights the epoch takes. */
export const stakeFromRao = (stake: readonly (bigint | number)[]): bigint[] => stake.map((s) => BigInt(s) << 64n);
