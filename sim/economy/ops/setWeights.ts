import { allocU16 } from '../rowAlloc.ts';
import { type ChainState, copySubnet, type SubnetState, type WeightCommit } from '../state.ts';
import { TxError } from '../txError.ts';
import { subnetOf, uidOf, withSubnet } from './subnetUpdate.ts';

/** Scratch for the distinct-uids check (cleared after each use). */
let seen = new Uint8Array(256);

/** Columns already checked, by uids array (agents pass the same array for the same miners) and subnet size. */
const checked = new WeakMap<readonly number[], { readonly n: number; readonly cols: Uint16Array }>();

/**
 * The uids as a weights row's columns, checked distinct and below `n` (else `AmountTooLow`). The answer depends only
 * on the array's contents and `n`, and callers never change an array they passed (`readonly`), so it is remembered
 * per array: a subnet's validators score the same miners' uids, one array for all of them. Rows are never written
 * after they are made, so they may share the columns.
 */
function checkedColumns(uids: readonly number[], n: number): Uint16Array {
  const known = checked.get(uids);
  if (known && known.n === n) return known.cols;
  if (seen.length < n) seen = new Uint8Array(2 * n);
  // Indexed loops throughout: `for…of` over an array is several times slower here in V8.
  const m = uids.length;
  const cols = allocU16(m); // a copying loop: Uint16Array.from(array) is ~10× slower in V8
  let valid = true;
  for (let k = 0; k < m && valid; k++) {
    const u = uids[k]!;
    valid = Number.isInteger(u) && u >= 0 && u < n && seen[u] === 0;
    if (valid) {
      seen[u] = 1;
      cols[k] = u;
    }
  }
  for (let k = 0; k < m; k++) seen[cols[k]!] = 0; // leave it clean (unwritten entries are 0, also in range)
  if (!valid) throw new TxError('AmountTooLow', 'weights need distinct uids of registered neurons, one weight each');
  checked.set(uids, { n, cols });
  return cols;
}

/**
 * `Math.round(x)`, the same double for every x, without its data-dependent branch in the usual case: V8 rounds with a
 * compare-and-adjust that random weights mispredict about half the time (≈ 10 ns an entry, 2 µs a validator's
 * weights set). For ½ ≤ x < 2^52, floor(x + ½) is Math.round(x) although the sum may round: below the next power of
 * two it is exact, and a sum rounded across a power of two 2^k ≥ 1 (an integer) cannot cross an integer boundary.
 * Elsewhere — below ½, where ½ − 2^-54 + ½ rounds up to 1, from 2^52, negatives and NaN — `Math.round` itself.
 */
export function roundHalfUp(x: number): number {
  return x >= 0.5 && x < 4503599627370496 ? Math.floor(x + 0.5) : Math.round(x);
}

/** A checked weights set: the row `uid` stores (or commits), max-upscaled to u16. */
export interface WeightsRow {
  readonly uid: number;
  readonly cols: Uint16Array;
  readonly vals: Uint16Array;
}

/** The transaction `set_weights` takes (an agent's `setWeights` action). */
export interface SetWeightsTx {
  readonly hotkey: string;
  readonly netuid: number;
  readonly uids: readonly number[];
  readonly weights: readonly number[];
}

/**
 * `set_weights`' checks and row (subnets/weights.rs): the hotkey registered on the subnet, distinct uids of
 * registered neurons with one weight each (else a `TxError`), the weights max-upscaled to u16 the way the chain does
 * (`vec_u16_max_upscale_to_u16`). Changes nothing: `setWeights` and the runner's block batch store the row.
 */
export function weightsRow(subnet: SubnetState, tx: SetWeightsTx): WeightsRow {
  const uid = uidOf(subnet.neurons.hotkeys, tx.hotkey);
  if (uid < 0) throw new TxError('HotKeyAccountNotExists', `${tx.hotkey} is not registered on subnet ${tx.netuid}`);
  const n = subnet.neurons.hotkeys.length;
  const { uids, weights } = tx;
  if (uids.length !== weights.length)
    throw new TxError('AmountTooLow', 'weights need distinct uids of registered neurons, one weight each');
  const cols = checkedColumns(uids, n);
  const m = uids.length;
  let max = 0;
  for (let k = 0; k < m; k++) if (weights[k]! > max) max = weights[k]!;
  const vals = allocU16(m);
  if (max > 0) for (let k = 0; k < m; k++) vals[k] = roundHalfUp((weights[k]! * 65535) / max);
  return { uid, cols, vals };
}

