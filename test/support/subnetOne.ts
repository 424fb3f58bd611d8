import type { SubnetSpec } from '../../sim/economy/genesis.ts';

const TAO = 1_000_000_000n;

/**
 * The skeleton of the one-subnet networks of the child-hotkey and root-validator tests: netuid 1 named `one`, owned
 * by coldkey `oc` with hotkey `oh`, a pool of 10 000 TAO and 20 000 alpha (price 0.5). Tests spread it and add
 * their neurons, parameters and links.
 */
export const SUBNET_ONE = {
  netuid: 1,
  name: 'one',
  ownerColdkey: 'oc',
  ownerHotkey: 'oh',
  poolTaoRao: 10_000n * TAO,
  poolAlphaRao: 20_000n * TAO,
} as const satisfies Partial<SubnetSpec>;
