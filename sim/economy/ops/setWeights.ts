import { shouldRunEpoch } from '../drainPending.ts';
import { bootstrapping, meetsStakeThreshold } from '../epochInput.ts';
import { allocU16 } from '../rowAlloc.ts';
import {
  type ChainParams,
  type ChainState,
  copyNeurons,
  copySubnet,
  type SubnetState,
  type WeightCommit,
} from '../state.ts';
import { TxError } from '../txError.ts';
import { subnetOf, uidOf, withSubnet } from './subnetUpdate.ts';

/** Scratch for the distinct-uids check (cleared after each use). */
let seen = new Uint8Array(256);

/** Columns already made, by uids array (agents pass the same array for the same miners). */
const columnsOf = new WeakMap<readonly number[], Uint16Array>();

/**
 * The uids as a weights row's columns, or null when one is not a u16 (the SDK cannot encode it). Remembered per
 * array: callers never change an array they passed (`readonly`), and a subnet's validators score the same miners'
 * uids, one array for all of them. Rows are never written after they are made, so they may share the columns.
 */
function u16Columns(uids: readonly number[]): Uint16Array | null {
  const known = columnsOf.get(uids);
  if (known) return known;
  // Indexed loops throughout: `for…of` over an array is several times slower here in V8.
  const m = uids.length;
  const cols = allocU16(m); // a copying loop: Uint16Array.from(array) is ~10× slower in V8
  for (let k = 0; k < m; k++) {
    const u = uids[k]!;
    if (!(Number.isInteger(u) && u >= 0 && u <= 65535)) return null;
    cols[k] = u;
  }
  columnsOf.set(uids, cols);
  return cols;
}

/** A columns array's largest uid + 1 (0 when empty) and whether its uids are distinct. */
interface ColumnsShape {
  readonly bound: number;
  readonly distinct: boolean;
}

/** Per columns array, its shape: arrays are never written, and a subnet's rows and commits share a few. */
const shapeOf = new WeakMap<Uint16Array, ColumnsShape>();

function columnsShape(cols: Uint16Array): ColumnsShape {
  let shape = shapeOf.get(cols);
  if (shape === undefined) {
    let bound = 0;
    for (let k = 0; k < cols.length; k++) if (cols[k]! >= bound) bound = cols[k]! + 1;
    if (seen.length < bound) seen = new Uint8Array(2 * bound);
    let distinct = true;
    for (let k = 0; k < cols.length && distinct; k++) {
      distinct = seen[cols[k]!] === 0;
      seen[cols[k]!] = 1;
    }
    for (let k = 0; k < cols.length; k++) seen[cols[k]!] = 0; // leave it clean
    shape = { bound, distinct };
    shapeOf.set(cols, shape);
  }
  return shape;
}

/**
 * `internal_set_weights`' checks 11 and 12 on a row's columns (the chain's order): distinct uids (`DuplicateUids`),
 * every uid registered (`UidVecContainInvalidOne`); null when both hold.
 */
