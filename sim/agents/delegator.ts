import { stakeOf } from '../economy/sharePool.ts';
import type { ChainState } from '../economy/state.ts';
import { findSubnet } from '../economy/state.ts';
import { rngFor } from '../engine/rng.ts';
import { type Action, type Agent, nextPeriodic } from './types.ts';

/**
 * How a delegator (a nominator: a coldkey with TAO and no hotkey of its own) behaves:
 * - loyal: stakes everything on one validator at the start and stays;
 * - yield: every `every` blocks moves all its stake to the validator whose pool value per share grew most over the
 *   last period (paying the pools' fees and slippage when that means changing subnet);
 * - random: every `every` blocks moves its stake to a validator drawn at random.
 */
export type DelegatorKind = 'loyal' | 'yield' | 'random';

export interface DelegatorSpec {
  readonly coldkey: string;
  readonly kind: DelegatorKind;
  readonly taoRao: bigint;
  readonly every: number;
  /** Validators it may stake on, as [netuid, hotkey]. */
  readonly validators: readonly (readonly [number, string])[];
  readonly seed: number;
}

/** Share price of a hotkey's pool (value per share, scaled by 1e18; 0 when empty). */
function sharePrice(view: ChainState, netuid: number, hotkey: string): bigint {
  const pool = findSubnet(view.subnets, netuid)?.stakes.get(hotkey);
  return pool && pool.totalShares > 0n ? (pool.valueRao * 10n ** 18n) / pool.totalShares : 0n;
}

export function delegatorAgent(spec: DelegatorSpec): Agent {
  let started = false;
  let lastPrices: bigint[] = [];
  const held = (view: ChainState, [netuid, hotkey]: readonly [number, string]): bigint => {
    const pool = findSubnet(view.subnets, netuid)?.stakes.get(hotkey);
    return pool ? stakeOf(pool, spec.coldkey) : 0n;
  };
  return {
    id: spec.coldkey,
    // Until its first stake it is asked every block; then loyal ones are done and the others act periodically.
    nextAct: (from) =>
      !started ? from : spec.kind === 'loyal' ? Number.POSITIVE_INFINITY : nextPeriodic(from, spec.every),
    act(view): Action[] {
      // Where its stake is, read from the chain (so a refused move leaves it where it was).
      const current = spec.validators.find((v) => held(view, v) > 0n);
      if (!current) {
        if (started) return [];
        started = true;
        const pick = spec.validators[Math.floor(rngFor(spec.seed, 'first', spec.coldkey)() * spec.validators.length)]!;
        return [{ kind: 'addStake', coldkey: spec.coldkey, hotkey: pick[1], netuid: pick[0], taoRao: spec.taoRao }];
      }
      if (spec.kind === 'loyal' || (view.block + 1) % spec.every !== 0) return [];
      const prices = spec.validators.map(([n, h]) => sharePrice(view, n, h));
      let target = current;
      if (spec.kind === 'random') {
        target =
          spec.validators[Math.floor(rngFor(spec.seed, 'move', spec.coldkey, view.block)() * spec.validators.length)]!;
      } else if (lastPrices.length === prices.length) {
        let best = -1;
        let bestGrowth = -1;
        prices.forEach((p, k) => {
          const before = lastPrices[k]!;
          const growth = before > 0n ? Number(((p - before) * 10n ** 9n) / before) : -1;
          if (growth > bestGrowth) [best, bestGrowth] = [k, growth];
        });
        if (best >= 0) target = spec.validators[best]!;
      }
      lastPrices = prices;
      const from = current;
      if (target[0] === from[0] && target[1] === from[1]) return [];
      const alphaRao = held(view, from);
      return [
        {
          kind: 'moveStake',
          coldkey: spec.coldkey,
          fromHotkey: from[1],
          toHotkey: target[1],
          fromNetuid: from[0],
          toNetuid: target[0],
          alphaRao,
        },
      ];
    },
  };
}
