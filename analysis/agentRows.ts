import type { ChainState } from '../sim/economy/state.ts';
import { findSubnet } from '../sim/economy/state.ts';
import { formatTao } from './formatTao.ts';
import { blockDate } from './sampleRows.ts';

export const AGENT_COLUMNS = ['block', 'date', 'agent', 'kind', 'netuid', 'stake', 'earned', 'apy'] as const;
const YEAR_BLOCKS = 2_629_800;

/**
 * One row per agent and subnet it holds stake on: a validator's whole hotkey pool on its subnet (and, when it has
 * root stake, its root pool as netuid 0, in TAO: it grows by claimed root dividends), a delegator's own stake on
 * each subnet (alpha, 9 decimals); `earned` = stake − the agent's first observed stake there, `apy` that growth
 * annualised.
 */
export function agentRows(
  state: ChainState,
  startBlock: number,
  startMs: number,
  info: ReadonlyMap<string, { readonly kind: string; readonly netuid: number | null }>,
  first: Map<string, bigint>,
): string[][] {
  const rows: string[][] = [];
  const elapsed = Math.max(1, state.block - startBlock);
  const push = (agent: string, kind: string, netuid: number, stake: bigint): void => {
    const key = `${agent}@${netuid}`;
    if (!first.has(key)) first.set(key, stake);
    const base = first.get(key)!;
    const apy = base > 0n ? (Number(stake - base) / Number(base)) * (YEAR_BLOCKS / elapsed) : 0;
    rows.push([
      String(state.block),
      blockDate(startMs, state.block),
      agent,
      kind,
      String(netuid),
      formatTao(stake),
      formatTao(stake - base),
      apy.toFixed(6),
    ]);
  };
  for (const [agent, { kind, netuid }] of info) {
    if (netuid !== null) {
      const pool = findSubnet(state.subnets, netuid)?.stakes.get(agent);
      push(agent, kind, netuid, pool?.valueRao ?? 0n);
      const root = state.rootStakes.get(agent);
      if (root || first.has(`${agent}@0`)) push(agent, kind, 0, root?.valueRao ?? 0n);
      continue;
    }
    for (const s of state.subnets) {
      let held = 0n;
      for (const pool of s.stakes.values()) {
        const shares = pool.shares.get(agent);
        if (shares && pool.totalShares > 0n) held += (pool.valueRao * shares) / pool.totalShares;
      }
      if (held > 0n || first.has(`${agent}@${s.netuid}`)) push(agent, kind, s.netuid, held);
    }
  }
  return rows;
}
