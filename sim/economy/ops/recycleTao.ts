import { type ChainState, copyMap } from '../state.ts';
import { TxError } from '../txError.ts';

/**
 * `recycle_tao` (coinbase/tao.rs): take TAO from a coldkey's free balance out of existence. Unlike burning it lowers
 * TotalIssuance, so the next halving threshold is further away.
 */
export function recycleTao(state: ChainState, coldkey: string, amountRao: bigint): ChainState {
  const balance = state.balances.get(coldkey) ?? 0n;
  if (amountRao <= 0n) throw new TxError('AmountTooLow', `recycle amount must be positive, got ${amountRao}`);
  if (balance < amountRao)
    throw new TxError('NotEnoughBalance', `${coldkey} holds ${balance} rao, recycling ${amountRao}`);
  const balances = copyMap(state.balances);
  balances.set(coldkey, balance - amountRao);
  return {
    ...state,
    balances,
    issuanceRao: state.issuanceRao - amountRao,
    recycledRao: state.recycledRao + amountRao,
  };
}
