import { type GenesisSpec, genesisState, type SubnetSpec } from '../../sim/economy/genesis.ts';
import type { ChainState } from '../../sim/economy/state.ts';

const TAO = 1_000_000_000n;

/** A subnet with `validators` staked validators (v<k>) and `miners` unstaked miners (m<k>), owner first. */
export function subnetSpec(
  netuid: number,
  name: string,
  validators: number,
  miners: number,
  poolTao = 10_000n,
): SubnetSpec {
  const owner = `owner${netuid}`;
  return {
    netuid,
    name,
    ownerColdkey: `${owner}-cold`,
    ownerHotkey: `${owner}-hot`,
    poolTaoRao: poolTao * TAO,
    poolAlphaRao: poolTao * TAO * 2n,
    neurons: [
      { hotkey: `${owner}-hot`, coldkey: `${owner}-cold` },
      ...Array.from({ length: validators }, (_, k) => ({
        hotkey: `sn${netuid}-v${k}`,
        coldkey: `sn${netuid}-v${k}-cold`,
        stakeAlphaRao: BigInt(1000 * (k + 1)) * TAO,
      })),
      ...Array.from({ length: miners }, (_, k) => ({ hotkey: `sn${netuid}-m${k}`, coldkey: `sn${netuid}-m${k}-cold` })),
    ],
    params: { tempo: 20 },
  };
}

/** Three small subnets (text, image, storage), root stake behind two validators, a few free balances. */
export function smallNetwork(overrides: Partial<GenesisSpec> = {}): ChainState {
  return genesisState({
    balances: new Map([
      ['alice', 500n * TAO],
      ['bob', 200n * TAO],
    ]),
    rootStakes: [
      { hotkey: 'sn1-v0', coldkey: 'root-whale', taoRao: 50_000n * TAO },
      { hotkey: 'sn2-v1', coldkey: 'root-fish', taoRao: 5_000n * TAO },
    ],
    subnets: [
      subnetSpec(1, 'text', 4, 8),
      subnetSpec(2, 'image', 3, 6, 5_000n),
      subnetSpec(3, 'storage', 2, 4, 2_000n),
    ],
    ...overrides,
  });
}

/**
 * `state` with validator permits for every uid with stake on its subnet — what the first epoch grants them
 * (`is_topk_nonzero`: every staked uid while there are at most `max_allowed_validators`) — and the owner's uid.
 */
export function withPermits(state: ChainState): ChainState {
  return {
    ...state,
    subnets: state.subnets.map((s) => ({
      ...s,
      neurons: {
        ...s.neurons,
        validatorPermits: Uint8Array.from(s.neurons.hotkeys, (h) =>
          h === s.ownerHotkey || (s.stakes.get(h)?.valueRao ?? 0n) > 0n ? 1 : 0,
        ),
      },
    })),
  };
}
