import type { ChainState } from './state.ts';

/**
 * The books balance when every rao is somewhere:
 * - TAO: issuance = free balances (block author included) + root TAO + every pool's TAO + the burn account;
 * - alpha, per subnet: AlphaOut = stake on hotkeys + pending emission + protocol alpha + root-claimable alpha
 *   + burned alpha + rounding dust; and root TAO = the root stakes' values.
 * Returns the discrepancies (empty when the books balance).
 */
export function auditBooks(state: ChainState): string[] {
  const problems: string[] = [];
  const sum = (xs: Iterable<bigint>): bigint => {
    let s = 0n;
    for (const x of xs) s += x;
    return s;
  };
  const poolsTao = sum(state.subnets.map((s) => s.pool.taoRao));
  const held = sum(state.balances.values()) + state.rootTaoRao + poolsTao + state.burnedRao;
  if (held !== state.issuanceRao) {
    problems.push(`TAO: issuance ${state.issuanceRao} != held ${held} (difference ${state.issuanceRao - held})`);
  }
  const rootValues = sum([...state.rootStakes.values()].map((p) => p.valueRao));
  if (rootValues !== state.rootTaoRao) problems.push(`root: SubnetTAO[0] ${state.rootTaoRao} != stakes ${rootValues}`);
  for (const s of state.subnets) {
    const p = s.pending;
    const accounted =
      sum([...s.stakes.values()].map((h) => h.valueRao)) +
      p.serverRao +
      p.validatorRao +
      p.rootAlphaRao +
      p.ownerCutRao +
      s.protocolAlphaRao +
      sum(s.rootClaimableRao.values()) +
      s.burnedAlphaRao +
      s.dustAlphaRao;
    if (accounted !== s.pool.alphaOutRao) {
      problems.push(`subnet ${s.netuid}: AlphaOut ${s.pool.alphaOutRao} != accounted ${accounted}`);
    }
    for (const [name, v] of [
      ['tao', s.pool.taoRao],
      ['alphaIn', s.pool.alphaInRao],
      ['dust', s.dustAlphaRao],
    ] as const) {
      if (v < 0n) problems.push(`subnet ${s.netuid}: negative ${name} ${v}`);
    }
  }
  for (const [coldkey, b] of state.balances) if (b < 0n) problems.push(`balance of ${coldkey} is negative: ${b}`);
  return problems;
}
