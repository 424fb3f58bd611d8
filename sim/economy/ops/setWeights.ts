import type { ChainState } from '../state.ts';
import { TxError } from '../txError.ts';
import { subnetOf, withSubnet } from './subnetUpdate.ts';

/**
 * `set_weights` (subnets/weights.rs): a registered validator stores a weights row, max-upscaled to u16 the way the
 * chain does (`vec_u16_max_upscale_to_u16`), and its LastUpdate becomes the current block.
 */
export function setWeights(
  state: ChainState,
  tx: {
    readonly hotkey: string;
    readonly netuid: number;
    readonly uids: readonly number[];
    readonly weights: readonly number[];
  },
): ChainState {
  const subnet = subnetOf(state, tx.netuid);
  const uid = subnet.neurons.hotkeys.indexOf(tx.hotkey);
  if (uid < 0) throw new TxError('HotKeyAccountNotExists', `${tx.hotkey} is not registered on subnet ${tx.netuid}`);
  const n = subnet.neurons.hotkeys.length;
  if (
    tx.uids.length !== tx.weights.length ||
    new Set(tx.uids).size !== tx.uids.length ||
    tx.uids.some((u) => u < 0 || u >= n)
  ) {
    throw new TxError('AmountTooLow', 'weights need distinct uids of registered neurons, one weight each');
  }
  const max = Math.max(0, ...tx.weights);
  const vals = tx.weights.map((w) => (max === 0 ? 0 : Math.round((w * 65535) / max)));
  const weights = subnet.neurons.weights.slice();
  weights[uid] = { cols: Uint16Array.from(tx.uids), vals: Uint16Array.from(vals) };
  const lastUpdate = subnet.neurons.lastUpdate.slice();
  lastUpdate[uid] = state.block;
  return withSubnet(state, { ...subnet, neurons: { ...subnet.neurons, weights, lastUpdate } });
}
