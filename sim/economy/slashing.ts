import { copyMap, type SubnetState } from './state.ts';

/**
 * OPT-IN, NOT THE CHAIN'S RULE. Bittensor has no stake slashing (tokenomics spec §6: no slashing code in
 * subtensor; penalties are lost emission, bonds and deregistration). The popular picture ("validators are slashed
 * for downtime") is offered as this rule so a scenario can ask what it would change: at each of its subnet's epochs,
 * a validator holding a permit that has not set weights for more than `offlineBlocks` loses `fraction` of the
 * alpha staked on it (its nominators lose pro rata), burned or recycled.
 */
export interface SlashingRule {
  /** Share of the hotkey's stake taken per epoch offline, in parts per million. */
  readonly fractionPpm: number;
  readonly offlineBlocks: number;
  readonly destination: 'burn' | 'recycle';
}

export function applySlashing(
  subnet: SubnetState,
  block: number,
  rule: SlashingRule,
): { subnet: SubnetState; slashedRao: bigint } {
  const t = subnet.neurons;
  const stakes = copyMap(subnet.stakes);
  let slashed = 0n;
  t.hotkeys.forEach((hotkey, uid) => {
    if (!t.validatorPermits[uid] || block - t.lastUpdate[uid]! <= rule.offlineBlocks) return;
    const pool = stakes.get(hotkey);
    if (!pool) return;
    const cut = (pool.valueRao * BigInt(rule.fractionPpm)) / 1_000_000n;
    if (cut === 0n) return;
    stakes.set(hotkey, { ...pool, valueRao: pool.valueRao - cut });
    slashed += cut;
  });
  if (slashed === 0n) return { subnet, slashedRao: 0n };
  const recycle = rule.destination === 'recycle';
  return {
    subnet: {
      ...subnet,
      stakes,
      pool: recycle ? { ...subnet.pool, alphaOutRao: subnet.pool.alphaOutRao - slashed } : subnet.pool,
      burnedAlphaRao: subnet.burnedAlphaRao + (recycle ? 0n : slashed),
    },
    slashedRao: slashed,
  };
}
