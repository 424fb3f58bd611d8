import { maxUpscaleU16 } from '../economy/ops/setWeights.ts';
import { allocU16 } from '../economy/rowAlloc.ts';
import { findSubnet } from '../economy/state.ts';
import { normalsInto, type StreamKey, streamKey } from '../engine/rng.ts';
import type { MinerRegistry } from './minerRegistry.ts';
import { type Action, type Agent, nextPeriodic } from './types.ts';

/**
 * How a validator scores miners:
 * - honest: each miner's latent quality plus its own observation noise;
 * - lazy: copies the subnet's consensus from the last epoch (what Yuma3 bonds are meant to punish);
 * - cabal: full weight on the cabal's own miners, nothing on anyone else.
 */
export type ValidatorKind = 'honest' | 'lazy' | 'cabal';

export interface ValidatorSpec {
  readonly hotkey: string;
  readonly netuid: number;
  readonly kind: ValidatorKind;
  /** Later changes of kind (e.g. a cabal forming), as [from block, kind], in block order. */
  readonly kindChanges?: readonly (readonly [number, ValidatorKind])[];
  /** Blocks between weight sets, and the block offset of this validator's sets. */
  readonly every: number;
  readonly offset: number;
  /** The subnet's miners (read against the chain's current hotkeys, so new registrations are scored too). */
  readonly miners: MinerRegistry;
  readonly noise: number;
  readonly seed: number;
  /** Blocks [from, to) during which the validator is offline and sets no weights. */
  readonly offline: readonly (readonly [number, number])[];
}

/**
 * The weights-setting action (none for no uids). A module-level function, not a closure made per call: tsx keeps
 * function names, so every closure bound to a name is also given its name (a property definition) when it is made.
 */
function weightsAction(spec: ValidatorSpec, uids: readonly number[], weights: readonly number[]): Action[] {
  return uids.length === 0 ? [] : [{ kind: 'setWeights', hotkey: spec.hotkey, netuid: spec.netuid, uids, weights }];
}

/** Whether the validator is offline at `block` (loops, not closures: this runs for every weights set). */
function offlineAt(spec: ValidatorSpec, block: number): boolean {
  for (const [from, to] of spec.offline) if (block >= from && block < to) return true;
  return false;
}

/** The validator's kind at `block`: its last change at or before it, else its initial kind. */
function kindAt(spec: ValidatorSpec, block: number): ValidatorKind {
  let kind = spec.kind;
  for (const [from, next] of spec.kindChanges ?? []) if (block >= from) kind = next;
  return kind;
}

/** A validator agent: every `every` blocks (unless offline) it sets weights according to its kind. */
export function validatorAgent(spec: ValidatorSpec): Agent {
  const observeKey = streamKey(spec.seed, 'observe', spec.hotkey); // the noise stream of each block derives from it
  return {
    id: spec.hotkey,
    nextAct: (from) => nextPeriodic(from, spec.every, spec.offset),
    act(view): Action[] {
      const block = view.block + 1;
      if ((block - spec.offset) % spec.every !== 0) return [];
      if (offlineAt(spec, block)) return [];
      const kind = kindAt(spec, block);
      const hotkeys = findSubnet(view.subnets, spec.netuid)?.neurons.hotkeys ?? [];
      if (kind === 'cabal') {
        const cabal = spec.miners.minerUids(hotkeys, true);
        return weightsAction(
          spec,
          cabal,
          cabal.map(() => 1),
        );
      }
      if (kind === 'lazy') {
        const consensus = findSubnet(view.subnets, spec.netuid)?.neurons.consensus;
        const uids = consensus ? spec.miners.minerUids(hotkeys).filter((uid) => (consensus[uid] ?? 0) > 0) : [];
        return weightsAction(
          spec,
          uids,
          uids.map((uid) => consensus![uid]!),
        );
      }
      const seen = spec.miners.observed(hotkeys, block);
      return honestAction(spec, observeKey, view.block, seen.uids, seen.quality);
    },
  };
}

/** Scratch for an honest validator's scores: used within one `act`, before any other validator draws. */
let scores = new Float64Array(256);

/**
 * An honest weights set: each miner's quality plus the validator's noise (the stream of `counter`), floored at 0,
 * sent as the SDK sends it — max-upscaled to u16 (`maxUpscaleU16`) — so the chain takes the values as they are
 * (the same row as from the weights themselves, without a weights array per set).
 */
function honestAction(
  spec: ValidatorSpec,
  key: StreamKey,
  counter: number,
  uids: readonly number[],
  quality: readonly number[],
): Action[] {
  const m = uids.length;
  if (m === 0) return [];
  if (scores.length < m) scores = new Float64Array(2 * m);
  normalsInto(key, counter, m, scores);
  let max = 0;
  for (let k = 0; k < m; k++) {
    const s = Math.max(0, quality[k]! + spec.noise * scores[k]!);
    scores[k] = s;
    if (s > max) max = s;
  }
  const values = allocU16(m);
  maxUpscaleU16(scores, m, max, values);
  return [{ kind: 'setWeights', hotkey: spec.hotkey, netuid: spec.netuid, uids, values }];
}
