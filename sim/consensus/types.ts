/**
 * Inputs and outputs of one subnet's Yuma consensus epoch.
 *
 * Mirrors what subtensor's `epoch_mechanism` (pallets/subtensor/src/epoch/run_epoch.rs, commit 14bc6f9f)
 * reads from storage and writes back. Everything is indexed by uid 0..n-1.
 */

/** One row of a sparse u16 matrix (weights or bonds) as the chain stores it: (column, value) pairs in storage order. */
export interface SparseRowU16 {
  readonly cols: Uint16Array;
  readonly vals: Uint16Array;
}

/** A sparse u16 matrix: exactly n rows (an absent row is an empty row). */
export type SparseMatrixU16 = readonly SparseRowU16[];

/** Subnet hyperparameters the epoch reads, in their storage units. */
export interface EpochParams {
  /** Tempo in blocks (u16). Used for the bonds-mask fallback `current_block - tempo`. */
  readonly tempo: number;
  /** Blocks a validator may go without setting weights before it counts as inactive (derived, >= 1). */
  readonly activityCutoff: number;
  /** Consensus majority, u16 / 65535 (default 32767). */
  readonly kappa: number;
  /** Bonds EMA: alpha = 1 - bondsMovingAverage / 1e6 (u64, default 900000). */
  readonly bondsMovingAverage: number;
  /** u16 / 65535; 65535 means bonds are built from clipped weights. */
  readonly bondsPenalty: number;
  /** Number of validator permits (top-k by stake). */
  readonly maxAllowedValidators: number;
  readonly yuma3Enabled: boolean;
  readonly liquidAlphaEnabled: boolean;
  /** u16 / 65535 bounds of the liquid alpha. */
  readonly alphaLow: number;
  readonly alphaHigh: number;
  /** i16, used as an I32F32 integer. */
  readonly alphaSigmoidSteepness: number;
  /** Minimum stake weight (rao, u64) to keep stake; the owner uid is exempt in the sparse epoch. */
  readonly stakeThreshold: bigint;
  readonly commitRevealEnabled: boolean;
}

export interface EpochInput {
  readonly n: number;
  readonly currentBlock: number;
  readonly params: EpochParams;
  /**
   * Stake weight per uid as raw I64F64 (value * 2^64), i.e. `alpha + tao_weight * root` as the chain computes it.
   * For whole-rao stakes use `stakeFromRao`.
   */
  readonly stake: readonly bigint[];
  /** Block of each uid's last weight set (u64 blocks, < 2^53). */
  readonly lastUpdate: ArrayLike<number>;
  /** Block each uid was (re)registered at; 0 for a uid without a hotkey. */
  readonly blockAtRegistration: ArrayLike<number>;
  /** Validator permits stored by the previous epoch (1 = permit). */
  readonly validatorPermits: ArrayLike<number>;
  /** Weights as stored (row max-upscaled u16, zero entries kept). */
  readonly weights: SparseMatrixU16;
  /** Bonds as stored by the previous epoch. */
  readonly bonds: SparseMatrixU16;
  /** uid of the subnet owner's hotkey, if registered (sparse epoch special-cases it). */
  readonly ownerUid: number | null;
  /** `LastMechansimStepBlock`; 0 = never set, then the bonds mask uses `current_block - tempo`. */
  readonly lastMechanismStepBlock: number;
  /**
   * Commit-reveal: per uid, the earliest block of its unexpired weight commits (Infinity = none).
   * Only read when `params.commitRevealEnabled`.
   */
  readonly commitBlocks?: ArrayLike<number>;
  /** Emission distributed by this epoch, in rao (u64). */
  readonly raoEmission: bigint;
}

export interface EpochResult {
  readonly active: Uint8Array;
  /** floor(normalised stake * 65535). */
  readonly stakeWeight: Uint16Array;
  readonly consensus: Uint16Array;
  readonly incentive: Uint16Array;
  readonly dividends: Uint16Array;
  readonly validatorTrust: Uint16Array;
  /** rao per uid (u64). */
  readonly serverEmission: BigUint64Array;
  readonly validatorEmission: BigUint64Array;
  /** Combined (incentive + dividends) emission, what the chain stores as `Emission`. */
  readonly emission: BigUint64Array;
  readonly newValidatorPermits: Uint8Array;
  /** The bonds storage after this epoch (n rows). */
  readonly bonds: SparseMatrixU16;
}

export type ArithmeticMode = 'fixed' | 'float';

export interface EpochOptions {
  /** 'fixed' (default) emulates the chain's I32F32 arithmetic bit-exactly; 'float' is the Float64 fast path. */
  readonly mode?: ArithmeticMode;
  /** Reproduce the chain's test-only dense epoch (`epoch_dense_mechanism`) instead of the production sparse one. */
  readonly dense?: boolean;
}