function columnsProblem(cols: Uint16Array, n: number): 'DuplicateUids' | 'UidVecContainInvalidOne' | null {
  const shape = columnsShape(cols);
  return !shape.distinct ? 'DuplicateUids' : shape.bound > n ? 'UidVecContainInvalidOne' : null;
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

/**
 * The transaction `set_weights` takes (an agent's `setWeights` action), in one of two forms: `weights`, any finite
 * numbers ≥ 0 as a validator hands them to the SDK, which max-upscales them to u16 before sending (`maxUpscaleU16`,
 * applied here); or `values`, the u16 values the extrinsic carries, already max-upscaled — the row takes the array
 * over (the sender must not write it afterwards). The same weights give the same row either way.
 */
export type SetWeightsTx = {
  readonly hotkey: string;
  readonly netuid: number;
  readonly uids: readonly number[];
} & (
  | { readonly weights: readonly number[]; readonly values?: undefined }
  | { readonly values: Uint16Array; readonly weights?: undefined }
);

/**
 * The SDK's conversion of weights to what the extrinsic carries (`convert_weights_and_uids_for_emit`, the chain's
 * `vec_u16_max_upscale_to_u16`): each weight × 65535 / the largest, rounded half up — all 0 when the largest is 0.
 * `weights[0 … m)` are finite and ≥ 0 and `max` is their largest; writes `out[0 … m)`.
 */
export function maxUpscaleU16(weights: ArrayLike<number>, m: number, max: number, out: Uint16Array): void {
  if (max > 0) for (let k = 0; k < m; k++) out[k] = roundHalfUp((weights[k]! * 65535) / max);
}

/**
 * `set_weights`' checks and row, in the chain's order. First what the SDK refuses before anything is sent: uids and
 * weights of unequal length (`WeightVecNotEqualSize`, the chain's name), a uid that is not a u16 or a weight that
 * is negative or not finite (`InvalidWeights`: the extrinsic carries u16). Then, without commit-reveal,
 * `internal_set_weights` (subnets/weights.rs): more uids than the subnet has (`UidsLengthExceedUidsInSubNet`), the
 * hotkey registered (`HotKeyNotRegisteredInSubNet`), its stake weight at least `StakeThreshold`
 * (`NotEnoughStakeToSetWeights`), the rate limit (`SettingWeightsTooFast`), a validator permit (`hasPermit`:
 * `NeuronNoValidatorPermit`), distinct (`DuplicateUids`) and registered uids (`UidVecContainInvalidOne`). Under
 * commit-reveal the chain sees a ciphertext: `commit_timelocked_weights` checks the hotkey registered, its rate limit
 * (`CommittingWeightsTooFast`) and at most 10 unrevealed commits for the coming reveal (`TooManyUnrevealedCommits`),
 * and the rest waits for the reveal (`revealCommits`). The row is max-upscaled to u16 the way the SDK and the chain do
 * (`vec_u16_max_upscale_to_u16`). Changes nothing: `setWeights` and the runner's block batch store it.
 */
export function weightsRow(state: ChainState, params: ChainParams, subnet: SubnetState, tx: SetWeightsTx): WeightsRow {
  const { uids, weights, values } = tx;
  const m = uids.length;
  const count = values ? values.length : weights.length;
  if (m !== count) throw new TxError('WeightVecNotEqualSize', `${m} uids but ${count} weights`);
  const cols = u16Columns(uids);
  if (cols === null) throw new TxError('InvalidWeights', 'uids are u16 integers');
  let max = 0;
  if (weights)
    for (let k = 0; k < m; k++) {
      const w = weights[k]!;
      if (!(w >= 0 && w < Number.POSITIVE_INFINITY))
        throw new TxError('InvalidWeights', `weight ${w} for uid ${uids[k]}: weights are finite and not negative`);
      if (w > max) max = w;
    }
  const reveal = subnet.params.commitRevealEnabled;
  const n = subnet.neurons.hotkeys.length;
  if (!reveal && m > n) throw new TxError('UidsLengthExceedUidsInSubNet', `${m} uids on a subnet of ${n}`);
  const uid = uidOf(subnet.neurons.hotkeys, tx.hotkey);
  if (uid < 0)
    throw new TxError('HotKeyNotRegisteredInSubNet', `${tx.hotkey} is not registered on subnet ${tx.netuid}`);
  if (!reveal && !meetsStakeThreshold(state, params, subnet, uid))
    throw new TxError('NotEnoughStakeToSetWeights', `uid ${uid}'s stake weight is below the stake threshold`);
  if (!rateLimitPassed(subnet, uid, state.block)) {
    throw new TxError(
      reveal ? 'CommittingWeightsTooFast' : 'SettingWeightsTooFast',
      `uid ${uid} last set at block ${subnet.neurons.lastUpdate[uid]}; the limit is ${subnet.params.weightsSetRateLimit} blocks`,
    );
  }
  if (reveal) {
    const key = commitEpoch(subnet, params, state.block);
    let mine = 0;
    // Indexed, from the newest back: keys never decrease in commit order, so the key's commits are the last ones.
    const commits = subnet.weightCommits;
    for (let k = commits.length - 1; k >= 0 && commits[k]!.epoch >= key; k--)
      if (commits[k]!.epoch === key && commits[k]!.hotkey === tx.hotkey) mine++;
    if (mine >= 10) throw new TxError('TooManyUnrevealedCommits', `${tx.hotkey} has 10 commits for epoch ${key}`);
  } else {
    if (!hasPermit(subnet, uid, cols) && !bootstrapping(state, params, subnet))
      throw new TxError('NeuronNoValidatorPermit', `uid ${uid} on subnet ${subnet.netuid} has no validator permit`);
    const problem = columnsProblem(cols, n);
    if (problem === 'DuplicateUids') throw new TxError(problem, 'weights need distinct uids, one weight each');
    if (problem) throw new TxError(problem, `weights name a uid that is not registered (n = ${n})`);
  }
  if (values) return { uid, cols, vals: values };
  const vals = allocU16(m);
  maxUpscaleU16(weights, m, max, vals);
  return { uid, cols, vals };
}

/** `check_rate_limit`: LastUpdate 0 (never set) or at least `WeightsSetRateLimit` blocks ago. */
function rateLimitPassed(subnet: SubnetState, uid: number, block: number): boolean {
  const last = subnet.neurons.lastUpdate[uid]!;
  return last === 0 || block - last >= subnet.params.weightsSetRateLimit;
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
 * when its epoch is due at `block` and has not run — a transaction of a block whose epoch was deferred
 * (`MaxEpochsPerBlock`) belongs to the coming epoch.
 */
const commitEpoch = (subnet: SubnetState, params: ChainParams, block: number): number =>
  subnet.epochIndex + (epochAhead(subnet, params, block) ? 1 : 0);

/**
 * `should_run_epoch` as a transaction of `block` sees it, after the block's own step: an epoch that ran at `block` is
 * behind (the scheduler's LastEpochBlock says so; the [legacy] modulo rule alone would still call the block due).
 */
const epochAhead = (subnet: SubnetState, params: ChainParams, block: number): boolean =>
  subnet.lastEpochBlock !== block && shouldRunEpoch(subnet, block, params.epochSchedule);

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
    const neurons = copyNeurons(subnet.neurons);
    neurons.lastUpdate = lastUpdate;
    next.neurons = neurons;
    return withSubnet(state, next);
  }
  const weights = subnet.neurons.weights.slice();
  weights[row.uid] = { cols: row.cols, vals: row.vals };
  const neurons = copyNeurons(subnet.neurons);
  neurons.weights = weights;
  neurons.lastUpdate = lastUpdate;
  next.neurons = neurons;
  return withSubnet(state, next);
}

