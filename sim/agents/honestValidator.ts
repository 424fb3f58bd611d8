import { normal, rngFor } from '../engine/rng.ts';
import type { Action, Agent } from './types.ts';

export interface HonestValidatorSpec {
  readonly hotkey: string;
  readonly netuid: number;
  /** Blocks between weight sets, and the offset of this validator's first set. */
  readonly every: number;
  readonly offset: number;
  /** Latent quality of each uid of the subnet (0 for non-miners). */
  readonly quality: readonly number[];
  readonly noise: number;
  readonly seed: number;
}

/**
 * An honest validator: every `every` blocks it scores every miner by the miner's latent quality plus its own
 * observation noise (a stream derived from seed, hotkey and block) and sets those weights.
 */
export function honestValidator(spec: HonestValidatorSpec): Agent {
  const miners = spec.quality.flatMap((q, uid) => (q > 0 ? [uid] : []));
  return {
    id: spec.hotkey,
    act(view): Action[] {
      if ((view.block + 1 - spec.offset) % spec.every !== 0) return [];
      const rng = rngFor(spec.seed, 'observe', spec.hotkey, view.block);
      const weights = miners.map((uid) => Math.max(0, spec.quality[uid]! + spec.noise * normal(rng)));
      return [{ kind: 'setWeights', hotkey: spec.hotkey, netuid: spec.netuid, uids: miners, weights }];
    },
  };
}
