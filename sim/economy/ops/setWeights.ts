import { shouldRunEpoch } from '../drainPending.ts';
import { bootstrapping, meetsStakeThreshold } from '../epochInput.ts';
import { allocU16 } from '../rowAlloc.ts';
import { type ChainParams, type ChainState, copySubnet, type SubnetState, type WeightCommit } from '../state.ts';
import { TxError } from '../txError.ts';
import { subnetOf, uidOf, withSubnet } from './subnetUpdate.ts';

/** Scratch for the distinct-uids check (cleared after each use). */
let seen = new Uint8Array(256);

/** Columns already checked, by uids array (agents pass the same array for the same miners) and subnet size. */
const checked = new WeakMap<readonly number[], { readonly n: number; readonly cols: Uint16Array }>();

/**
 * The uids as a weights row's columns, checked distinct (else `DuplicateUids`) and below `n` (else
 * `UidVecContainInvalidOne`: `internal_set_weights` checks 11 and 12). The answer depends only
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
  let invalid = false;
  let duplicate = false;
  for (let k = 0; k < m && !invalid && !duplicate; k++) {
    const u = uids[k]!;
    invalid = !(Number.isInteger(u) && u >= 0 && u < n);
    duplicate = !invalid && seen[u] === 1;
    if (!invalid && !duplicate) {
      seen[u] = 1;
      cols[k] = u;
    }
  }
  for (let k = 0; k < m; k++) seen[cols[k]!] = 0; // leave it clean (unwritten entries are 0, also in range)
  if (duplicate) throw new TxError('DuplicateUids', 'weights need distinct uids, one weight each');
  if (invalid) throw new TxError('UidVecContainInvalidOne', `weights name a uid that is not registered (n = ${n})`);
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
 * `set_weights`' checks and row (subnets/weights.rs), in the chain's order: one weight per uid
 * (`WeightVecNotEqualSize`), the hotkey registered on the subnet (`HotKeyNotRegisteredInSubNet`), without
 * commit-reveal its stake weight at least `StakeThreshold` (`meetsStakeThreshold`), the rate limit
 * (`WeightsSetRateLimit` from LastUpdate: `SettingWeightsTooFast`, or under commit-reveal `CommittingWeightsTooFast`),
 * under commit-reveal at most 10 unrevealed commits of the hotkey for the coming reveal (`TooManyUnrevealedCommits`),
 * without it a validator permit (`checkPermit`; under commit-reveal it is checked at the reveal: the chain sees only
 * a ciphertext), distinct uids of registered neurons (`checkedColumns`), weights finite and not negative — the SDK's
 * own refusal (`InvalidWeights`): the extrinsic takes u16 — and the weights max-upscaled to u16 the way the SDK and
 * the chain do (`vec_u16_max_upscale_to_u16`). Changes nothing: `setWeights` and the runner's block batch store it.
 */
export function weightsRow(state: ChainState, params: ChainParams, subnet: SubnetState, tx: SetWeightsTx): WeightsRow {
  const { uids, weights } = tx;
  if (uids.length !== weights.length)
    throw new TxError('WeightVecNotEqualSize', `${uids.length} uids but ${weights.length} weights`);
  const uid = uidOf(subnet.neurons.hotkeys, tx.hotkey);
  if (uid < 0)
    throw new TxError('HotKeyNotRegisteredInSubNet', `${tx.hotkey} is not registered on subnet ${tx.netuid}`);
  if (!subnet.params.commitRevealEnabled && !meetsStakeThreshold(state, params, subnet, uid))
    throw new TxError('NotEnoughStakeToSetWeights', `uid ${uid}'s stake weight is below the stake threshold`);
  const reveal = subnet.params.commitRevealEnabled;
  const last = subnet.neurons.lastUpdate[uid]!;
  if (last !== 0 && state.block - last < subnet.params.weightsSetRateLimit) {
    throw new TxError(
      reveal ? 'CommittingWeightsTooFast' : 'SettingWeightsTooFast',
      `uid ${uid} last set at block ${last}; the limit is ${subnet.params.weightsSetRateLimit} blocks`,
    );
  }
  if (reveal) {
    const key = commitEpoch(subnet, params, state.block);
    let mine = 0;
    for (const c of subnet.weightCommits) if (c.epoch === key && c.hotkey === tx.hotkey) mine++;
    if (mine >= 10) throw new TxError('TooManyUnrevealedCommits', `${tx.hotkey} has 10 commits for epoch ${key}`);
  }
  const n = subnet.neurons.hotkeys.length;
  const cols = checkedColumns(uids, n);
  if (!reveal && !hasPermit(subnet, uid, cols) && !bootstrapping(state, params, subnet))
    throw new TxError('NeuronNoValidatorPermit', `uid ${uid} on subnet ${subnet.netuid} has no validator permit`);
  const m = uids.length;
  let max = 0;
  for (let k = 0; k < m; k++) {
    const w = weights[k]!;
    if (!(w >= 0 && w < Number.POSITIVE_INFINITY))
      throw new TxError('InvalidWeights', `weight ${w} for uid ${uids[k]}: weights are finite and not negative`);
    if (w > max) max = w;
  }
  const vals = allocU16(m);
  if (max > 0) for (let k = 0; k < m; k++) vals[k] = roundHalfUp((weights[k]! * 65535) / max);
  return { uid, cols, vals };
}

