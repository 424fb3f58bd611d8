import { TxError } from '../../sim/economy/txError.ts';

/** The chain error a transaction is refused with (`TxError.code`), or 'accepted'; any other error is rethrown. */
export function txCode(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof TxError) return e.code;
    throw e;
  }
  return 'accepted';
}
