import { type Action, type Agent, nextPeriodic } from './types.ts';

export interface DemandSpec {
  readonly netuid: number;
  /** Buyers' coldkey (its balance funds the purchases) and the subnet owner's hotkey that receives the alpha. */
  readonly buyers: string;
  readonly ownerHotkey: string;
  /** TAO spent on the subnet's services per `every` blocks, and the share of it that reaches the chain. */
  readonly taoRao: bigint;
  readonly onChainShare: number;
  readonly every: number;
}

/**
 * Demand for a subnet's AI services (the article's "pay TAO for AI services"). Model: buyers pay the subnet in TAO
 * off chain; the part that reaches the chain (`onChainShare`, the owner's buyback) buys the subnet's alpha through
 * its pool — staked to the owner's hotkey — which lifts the alpha price and with it the subnet's emission share.
 * The rest is off-chain revenue of the subnet's operators (not in the books).
 */
export function demandAgent(spec: DemandSpec): Agent {
  const amount = BigInt(Math.floor(Number(spec.taoRao) * spec.onChainShare));
  return {
    id: `${spec.buyers}`,
    nextAct: (from) => (amount === 0n ? Number.POSITIVE_INFINITY : nextPeriodic(from, spec.every)),
    act(view): Action[] {
      if ((view.block + 1) % spec.every !== 0 || amount === 0n) return [];
      return [
        { kind: 'addStake', coldkey: spec.buyers, hotkey: spec.ownerHotkey, netuid: spec.netuid, taoRao: amount },
      ];
    },
  };
}
