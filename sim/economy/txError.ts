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
  | 'UidsLengthExceedUidsInSubNet'
  | 'HotKeyNotRegisteredInSubNet'
  | 'DuplicateUids'
  | 'UidVecContainInvalidOne'
  | 'NeuronNoValidatorPermit'
  | 'NotEnoughStakeToSetWeights'
  | 'SettingWeightsTooFast'
  | 'CommittingWeightsTooFast'
  | 'TooManyUnrevealedCommits'
  /** Not the chain's: the SDK refuses negative or non-finite weights before anything is sent. */
  | 'InvalidWeights'
  /** setHyperparameters (admin-utils `sudo_set_*`, subtensor `set_tempo` / `set_activity_cutoff_factor`). */
  | 'BadOrigin'
  | 'TxRateLimitExceeded'
  | 'AdminActionProhibitedDuringWeightsWindow'
  | 'TempoOutOfBounds'
  | 'ActivityCutoffFactorMilliOutOfBounds'
  | 'BondsMovingAverageMaxReached'
  | 'MaxAllowedUidsLessThanMinAllowedUids'
  | 'MaxAllowedUIdsLessThanCurrentUIds'
  | 'MaxAllowedUidsGreaterThanDefaultMaxAllowedUids'
  | 'RevealPeriodTooLarge'
  | 'RevealPeriodTooSmall'
  | 'LiquidAlphaDisabled'
  | 'AlphaHighTooLow'
  | 'AlphaLowOutOfRange'
  | 'NegativeSigmoidSteepness'
  | 'InvalidValue'
  | 'ValueNotInBounds'
  /** Not the chain's: a value outside its call argument's type (u16, i16, u32, u64) cannot be encoded. */
  | 'ValueNotEncodable'
  /** Staking: a simulated swap refused, or an input above 1000 × the pool's reserve (stake_utils.rs, add/remove_stake.rs). */
  | 'InsufficientLiquidity'
  | 'NotEnoughBalanceToStake'
  /** A move to the same hotkey on the same subnet (stake_utils.rs:1243-1245). */
  | 'SameNetuid'
  /** A stake transfer that would leave the coldkey below the existential deposit (coinbase/tao.rs:154-157). */
  | 'InsufficientBalance'
  /** set_children / set_childkey_take (staking/set_children.rs, macros/errors.rs). */
  | 'RegistrationNotPermittedOnRootSubnet'
  | 'DuplicateChild'
  | 'InvalidChild'
  | 'TooManyChildren'
  | 'ProportionOverflow'
  | 'ChildParentInconsistency'
  | 'NotEnoughStakeToSetChildkeys'
  | 'InvalidChildkeyTake'
  | 'TxChildkeyTakeRateLimitExceeded'
  /** root_register (coinbase/root.rs:80-191). */
  | 'TooManyRegistrationsThisInterval'
  | 'StakeTooLowForRoot';

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
