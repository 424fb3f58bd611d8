import { TxError } from '../../sim/economy/txError.ts';

/** The chain error a transaction is refused with (`TxError.code`), or 'accepted'; any other error is rethrown. */
export function txCode(f: () => unknown): string {
  return refusal(f, (e) => e.code);
}

/** The refusal's whole message (`code: detail`), or 'accepted'; any other error is rethrown. */
export function txMessage(f: () => unknown): string {
  return refusal(f, (e) => e.message);
}

function refusal(f: () => unknown, read: (e: TxError) => string): string {
  try {
    f();
  } catch (e) {
    if (e instanceof TxError) return read(e);
    throw e;
  }
  return 'accepted';
}
