import type { ChainState } from '../state.ts';
import { TxError } from '../txError.ts';
import { subnetOf, uidOf, withSubnet } from './subnetUpdate.ts';

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
  const uid = uidOf(subnet.neurons.hotkeys, tx.hotkey);
  if (uid < 0) throw new TxError('HotKeyAccountNotExists', `${tx.hotkey} is not registered on subnet ${tx.netuid}`);
  const n = subnet.neurons.hotkeys.length;
  const seen = new Uint8Array(n);
  let valid = tx.uids.length === tx.weights.length;
  for (const u of tx.uids) {
    valid &&= Number.isInteger(u) && u >= 0 && u < n && seen[u] === 0;
    if (valid) seen[u] = 1;
  }
  if (!valid) throw new TxError('AmountTooLow', 'weights need distinct uids of registered neurons, one weight each');
  let max = 0;
  for (const w of tx.weights) if (w > max) max = w;
  const vals = new Uint16Array(tx.weights.length);
  if (max > 0) for (let k = 0; k < vals.length; k++) vals[k] = Math.round((tx.weights[k]! * 65535) / max);
  const weights = subnet.neurons.weights.slice();
  const cols = new Uint16Array(tx.uids.length); // a copying loop: Uint16Array.from(array) is ~10× slower in V8
  for (let k = 0; k < cols.length; k++) cols[k] = tx.uids[k]!;
  weights[uid] = { cols, vals };
  const lastUpdate = subnet.neurons.lastUpdate.slice();
  lastUpdate[uid] = state.block;
  return withSubnet(state, { ...subnet, neurons: { ...subnet.neurons, weights, lastUpdate } });
}
