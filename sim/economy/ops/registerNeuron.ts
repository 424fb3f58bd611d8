import type { SparseRowU16 } from '../../consensus/types.ts';
import { PoolError, swapTaoForAlpha } from '../pool.ts';
import { bumpBurn } from '../registrationPrice.ts';
import type { ChainParams, ChainState, NeuronTable, SubnetState } from '../state.ts';
import { TxError } from '../txError.ts';
import { subnetOf, withSubnet } from './subnetUpdate.ts';

const EMPTY: SparseRowU16 = { cols: new Uint16Array(0), vals: new Uint16Array(0) };

/**
 * `get_neuron_to_prune` (subnets/registration.rs): the uid with the lowest last-epoch emission, then the oldest
 * registration, then the lowest uid — among non-immune uids while more than `minNonImmuneUids` of them exist,
 * otherwise among the immune ones. The owner's hotkey is never pruned. Null when nobody can be.
 */
export function neuronToPrune(subnet: SubnetState, block: number): number | null {
  const t = subnet.neurons;
  let free = 0;
  let bestFree: number | null = null;
  let bestImmune: number | null = null;
  const better = (a: number, b: number | null): boolean => {
    if (b === null) return true;
    const ea = t.emissionRao[a]!;
    const eb = t.emissionRao[b]!;
    if (ea !== eb) return ea < eb;
    if (t.registeredAt[a] !== t.registeredAt[b]) return t.registeredAt[a]! < t.registeredAt[b]!;
    return a < b;
  };
  for (let uid = 0; uid < t.hotkeys.length; uid++) {
    if (t.hotkeys[uid] === subnet.ownerHotkey) continue;
    if (block - t.registeredAt[uid]! < subnet.params.immunityPeriod) {
      if (better(uid, bestImmune)) bestImmune = uid;
    } else {
      free++;
      if (better(uid, bestFree)) bestFree = uid;
    }
  }
  return free > subnet.params.minNonImmuneUids && bestFree !== null ? bestFree : bestImmune;
}

/** The neuron table with `uid` (appended when uid = n) reset for a new hotkey registered at `block` (`clear_neuron`). */
function seat(t: NeuronTable, uid: number, hotkey: string, block: number): NeuronTable {
  const n = Math.max(t.hotkeys.length, uid + 1);
  const put = <V>(xs: readonly V[], v: V): V[] => Array.from({ length: n }, (_, i) => (i === uid ? v : xs[i]!));
  const small = <A extends Uint8Array | Uint16Array>(xs: A, make: (n: number) => A): A => {
    const out = make(n);
    out.set(xs.subarray(0, Math.min(xs.length, n)));
    out[uid] = 0;
    return out;
  };
  const emission = new BigUint64Array(n);
  emission.set(t.emissionRao.subarray(0, Math.min(t.emissionRao.length, n)));
  emission[uid] = 0n;
  // Other validators' weights on the uid are zeroed, its own row and bonds removed.
  const weights = put(t.weights, EMPTY).map((row) =>
    row.cols.includes(uid) ? { cols: row.cols, vals: row.vals.map((v, k) => (row.cols[k] === uid ? 0 : v)) } : row,
  );
  return {
    hotkeys: put(t.hotkeys, hotkey),
    registeredAt: put(t.registeredAt, block),
    lastUpdate: put(t.lastUpdate, block),
    weights,
    bonds: put(t.bonds, EMPTY),
    validatorPermits: small(t.validatorPermits, (k) => new Uint8Array(k)),
    emissionRao: emission,
    incentive: small(t.incentive, (k) => new Uint16Array(k)),
    dividends: small(t.dividends, (k) => new Uint16Array(k)),
    consensus: small(t.consensus, (k) => new Uint16Array(k)),
  };
}

/**
 * `burned_register` (`do_register`): pay the subnet's registration price from the coldkey's balance; the TAO buys
 * alpha through the pool (fee to the block author) and the alpha bought is recycled; the hotkey takes the next free
 * uid, or the pruned one when the subnet is full; the price is bumped ×1.26 at once, so a second registration in
 * the same block pays the bumped price (any number per block, as on chain). Refuses (typed, nothing changed):
 * registration disabled, hotkey already registered or owned by another coldkey, not enough balance, nobody prunable.
 */
export function registerNeuron(
  state: ChainState,
  params: ChainParams,
  tx: { readonly coldkey: string; readonly hotkey: string; readonly netuid: number },
): ChainState {
  const subnet = subnetOf(state, tx.netuid);
  const p = subnet.params;
  if (!p.registrationAllowed)
    throw new TxError('SubNetRegistrationDisabled', `registration is off on subnet ${tx.netuid}`);
  // No per-block cap: `do_register` (subnets/registration.rs:38-132 at 14bc6f9f) never reads
  // `MaxRegistrationsPerBlock` (the spec's limit of 1, §5.1); it only counts `RegistrationsThisBlock`
  // (registration.rs:121). The ×1.26 price bump is the only brake within a block. We follow the code.
  if (subnet.neurons.hotkeys.includes(tx.hotkey))
    throw new TxError('HotKeyAlreadyRegisteredInSubNet', `${tx.hotkey} is registered already`);
  const owner = state.hotkeys.get(tx.hotkey)?.owner;
  if (owner !== undefined && owner !== tx.coldkey)
    throw new TxError('NonAssociatedColdKey', `${tx.hotkey} belongs to ${owner}`);
  const price = subnet.burnRao;
  const balance = state.balances.get(tx.coldkey) ?? 0n;
  if (balance < price)
    throw new TxError('NotEnoughBalance', `${tx.coldkey} holds ${balance} rao, registration costs ${price}`);
  const full = subnet.neurons.hotkeys.length >= p.maxAllowedUids;
  const uid = full ? neuronToPrune(subnet, state.block) : subnet.neurons.hotkeys.length;
  if (uid === null) throw new TxError('NoNeuronIdAvailable', `subnet ${tx.netuid} is full and nobody can be pruned`);
  let buy: ReturnType<typeof swapTaoForAlpha>;
  try {
    buy = swapTaoForAlpha(subnet.pool, price, { feeRateU16: params.feeRateU16 });
  } catch (e) {
    if (e instanceof PoolError) throw new TxError('SwapFailed', e.message);
    throw e;
  }
  const next: SubnetState = {
    ...subnet,
    // The alpha bought is recycled: AlphaOut goes back down by it.
    pool: { ...buy.pool, alphaOutRao: buy.pool.alphaOutRao - buy.alphaOutRao },
    burnRao: bumpBurn(price, p),
    registrationsThisBlock: subnet.registrationsThisBlock + 1,
    neurons: seat(subnet.neurons, uid, tx.hotkey, state.block),
  };
  const hotkeys =
    owner === undefined
      ? new Map([...state.hotkeys, [tx.hotkey, { owner: tx.coldkey, takeU16: 11_796 }]])
      : state.hotkeys;
  return {
    ...withSubnet(state, next, [
      [tx.coldkey, -price],
      [params.authorColdkey, buy.feeTaoRao],
    ]),
    hotkeys,
  };
}