/**
 * `check_validator_permit`: a row from `uid` needs a validator permit, unless it is a self-weight (one weight, on
 * `uid` itself) or `uid` holds the subnet owner's hotkey. `cols`: the row's columns. `bootstrap` (the opt-in
 * fair-launch rule, `bootstrapping`, not on chain): nobody holds stake yet, and no permit is needed.
 */
export function hasPermit(subnet: SubnetState, uid: number, cols: Uint16Array, bootstrap = false): boolean {
  const t = subnet.neurons;
  return (
    bootstrap ||
    (cols.length === 1 && cols[0] === uid) ||
    t.validatorPermits[uid] === 1 ||
    t.hotkeys[uid] === subnet.ownerHotkey
  );
}

/**
 * The epoch a commit at `block` is keyed by (`current_epoch_with_lookahead`): the subnet's epoch counter, plus one
 * when its epoch is due at `block` — a transaction of a block whose epoch was deferred (`MaxEpochsPerBlock`) belongs
 * to the coming epoch.
 */
const commitEpoch = (subnet: SubnetState, params: ChainParams, block: number): number =>
  subnet.epochIndex + (shouldRunEpoch(subnet, block, params.epochSchedule) ? 1 : 0);

/** The commit `commit_timelocked_weights` records for a checked row at `block` (keyed by `commitEpoch`). */
export const weightCommit = (
  subnet: SubnetState,
  params: ChainParams,
  tx: SetWeightsTx,
  row: WeightsRow,
  block: number,
): WeightCommit => ({
  hotkey: tx.hotkey,
  uid: row.uid,
  cols: row.cols,
  vals: row.vals,
  epoch: commitEpoch(subnet, params, block),
  block,
});

/**
 * `set_weights` (subnets/weights.rs): a registered validator stores a weights row (`weightsRow`) and its LastUpdate
 * becomes the current block. With commit-reveal on, the row is committed instead (`commit_timelocked_weights`), the
 * commit sets LastUpdate, and the row is stored when revealed (`revealCommits`).
 */
export function setWeights(state: ChainState, params: ChainParams, tx: SetWeightsTx): ChainState {
  const subnet = subnetOf(state, tx.netuid);
  const row = weightsRow(state, params, subnet, tx);
  const next = copySubnet(subnet);
  const lastUpdate = subnet.neurons.lastUpdate.slice();
  lastUpdate[row.uid] = state.block;
  if (subnet.params.commitRevealEnabled) {
    next.weightCommits = [...subnet.weightCommits, weightCommit(subnet, params, tx, row, state.block)];
    next.neurons = { ...subnet.neurons, lastUpdate };
    return withSubnet(state, next);
  }
  const weights = subnet.neurons.weights.slice();
  weights[row.uid] = { cols: row.cols, vals: row.vals };
  next.neurons = { ...subnet.neurons, weights, lastUpdate };
  return withSubnet(state, next);
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
 * `reveal_crv3_commits_for_subnet` (coinbase/reveal_commits.rs), on a block where the subnet's epoch is due (before
 * it runs, or when it is deferred): the epoch counter looks ahead to the coming epoch, so the commits keyed
 * `epochIndex + 1 − revealPeriodEpochs` are revealed — with the default period of one, those of the tempo that just
 * ended, used by the epoch about to run. In commit order, each is stored as `set_weights` under commit-reveal would
 * store it (LastUpdate untouched: the commit set it); one the chain would refuse is skipped (its hotkey no longer
 * registered, a uid no longer below the subnet size, no validator permit now, a stake weight below the threshold).
 * Older commits are dropped unrevealed, newer ones wait. (The drand pulse is taken to be on chain by then, as in the
 * chain's tests.) `bootstrap`: see `hasPermit`; `stakeOk`: whether a uid meets the stake threshold now
 * (`meetsStakeThreshold`).
 */
export function revealCommits(
  subnet: SubnetState,
  bootstrap = false,
  stakeOk: (uid: number) => boolean = () => true,
): SubnetState {
  if (subnet.weightCommits.length === 0) return subnet;
  const due = subnet.epochIndex + 1 - subnet.params.revealPeriodEpochs;
  const t = subnet.neurons;
  let weights: SubnetState['neurons']['weights'][number][] | null = null;
  for (const c of subnet.weightCommits) {
    if (c.epoch !== due) continue;
    const uid = commitUid(t.hotkeys, c);
    if (uid < 0 || !allBelow(c.cols, t.hotkeys.length) || !hasPermit(subnet, uid, c.cols, bootstrap) || !stakeOk(uid))
      continue;
    weights ??= t.weights.slice(); // copied once for all the commits revealed now
    weights[uid] = { cols: c.cols, vals: c.vals };
  }
  const weightCommits = subnet.weightCommits.filter((c) => c.epoch > due);
  if (weights === null && weightCommits.length === subnet.weightCommits.length) return subnet;
  const next = copySubnet(subnet);
  next.weightCommits = weightCommits;
  if (weights) next.neurons = { ...t, weights };
  return next;
}
