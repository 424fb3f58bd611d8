import { stakeOf } from './sharePool.ts';
import type { ChainState } from './state.ts';
import { copyMap, findSubnet } from './state.ts';

/**
 * Dissolve a subnet (`staking/remove_stake.rs`, "Determine the TAO pot"): its pool TAO is paid to the alpha holders
 * pro rata to their stake (largest remainders get the leftover rao); the protocol's part (alpha still in the pool
 * plus protocol-bought alpha, as for subnets registered after the refund deployment) is recycled with anything
 * left in the subnet account. The subnet's alpha ceases to exist. The owner's lock refund of the legacy rule is
 * not modelled.
 */
export function dissolveSubnet(
  state: ChainState,
  netuid: number,
): { state: ChainState; paidRao: bigint; recycledRao: bigint } {
  const subnet = findSubnet(state.subnets, netuid);
  if (!subnet) return { state, paidRao: 0n, recycledRao: 0n };
  const holders: { coldkey: string; value: bigint }[] = [];
  for (const [, pool] of [...subnet.stakes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const coldkey of [...pool.shares.keys()].sort()) {
      const value = stakeOf(pool, coldkey);
      if (value > 0n) holders.push({ coldkey, value });
    }
  }
  const protocol = subnet.pool.alphaInRao + subnet.protocolAlphaRao;
  const total = holders.reduce((a, h) => a + h.value, 0n) + protocol;
  const pot = subnet.pool.taoRao;
  const balances = copyMap(state.balances);
  let paid = 0n;
  if (pot > 0n && total > 0n) {
    const parts = holders.map((h) => ({ ...h, share: (pot * h.value) / total, rem: (pot * h.value) % total }));
    const protocolShare = (pot * protocol) / total;
    let leftover = pot - parts.reduce((a, p) => a + p.share, 0n) - protocolShare;
    for (const p of [...parts].sort((a, b) => (b.rem > a.rem ? 1 : b.rem < a.rem ? -1 : 0))) {
      if (leftover <= 0n) break;
      p.share += 1n;
      leftover -= 1n;
    }
    for (const p of parts) {
      if (p.share > 0n) balances.set(p.coldkey, (balances.get(p.coldkey) ?? 0n) + p.share);
      paid += p.share;
    }
  }
  const recycled = pot - paid;
  return {
    state: {
      ...state,
      balances,
      issuanceRao: state.issuanceRao - recycled,
      recycledRao: state.recycledRao + recycled,
      subnets: state.subnets.filter((s) => s.netuid !== netuid),
    },
    paidRao: paid,
    recycledRao: recycled,
  };
}
