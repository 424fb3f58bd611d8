/** Why a transaction was refused, named after the chain's error where there is one. */
export type TxErrorCode =
  | 'NotEnoughBalance'
  | 'AmountTooLow'
  | 'NotEnoughStakeToWithdraw'
  | 'HotKeyAccountNotExists'
  | 'SubnetNotExists'
  | 'SwapFailed'
  /** The subnet's token is not enabled yet (`SubtokenEnabled`, set by start_call). */
  | 'SubtokenDisabled'
  | 'SubNetRegistrationDisabled'
  | 'TooManyRegistrationsThisBlock'
  | 'HotKeyAlreadyRegisteredInSubNet'
  | 'NonAssociatedColdKey'
  | 'NoNeuronIdAvailable'
  | 'DelegateTakeTooLow'
  | 'DelegateTakeTooHigh'
  | 'DelegateTxRateLimitExceeded'
  | 'SubnetLimitReached'
  | 'NetworkTxRateLimitExceeded'
  | 'CannotAffordLockCost'
  | 'FirstEmissionBlockNumberAlreadySet'
  | 'WeightVecNotEqualSize'
  | 'HotKeyNotRegisteredInSubNet'
  | 'DuplicateUids'
  | 'UidVecContainInvalidOne'
  | 'NeuronNoValidatorPermit'
  | 'NotEnoughStakeToSetWeights'
  | 'SettingWeightsTooFast'
  | 'CommittingWeightsTooFast'
  | 'TooManyUnrevealedCommits'
  /** Not the chain's: the SDK refuses negative or non-finite weights before anything is sent. */
  | 'InvalidWeights';

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
