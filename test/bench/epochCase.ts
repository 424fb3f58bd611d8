import seedrandom from 'seedrandom';
import { runEpoch, stakeFromRao } from '../../sim/consensus/index.ts';
import type { EpochInput, EpochParams, SparseRowU16 } from '../../sim/consensus/types.ts';

/**
 * A mainnet-shaped subnet for benchmarks: `validators` staked uids that weight every uid (dense rows, as mainnet
 * validators do), the rest miners without stake; bonds warmed up by a few epochs so the bond EMA has real work.
 */
export function benchSubnet(validators: number, uids: number, yuma3: boolean, seed = 'taosim-bench'): EpochInput {
  const rng = seedrandom(`${seed}:${validators}x${uids}:${yuma3}`);
  const quality = Array.from({ length: uids }, () => rng());
  const weights: SparseRowU16[] = Array.from({ length: uids }, (_, i) => {
    if (i >= validators) return { cols: new Uint16Array(0), vals: new Uint16Array(0) };
    const raw = quality.map((q) => Math.max(0, q + (rng() - 0.5) * 0.2));
    const max = Math.max(...raw);
    return {
      cols: Uint16Array.from(raw, (_, j) => j),
      vals: Uint16Array.from(raw, (w) => Math.round((w / max) * 65535)),
    };
  });
  const params: EpochParams = {
    tempo: 360,
    activityCutoff: 5000,
    kappa: 32767,
    bondsMovingAverage: 975_000,
    bondsPenalty: 65535,
    maxAllowedValidators: validators,
    yuma3Enabled: yuma3,
    liquidAlphaEnabled: yuma3,
    alphaLow: 45875,
    alphaHigh: 58982,
    alphaSigmoidSteepness: 1000,
    stakeThreshold: 0n,
    commitRevealEnabled: false,
  };
  let input: EpochInput = {
    n: uids,
    currentBlock: 10_000,
    params,
    stake: stakeFromRao(
      Array.from({ length: uids }, (_, i) => (i < validators ? BigInt(Math.floor(1e12 * (0.1 + rng()))) : 0n)),
    ),
    lastUpdate: new Array<number>(uids).fill(9_990),
    blockAtRegistration: new Array<number>(uids).fill(0),
    validatorPermits: Array.from({ length: uids }, (_, i) => (i < validators ? 1 : 0)),
    weights,
    bonds: Array.from({ length: uids }, () => ({ cols: new Uint16Array(0), vals: new Uint16Array(0) })),
    ownerUid: null,
    lastMechanismStepBlock: 0,
    raoEmission: 360_000_000_000n,
  };
  for (let k = 0; k < 3; k++) {
    const r = runEpoch(input, { mode: 'float' });
    input = { ...input, bonds: r.bonds, validatorPermits: r.newValidatorPermits };
  }
  return input;
}
