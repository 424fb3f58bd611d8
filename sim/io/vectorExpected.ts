import { array, finite, integer, object, u64 } from './jsonFields.ts';

/** The outputs a vector can state, by their names in the file. */
export const OUTPUT_KEYS = [
  'consensus_u16',
  'incentive_u16',
  'dividends_u16',
  'validator_trust_u16',
  'emission',
  'server_emission',
  'validator_emission',
] as const;
export type OutputKey = (typeof OUTPUT_KEYS)[number];

/** What one epoch of a vector expects (test/vectors README: "Expected keys"). */
export interface Expected {
  /** `<key>`: the whole vector, n values. */
  readonly whole: ReadonlyMap<OutputKey, readonly bigint[]>;
  /** `<key>_at`: [[uid, value], …]. */
  readonly at: ReadonlyMap<OutputKey, readonly (readonly [number, bigint])[]>;
  /** `bonds_at`: [[i, j, u16]], a null in the file (= no bond) read as 0. */
  readonly bondsAt: readonly (readonly [number, number, number])[];
  /** `dividends_float`: u16 / 65535 per uid, compared with the file's tolerance. */
  readonly dividendsFloat: readonly number[] | null;
  /** Every validator (uid with stake) has the outputs of this uid. */
  readonly allValidatorsLike: number | null;
  /** Every server (uid without stake) has the outputs of this uid. */
  readonly allServersLike: number | null;
}

const EXPECTED_KEYS = [
  ...OUTPUT_KEYS,
  ...OUTPUT_KEYS.map((k) => `${k}_at`),
  'bonds_at',
  'dividends_float',
  'bonds_float_validators_miners', // informational: the Rust helper never asserts it
  'bonds_check_note',
  'all_validators_like_uid',
  'all_servers_like_uid',
];

function value(key: OutputKey, v: unknown, path: string): bigint {
  return key.endsWith('_u16') ? BigInt(integer(v, path, 0, 65535)) : u64(v, path);
}

/** Read an epoch's `expected` object for a scenario of n uids. */
export function vectorExpected(v: unknown, path: string, n: number): Expected {
  const o = object(v, path, EXPECTED_KEYS);
  const uid = (x: unknown, p: string): number => integer(x, p, 0, n - 1);
  const whole = new Map<OutputKey, readonly bigint[]>();
  const at = new Map<OutputKey, readonly (readonly [number, bigint])[]>();
  for (const key of OUTPUT_KEYS) {
    if (key in o) {
      const values = array(o[key], `${path}.${key}`, n).map((x, i) => value(key, x, `${path}.${key}[${i}]`));
      whole.set(key, Object.freeze(values));
    }
    const atKey = `${key}_at`;
    if (atKey in o) {
      const pairs = array(o[atKey], `${path}.${atKey}`).map((e, k) => {
        const p = array(e, `${path}.${atKey}[${k}]`, 2, 'a [uid, value] pair');
        return Object.freeze([
          uid(p[0], `${path}.${atKey}[${k}][0]`),
          value(key, p[1], `${path}.${atKey}[${k}][1]`),
        ] as const);
      });
      at.set(key, Object.freeze(pairs));
    }
  }
  const bondsAt =
    'bonds_at' in o
      ? array(o.bonds_at, `${path}.bonds_at`).map((e, k) => {
          const p = array(e, `${path}.bonds_at[${k}]`, 3, 'an [i, j, u16 or null] triple');
          const bond = p[2] === null ? 0 : integer(p[2], `${path}.bonds_at[${k}][2]`, 0, 65535);
          return Object.freeze([
            uid(p[0], `${path}.bonds_at[${k}][0]`),
            uid(p[1], `${path}.bonds_at[${k}][1]`),
            bond,
          ] as const);
        })
      : [];
  const dividendsFloat =
    'dividends_float' in o
      ? array(o.dividends_float, `${path}.dividends_float`, n).map((x, i) => finite(x, `${path}.dividends_float[${i}]`))
      : null;
  const uidOrNull = (k: string): number | null => (k in o ? uid(o[k], `${path}.${k}`) : null);
  return Object.freeze({
    whole,
    at,
    bondsAt: Object.freeze(bondsAt),
    dividendsFloat: dividendsFloat && Object.freeze(dividendsFloat),
    allValidatorsLike: uidOrNull('all_validators_like_uid'),
    allServersLike: uidOrNull('all_servers_like_uid'),
  });
}
