/** Why a transaction was refused, named after the chain's error where there is one. */
export type TxErrorCode =
  | 'NotEnoughBalance'
  | 'AmountTooLow'
  | 'NotEnoughStakeToWithdraw'
  | 'HotKeyAccountNotExists'
  | 'SubnetNotExists'
  | 'SwapFailed'
  | 'SubNetRegistrationDisabled'
  | 'TooManyRegistrationsThisBlock'
  | 'HotKeyAlreadyRegisteredInSubNet'
  | 'NonAssociatedColdKey'
  | 'NoNeuronIdAvailable'
  | 'DelegateTakeTooLow'
  | 'DelegateTakeTooHigh'
  | 'DelegateTxRateLimitExceeded'
  | 'SubnetLimitReached'
  | 'FirstEmissionBlockNumberAlreadySet';

/** A refused transaction. Operations throw it before changing anything (they return new states otherwise). */
export class TxError extends Error {
  constructor(
    readonly code: TxErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'TxError';
  }
}