/** The commit `commit_timelocked_weights` records for a checked row at `block`. */
export const weightCommit = (subnet: SubnetState, tx: SetWeightsTx, row: WeightsRow, block: number): WeightCommit => ({
  hotkey: tx.hotkey,
  uid: row.uid,
  cols: row.cols,
  vals: row.vals,
  epoch: subnet.epochIndex,
  block,
});

/**
 * `set_weights` (subnets/weights.rs): a registered validator stores a weights row (`weightsRow`) and its LastUpdate
 * becomes the current block. With commit-reveal on, the row is committed instead (`commit_timelocked_weights`) and
 * stored when revealed (`revealCommits`).
 */
export function setWeights(state: ChainState, tx: SetWeightsTx): ChainState {
  const subnet = subnetOf(state, tx.netuid);
  const row = weightsRow(subnet, tx);
  if (subnet.params.commitRevealEnabled) {
    // commit_timelocked_weights: nothing changes until the reveal.
    const next = copySubnet(subnet);
    next.weightCommits = [...subnet.weightCommits, weightCommit(subnet, tx, row, state.block)];
    return withSubnet(state, next);
  }
  return withSubnet(state, storeRow(subnet, row.uid, row.cols, row.vals, state.block));
}

/** A weights row stored for `uid`, its LastUpdate set to `block`. */
function storeRow(subnet: SubnetState, uid: number, cols: Uint16Array, vals: Uint16Array, block: number): SubnetState {
  const weights = subnet.neurons.weights.slice();
  weights[uid] = { cols, vals };
  const lastUpdate = subnet.neurons.lastUpdate.slice();
  lastUpdate[uid] = block;
  return { ...subnet, neurons: { ...subnet.neurons, weights, lastUpdate } };
}

/** Per columns array, its largest uid + 1 (0 when empty): arrays are never written, and a subnet's commits share one. */
const colBound = new WeakMap<Uint16Array, number>();

/** Whether every uid of a row is below `n` (the row's bound found once per columns array, not per commit). */
function allBelow(cols: Uint16Array, n: number): boolean {
  let bound = colBound.get(cols);
  if (bound === undefined) {
    bound = 0;
    for (let k = 0; k < cols.length; k++) if (cols[k]! >= bound) bound = cols[k]! + 1;
    colBound.set(cols, bound);
  }
  return bound <= n;
}

/**
 * The committer's uid now (−1 if no longer registered): the uid it committed from when that still holds its hotkey
 * (one read; hotkeys are unique on a subnet), else a look-up.
 */
export function commitUid(hotkeys: readonly string[], c: WeightCommit): number {
  return hotkeys[c.uid] === c.hotkey ? c.uid : uidOf(hotkeys, c.hotkey);
}

/**
 * `reveal_crv3_commits_for_subnet`, run when the subnet's epoch is about to run: commits made `revealPeriodEpochs`
 * epochs ago are revealed in commit order (stored as `set_weights` would, LastUpdate = this block; a hotkey no
 * longer registered is skipped), older ones are dropped unrevealed, newer ones wait.
 */
export function revealCommits(subnet: SubnetState, block: number): SubnetState {
  if (subnet.weightCommits.length === 0) return subnet;
  const due = subnet.epochIndex - subnet.params.revealPeriodEpochs;
  const t = subnet.neurons;
  let weights: SubnetState['neurons']['weights'][number][] | null = null;
  let lastUpdate: number[] | null = null;
  for (const c of subnet.weightCommits) {
    if (c.epoch !== due) continue;
    const uid = commitUid(t.hotkeys, c);
    if (uid < 0 || !allBelow(c.cols, t.hotkeys.length)) continue;
    weights ??= t.weights.slice(); // copied once for all the commits revealed now
    lastUpdate ??= t.lastUpdate.slice();
    weights[uid] = { cols: c.cols, vals: c.vals };
    lastUpdate[uid] = block;
  }
  const weightCommits = subnet.weightCommits.filter((c) => c.epoch > due);
  const next = copySubnet(subnet);
  next.weightCommits = weightCommits;
  if (weights && lastUpdate) next.neurons = { ...t, weights, lastUpdate };
  return next;
}
