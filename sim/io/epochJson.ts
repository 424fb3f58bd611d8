import type { EpochResult, SparseRowU16 } from '../consensus/types.ts';
import type { Expected, OutputKey, VectorFile } from './vectorFile.ts';

const list = (xs: ArrayLike<number | bigint>): string => `[${Array.from(xs, (x) => x.toString()).join(',')}]`;

/** A bonds row sorted by column with zero entries dropped, as [[j, u16], …]. */
export function bondsRow(row: SparseRowU16 | undefined): [number, number][] {
  if (!row) return [];
  const entries: [number, number][] = [];
  row.cols.forEach((j, k) => {
    if (row.vals[k]) entries.push([j, row.vals[k]!]);
  });
  return entries.sort((a, b) => a[0] - b[0]);
}

/**
 * The `taosim epoch` output: `{"epochs":[{consensus_u16, …, bonds, new_validator_permits, active}]}`, one line per
 * epoch. Written by hand so that u64 rao amounts stay exact integers above 2^53.
 */
export function formatEpochJson(results: readonly EpochResult[]): string {
  const epochs = results.map((r) => {
    const fields = [
      `"consensus_u16":${list(r.consensus)}`,
      `"incentive_u16":${list(r.incentive)}`,
      `"dividends_u16":${list(r.dividends)}`,
      `"validator_trust_u16":${list(r.validatorTrust)}`,
      `"server_emission":${list(r.serverEmission)}`,
      `"validator_emission":${list(r.validatorEmission)}`,
      `"emission":${list(r.emission)}`,
      `"bonds":${JSON.stringify(r.bonds.map(bondsRow))}`,
      `"new_validator_permits":${JSON.stringify(Array.from(r.newValidatorPermits, Boolean))}`,
      `"active":${JSON.stringify(Array.from(r.active, Boolean))}`,
    ];
    return `{${fields.join(',')}}`;
  });
  return `{"epochs":[\n${epochs.join(',\n')}\n]}\n`;
}

const outputOf = (r: EpochResult, key: OutputKey): ArrayLike<number | bigint> =>
  ({
    consensus_u16: r.consensus,
    incentive_u16: r.incentive,
    dividends_u16: r.dividends,
    validator_trust_u16: r.validatorTrust,
    emission: r.emission,
    server_emission: r.serverEmission,
    validator_emission: r.validatorEmission,
  })[key];

/**
 * Differences between one epoch's result and what the file expects: integers (u16, u64 rao, bonds) within the tolerance,
 * so exactly when it is 0 (or below 1); `dividends_float` compares u16/65535 with the tolerance. `stakeRao` (the epoch's stake) tells validators
 * (stake > 0) from servers for `all_validators_like_uid` / `all_servers_like_uid`.
 */
export function mismatches(r: EpochResult, e: Expected, tolerance: number, stakeRao: readonly bigint[]): string[] {
  const out: string[] = [];
  // every value compared here is an integer: compare as bigint, so u64 values above 2^53 stay exact
  const slack = BigInt(Math.floor(tolerance));
  const near = (got: number | bigint, want: number | bigint): boolean => {
    const d = BigInt(got) - BigInt(want);
    return (d < 0n ? -d : d) <= slack;
  };
  for (const [key, want] of e.whole) {
    const got = outputOf(r, key);
    want.forEach((w, i) => {
      if (!near(got[i]!, w)) out.push(`${key}[${i}] = ${got[i]}, expected ${w}`);
    });
  }
  for (const [key, pairs] of e.at) {
    const got = outputOf(r, key);
    for (const [uid, w] of pairs) if (!near(got[uid]!, w)) out.push(`${key}[${uid}] = ${got[uid]}, expected ${w}`);
  }
  for (const [i, j, w] of e.bondsAt) {
    const got = bondsRow(r.bonds[i]).find(([c]) => c === j)?.[1] ?? 0;
    if (!near(got, w)) out.push(`bonds[${i}][${j}] = ${got}, expected ${w}`);
  }
  e.dividendsFloat?.forEach((w, i) => {
    const got = r.dividends[i]! / 65535;
    // a float written with finitely many decimals never equals u16/65535 exactly: 1e-9 is the least tolerance
    if (Math.abs(got - w) > Math.max(tolerance, 1e-9)) out.push(`dividends[${i}] = ${got.toFixed(6)}, expected ${w}`);
  });
  const likeUid = (uid: number | null, validators: boolean): void => {
    if (uid === null) return;
    const group = stakeRao.flatMap((s, i) => (s > 0n === validators ? [i] : []));
    for (const key of ['consensus_u16', 'incentive_u16', 'dividends_u16', 'validator_trust_u16', 'emission'] as const) {
      const got = outputOf(r, key);
      for (const i of group)
        if (got[i] !== got[uid]) out.push(`${key}[${i}] = ${got[i]}, expected the same as uid ${uid} (${got[uid]})`);
    }
  };
  likeUid(e.allValidatorsLike, true);
  likeUid(e.allServersLike, false);
  return out;
}

export interface EpochCheck {
  readonly epoch: number;
  readonly block: number;
  /** false when the epoch states no `expected` (it is then ok). */
  readonly checked: boolean;
  readonly ok: boolean;
  readonly mismatches: readonly string[];
}

/** Compare each epoch's result with the file's `expected` for it (see `mismatches`). */
export function checkAgainstExpected(file: VectorFile, results: readonly EpochResult[]): EpochCheck[] {
  return results.map((r, k) => {
    const epoch = file.scenario.epochs[k]!;
    const e = file.expected[k] ?? null;
    const found = e ? mismatches(r, e, file.tolerance, epoch.stake) : [];
    return { epoch: k, block: epoch.currentBlock, checked: e !== null, ok: found.length === 0, mismatches: found };
  });
}