/**
 * The committer's uid now (−1 if no longer registered): the uid it committed from when that still holds its hotkey
 * (one read; hotkeys are unique on a subnet), else a look-up.
 */
export function commitUid(hotkeys: readonly string[], c: WeightCommit): number {
  return hotkeys[c.uid] === c.hotkey ? c.uid : uidOf(hotkeys, c.hotkey);
}

/** What the reveal needs besides the subnet: the block, whether its epoch runs this block, the chain's state. */
export interface RevealContext {
  readonly block: number;
  /** The subnet's epoch is due this block and not deferred: the counter looks ahead (`current_epoch_with_lookahead`). */
  readonly lookahead: boolean;
  /** The chain, for the stake threshold and the opt-in bootstrap; without it neither is checked. */
  readonly chain?: { readonly state: ChainState; readonly params: ChainParams };
}

/**
 * The key the reveal takes this block, and whether any commit is at or below it (due or expired): on most blocks
 * none is, and the reveal has nothing to do. Keys never decrease in commit order (the counter only grows and the
 * look-ahead holds until the epoch runs), so the oldest commit decides. (One exception, in an opt-in mode: the
 * [legacy] modulo schedule does not carry a deferral past its block, so there a commit keyed one ahead can precede
 * one that is not, and hides it until both expire.)
 */
export function revealKey(subnet: SubnetState, lookahead: boolean): number | null {
  const commits = subnet.weightCommits;
  const due = subnet.epochIndex + (lookahead ? 1 : 0) - subnet.params.revealPeriodEpochs;
  return commits.length > 0 && commits[0]!.epoch <= due ? due : null;
}

/**
 * `reveal_crv3_commits_for_subnet` (coinbase/reveal_commits.rs), run every block for every subnet whose epoch is not
 * deferred this block (coinbase/block_step.rs `reveal_crv3_commits`): the commits keyed `epochIndex − reveal_period`
 * — plus one when the epoch runs this block, the look-ahead — are revealed. With the default period of one, those of
 * the tempo that just ended are revealed on the block of the next epoch, before it runs, and used by it; on other
 * blocks there is normally nothing to reveal. In commit order each goes through `set_weights` as the chain's reveal
 * does (`do_set_mechanism_weights`) and is skipped if it would be refused: its hotkey no longer registered, more uids
 * than the subnet has, a stake weight below the threshold, no validator permit now, repeated or unregistered uids;
 * and if commit-reveal was turned off meanwhile, the rate limit, LastUpdate then set to this block (with it on, the
 * commit set LastUpdate). Older commits are dropped unrevealed, newer ones wait. (The drand pulse is taken to be on
 * chain by then, as in the chain's tests.)
 */
export function revealCommits(subnet: SubnetState, ctx: RevealContext): SubnetState {
  const due = revealKey(subnet, ctx.lookahead);
  if (due === null) return subnet; // nothing due or expired: the usual block
  const commits = subnet.weightCommits;
  const chain = ctx.chain;
  const bootstrap = chain !== undefined && bootstrapping(chain.state, chain.params, subnet);
  const t = subnet.neurons;
  const n = t.hotkeys.length;
  const direct = !subnet.params.commitRevealEnabled;
  let weights: SubnetState['neurons']['weights'][number][] | null = null;
  let lastUpdate: number[] | null = null;
  for (let k = 0; k < commits.length; k++) {
    const c = commits[k]!;
    if (c.epoch !== due) continue;
    const uid = commitUid(t.hotkeys, c);
    if (uid < 0 || c.cols.length > n) continue;
    if (chain && !meetsStakeThreshold(chain.state, chain.params, subnet, uid)) continue;
    if (direct) {
      const last = (lastUpdate ?? t.lastUpdate)[uid]!;
      if (last !== 0 && ctx.block - last < subnet.params.weightsSetRateLimit) continue;
    }
    if (!hasPermit(subnet, uid, c.cols, bootstrap) || columnsProblem(c.cols, n) !== null) continue;
    weights ??= t.weights.slice(); // copied once for all the commits revealed now
    weights[uid] = { cols: c.cols, vals: c.vals };
    if (direct) {
      lastUpdate ??= t.lastUpdate.slice();
      lastUpdate[uid] = ctx.block;
    }
  }
  const next = copySubnet(subnet);
  next.weightCommits = commits.filter((c) => c.epoch > due);
  if (weights) {
    const neurons = copyNeurons(t);
    neurons.weights = weights;
    if (lastUpdate) neurons.lastUpdate = lastUpdate;
    next.neurons = neurons;
  }
  return next;
}
