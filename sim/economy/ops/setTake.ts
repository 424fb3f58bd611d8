import { type ChainState, copyMap } from '../state.ts';
import { TxError } from '../txError.ts';

/** `MaxDelegateTake` / `MinDelegateTake` (18% / 0%) and `TxDelegateTakeRateLimit` (30 days of blocks). */
export const MAX_TAKE_U16 = 11_796;
export const MIN_TAKE_U16 = 0;
export const TAKE_RATE_LIMIT_BLOCKS = 216_000;

/**
 * `increase_take` / `decrease_take` (staking/increase_take.rs, decrease_take.rs): the hotkey's owner moves its
 * delegate take within [0, 18%]. Raising is allowed once per 216 000 blocks (30 days) since the last change;
 * lowering is not rate limited but counts as a change. Refuses (typed, nothing changed) otherwise.
 */
export function setTake(
  state: ChainState,
  tx: { readonly coldkey: string; readonly hotkey: string; readonly takeU16: number },
): ChainState {
  const info = state.hotkeys.get(tx.hotkey);
  if (!info) throw new TxError('HotKeyAccountNotExists', `unknown hotkey ${tx.hotkey}`);
  if (info.owner !== tx.coldkey) throw new TxError('NonAssociatedColdKey', `${tx.hotkey} belongs to ${info.owner}`);
  const last = info.lastTakeChangeBlock ?? 0;
  if (tx.takeU16 > info.takeU16) {
    if (tx.takeU16 > MAX_TAKE_U16)
      throw new TxError('DelegateTakeTooHigh', `take ${tx.takeU16} > ${MAX_TAKE_U16} (18%)`);
    if (last !== 0 && state.block - last <= TAKE_RATE_LIMIT_BLOCKS) {
      throw new TxError(
        'DelegateTxRateLimitExceeded',
        `take last changed at block ${last}; raising again after block ${last + TAKE_RATE_LIMIT_BLOCKS}`,
      );
    }
  } else if (tx.takeU16 === info.takeU16 || tx.takeU16 < MIN_TAKE_U16) {
    throw new TxError('DelegateTakeTooLow', `take ${tx.takeU16} does not change the current ${info.takeU16}`);
  }
  const hotkeys = copyMap(state.hotkeys);
  hotkeys.set(tx.hotkey, { ...info, takeU16: tx.takeU16, lastTakeChangeBlock: state.block });
  return { ...state, hotkeys };
}
