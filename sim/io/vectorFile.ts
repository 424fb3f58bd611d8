import type { VectorEpoch, VectorScenario } from '../consensus/replay.ts';
import type { SparseRowU16 } from '../consensus/types.ts';
import { InputError } from './inputError.ts';
import { array, boolean, finite, integer, object, u64 } from './jsonFields.ts';
import { type Expected, vectorExpected } from './vectorExpected.ts';
import { DEFAULT_HYPERPARAMETERS, epochParamsOf, vectorHyperparameters } from './vectorHyperparameters.ts';

export type { VectorEpoch, VectorScenario } from '../consensus/replay.ts';
export type { Expected, OutputKey } from './vectorExpected.ts';

/** A validated vector file: the scenario to replay, and what each epoch expects. Frozen. */
export interface VectorFile {
  readonly scenario: VectorScenario;
  /** 0 = exact comparison; otherwise the largest difference --check accepts. */
  readonly tolerance: number;
  /** Per epoch, what the file expects (null: nothing to check). */
  readonly expected: readonly (Expected | null)[];
}

const TOP_KEYS = ['scenario', 'tolerance', 'source_test', 'source_file', 'source_commit', 'tolerance_note', 'note'];
const SCENARIO_KEYS = [
  'n',
  'stake',
  'hyperparameters',
  'block_at_registration',
  'initial',
  'epochs',
  'rao_emission',
  'owner_uid',
  'dense',
  'note',
];
const EPOCH_KEYS = [
  'current_block',
  'weights',
  'last_update',
  'reset_bonds_uid',
  'hyperparameters',
  'stake',
  'block_at_registration',
  'expected',
  'note',
];

const block = (v: unknown, path: string): number => integer(v, path, 0, Number.MAX_SAFE_INTEGER);

/** A uid as an object key: a canonical decimal in 0..n-1 ("03" would silently alias "3"). */
function uidKey(key: string, path: string, n: number): number {
  if (!/^(0|[1-9]\d*)$/.test(key)) throw new InputError(path, `expected a uid (0..${n - 1}) as the key, got "${key}"`);
  return integer(Number(key), path, 0, n - 1);
}

/** `{ "<uid>": v }` → [uid, v] in the file's order, keys checked. */
function uidEntries(v: unknown, path: string, n: number): [number, unknown, string][] {
  return Object.entries(object(v, path)).map(([key, value]) => {
    const at = `${path}["${key}"]`;
    return [uidKey(key, at, n), value, at];
  });
}

function weightRows(v: unknown, path: string, n: number): Map<number, SparseRowU16> {
  const rows = new Map<number, SparseRowU16>();
  for (const [uid, value, rowPath] of uidEntries(v, path, n)) {
    const seen = new Set<number>();
    const entries = array(value, rowPath).map((e, k) => {
      const pair = array(e, `${rowPath}[${k}]`, 2, 'a [uid, weight] pair');
      const j = integer(pair[0], `${rowPath}[${k}][0]`, 0, n - 1);
      if (seen.has(j))
        throw new InputError(
          `${rowPath}[${k}][0]`,
          `uid ${j} appears twice in the row (the chain refuses duplicate uids)`,
        );
      seen.add(j);
      return [j, integer(pair[1], `${rowPath}[${k}][1]`, 0, 65535)] as const;
    });
    rows.set(uid, { cols: Uint16Array.from(entries, (e) => e[0]), vals: Uint16Array.from(entries, (e) => e[1]) });
  }
  return rows;
}

/**
 * Validate a parsed vector file (docs/vector-format.md; parse the text with `parseJsonExact` so u64 values stay exact)
 * into a frozen, fully-defaulted scenario plus its expectations, or throw an InputError naming the field.
 */
export function readVectorFile(json: unknown): VectorFile {
  const root = object(json, '', TOP_KEYS);
  let tolerance = 0;
  if ('tolerance' in root) {
    tolerance = finite(root.tolerance, 'tolerance');
    if (tolerance < 0) throw new InputError('tolerance', `expected a number >= 0, got ${tolerance}`);
  }
  const s = object(root.scenario, 'scenario', SCENARIO_KEYS);
  const n = integer(s.n, 'scenario.n', 1, 65535);
  const list = <T>(v: unknown, path: string, read: (x: unknown, p: string) => T): readonly T[] =>
    Object.freeze(array(v, path, n).map((x, i) => read(x, `${path}[${i}]`)));
  const initial = object(s.initial, 'scenario.initial', ['validator_permits', 'last_update']);
  const initialPermits = list(initial.validator_permits, 'scenario.initial.validator_permits', (x, p) =>
    boolean(x, p) ? 1 : 0,
  );
  const initialLastUpdate = list(initial.last_update, 'scenario.initial.last_update', block);
  const raoEmission = 'rao_emission' in s ? u64(s.rao_emission, 'scenario.rao_emission') : 1_000_000_000n;
  const ownerUid = 'owner_uid' in s ? integer(s.owner_uid, 'scenario.owner_uid', 0, n - 1) : null;
  const dense = 'dense' in s ? boolean(s.dense, 'scenario.dense') : false;

  let hyper = DEFAULT_HYPERPARAMETERS;
  if ('hyperparameters' in s) hyper = vectorHyperparameters(s.hyperparameters, 'scenario.hyperparameters', hyper);
  let stake = list(s.stake, 'scenario.stake', u64);
  let registered = list(s.block_at_registration, 'scenario.block_at_registration', block);
  const epochs: VectorEpoch[] = [];
  const expected: (Expected | null)[] = [];
  array(s.epochs, 'scenario.epochs').forEach((raw, k) => {
    const path = `scenario.epochs[${k}]`;
    const e = object(raw, path, EPOCH_KEYS);
    if ('hyperparameters' in e) hyper = vectorHyperparameters(e.hyperparameters, `${path}.hyperparameters`, hyper);
    if ('stake' in e) stake = list(e.stake, `${path}.stake`, u64);
    if ('block_at_registration' in e)
      registered = list(e.block_at_registration, `${path}.block_at_registration`, block);
    const currentBlock = block(e.current_block, `${path}.current_block`);
    const weights = weightRows('weights' in e ? e.weights : {}, `${path}.weights`, n);
    const lastUpdate = new Map<number, number>();
    for (const [uid, value, at] of uidEntries('last_update' in e ? e.last_update : {}, `${path}.last_update`, n)) {
      lastUpdate.set(uid, block(value, at));
    }
    const resetBondsUid =
      'reset_bonds_uid' in e ? integer(e.reset_bonds_uid, `${path}.reset_bonds_uid`, 0, n - 1) : null;
    epochs.push(
      Object.freeze({
        currentBlock,
        params: epochParamsOf(hyper),
        bondsResetEnabled: hyper.bonds_reset_enabled,
        stake,
        blockAtRegistration: registered,
        weights,
        lastUpdate,
        resetBondsUid,
      }),
    );
    expected.push('expected' in e ? vectorExpected(e.expected, `${path}.expected`, n) : null);
  });
  const scenario: VectorScenario = Object.freeze({
    n,
    initialPermits,
    initialLastUpdate,
    raoEmission,
    ownerUid,
    dense,
    epochs: Object.freeze(epochs),
  });
  return Object.freeze({ scenario, tolerance, expected: Object.freeze(expected) });
}
