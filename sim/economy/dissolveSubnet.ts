import { stakeOf } from './sharePool.ts';
import type { ChainState } from './state.ts';
import { copyMap, findSubnet } from './state.ts';

/**
 * Dissolve a subnet (`destroy_alpha_in_out_stakes`, staking/remove_stake.rs): its pool TAO is paid to the alpha
 * holders pro rata to their stake's value, beside the protocol's part — protocol-bought alpha, plus the alpha still
 * in the pool for a subnet registered after `TaoInRefundDeploymentBlock` (a "legacy" subnet, registered at or before
 * it, leaves the pool's alpha out: its holders get more). The leftover rao go one each to the largest remainders,
 * the protocol's part among them (holders first, then the protocol, on equal remainders; the chain's holder order is
 * its storage's, here hotkey then coldkey). The protocol's part is recycled with anything else left in the subnet
 * account. The subnet's alpha ceases to exist. The owner's lock refund of the older legacy rule (subnets registered
 * before `NetworkRegistrationStartBlock`, capped by what the account still holds) is not modelled.
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
  const legacy = subnet.registeredAt <= state.taoInRefundDeploymentBlock;
  const protocol = (legacy ? 0n : subnet.pool.alphaInRao) + subnet.protocolAlphaRao;
  const total = holders.reduce((a, h) => a + h.value, 0n) + protocol;
  const pot = subnet.pool.taoRao;
  const balances = copyMap(state.balances);
  let paid = 0n;
  if (pot > 0n && total > 0n) {
    // The protocol's portion (coldkey null) last, as the chain pushes it; a stable sort keeps that order on ties.
    const parts: { coldkey: string | null; share: bigint; rem: bigint }[] = holders.map((h) => ({
      coldkey: h.coldkey,
      share: (pot * h.value) / total,
      rem: (pot * h.value) % total,
    }));
    if (protocol > 0n) parts.push({ coldkey: null, share: (pot * protocol) / total, rem: (pot * protocol) % total });
    let leftover = pot - parts.reduce((a, p) => a + p.share, 0n);
    for (const p of [...parts].sort((a, b) => (b.rem > a.rem ? 1 : b.rem < a.rem ? -1 : 0))) {
      if (leftover <= 0n) break;
      p.share += 1n;
      leftover -= 1n;
    }
    for (const p of parts) {
      if (p.coldkey === null || p.share === 0n) continue;
      balances.set(p.coldkey, (balances.get(p.coldkey) ?? 0n) + p.share);
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
