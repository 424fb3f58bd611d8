import type { ChainState, SubnetParams } from '../state.ts';
import { TxError } from '../txError.ts';
import { subnetOf, withSubnet } from './subnetUpdate.ts';

/**
 * A subnet owner sets hyperparameters of its subnet (admin-utils' owner-callable `sudo_set_*` calls, here several at
 * once). Refuses `NonAssociatedColdKey` when the coldkey does not own the subnet. Not modelled: which parameters
 * the chain reserves to root, their bounds, the owner rate limit and the admin freeze window.
 */
export function setHyperparameters(
  state: ChainState,
  tx: { readonly coldkey: string; readonly netuid: number; readonly params: Partial<SubnetParams> },
): ChainState {
  const subnet = subnetOf(state, tx.netuid);
  if (subnet.ownerColdkey !== tx.coldkey) {
    throw new TxError('NonAssociatedColdKey', `${tx.coldkey} does not own subnet ${tx.netuid}`);
  }
  return withSubnet(state, { ...subnet, params: { ...subnet.params, ...tx.params } });
}
