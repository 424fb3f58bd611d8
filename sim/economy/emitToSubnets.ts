import { blockEmissionForIssuance } from './blockEmission.ts';
import {
  coinbaseFastPath,
  FAST_ALPHA_EMISSION_RAO,
  type FastSplit,
  type FastTerms,
  fastTerms,
} from './coinbaseFast.ts';
import { divU96F32, mulU96F32, ONE_U64F64, ONE_U96F32 } from './fixedPoint.ts';
import { injectLiquidity } from './injectLiquidity.ts';
import { PoolError, spotPriceU96F32, swapTaoForAlpha } from './pool.ts';
import { priceEmissionHalves } from './sharesFast.ts';
import { type ChainParams, type ChainState, copyChain, type Mutable, type SubnetState } from './state.ts';
import { type ShareRule, subnetShares, taoEmissionPerSubnet } from './subnetShares.ts';
import type { SubnetWork } from './subnetWork.ts';

/** What one block's coinbase did to one subnet (rao), for metrics and tests. */
export interface SubnetInjection {
  readonly netuid: number;
  readonly taoEmissionRao: bigint;
  readonly taoInRao: bigint;
  readonly alphaInRao: bigint;
  readonly excessTaoRao: bigint;
  readonly boughtAlphaRao: bigint;
  readonly alphaOutRao: bigint;
}

/** Below 2^50 rao: sums and differences of up to four such amounts are exact in doubles. */
const SAFE_RAO = 1n << 50n;
const FAST_ALPHA_EMISSION_RAO_BIG = BigInt(FAST_ALPHA_EMISSION_RAO);
/** The alpha emission (U96F32 bits) the doubles path is written for: 1 alpha a block. */
const FAST_ALPHA_EMISSION_BITS = FAST_ALPHA_EMISSION_RAO_BIG << 32n;

/** `get_subnets_to_emit_to`: started (start_call), registration allowed, not root. */
export const emitsThisBlock = (s: SubnetState): boolean =>
  s.firstEmissionBlock !== null && s.params.registrationAllowed;

let lastTaoWeight = { u64: -1n, u96f32: 0n };

/** `get_tao_weight`: TaoWeight / u64::MAX as U96F32 bits (the last one remembered: it changes only by an event). */
export function taoWeightU96F32(taoWeightU64: bigint): bigint {
  if (lastTaoWeight.u64 !== taoWeightU64)
    lastTaoWeight = { u64: taoWeightU64, u96f32: divU96F32(taoWeightU64 << 32n, ((1n << 64n) - 1n) << 32n) };
  return lastTaoWeight.u96f32;
}

/** `root_proportion`: tao_weight·SubnetTAO[root] / (tao_weight·SubnetTAO[root] + alpha issuance), U96F32 bits. */
export function rootProportionU96F32(state: ChainState, params: ChainParams, subnet: SubnetState): bigint {
  return rootProportionOf(weightedRootU96F32(state, params), subnet.pool.alphaInRao + subnet.pool.alphaOutRao);
}

/** tao_weight · SubnetTAO[root] in U96F32: the same for every subnet in a block. */
const weightedRootU96F32 = (state: ChainState, params: ChainParams): bigint =>
  mulU96F32(state.rootTaoRao << 32n, taoWeightU96F32(params.taoWeightU64));

const rootProportionOf = (weightedRoot: bigint, alphaIssuanceRao: bigint): bigint =>
  divU96F32(weightedRoot, weightedRoot + (alphaIssuanceRao << 32n));

function shareRule(params: ChainParams, subnets: readonly SubnetState[]): ShareRule {
  const movingPriceI96F32 = subnets.map((s) => s.movingPriceI96F32);
  if (params.shareRule === 'priceEma') return { kind: 'priceEma', movingPriceI96F32 };
  if (params.shareRule === 'taoFlow') throw new Error('shareRule taoFlow needs flow tracking (not yet modelled)');
  return { kind: 'priceEmaUnburned', movingPriceI96F32, minerBurnedU96F32: subnets.map((s) => s.minerBurnedU96F32) };
}

/**
 * Each emitting subnet's U96F32 TAO emission this block, by index: as two exact 32-bit halves (`hi`: its rao, `lo`:
 * its fractional bits) from the doubles path, else as bigints (bits and rao). Arrays, not closures: tsx names every
 * closure bound to a name when it is made (a property definition each), and this is made every block.
 */
interface TaoEmission {
  readonly hi: Float64Array | null;
  readonly lo: Float64Array | null;
  readonly bits: readonly bigint[] | null;
  readonly rao: readonly bigint[] | null;
}

/** Subnet k's TAO emission (U96F32 bits). */
const emissionBits = (tao: TaoEmission, k: number): bigint =>
  tao.bits ? tao.bits[k]! : (BigInt(tao.hi![k]!) << 32n) + BigInt(tao.lo![k]!);

/** Subnet k's TAO emission (whole rao). */
const emissionRao = (tao: TaoEmission, k: number): bigint => (tao.rao ? tao.rao[k]! : BigInt(tao.hi![k]!));

/**
 * `subnetShares` + `taoEmissionPerSubnet` for the block: on doubles (sharesFast.ts) for the moving-price rules with
 * nothing burned and every subnet enabled — exact, or refused —, in bigint otherwise.
 */
function blockTaoEmission(
  params: ChainParams,
  emitting: readonly SubnetState[],
  blockEmissionRao: bigint,
): TaoEmission {
  const rule = shareRule(params, emitting);
  // Indexed loops, not `every` with a closure (this runs every block).
  let doubles = rule.kind !== 'taoFlow';
  for (let k = 0; k < emitting.length; k++) if (!emitting[k]!.params.emissionEnabled) doubles = false;
  if (rule.kind === 'priceEmaUnburned')
    for (let k = 0; k < rule.minerBurnedU96F32.length; k++) if (rule.minerBurnedU96F32[k]! > 0n) doubles = false;
  const halves =
    doubles && rule.kind !== 'taoFlow'
      ? priceEmissionHalves(rule.movingPriceI96F32, blockEmissionRao, rule.kind === 'priceEmaUnburned')
      : null;
  if (halves) return { hi: halves.hi, lo: halves.lo, bits: null, rao: null };
  const tao = taoEmissionPerSubnet(
    blockEmissionRao,
    subnetShares(rule),
    emitting.map((s) => s.params.emissionEnabled),
  );
  return { hi: null, lo: null, bits: tao.emissionU96F32, rao: tao.emissionRao };
}

/** Issuance and the recycled total after `recycledRao` of the block's credit went unspent. */
export function withRecycled(state: ChainState, recycledRao: bigint): ChainState {
  if (recycledRao === 0n) return state;
  // A field-by-field copy (copyChain), not a spread: chain states then share one shape (one hidden class in V8).
  const next = copyChain(state);
  next.issuanceRao = state.issuanceRao - recycledRao;
  next.recycledRao = state.recycledRao + recycledRao;
  return next;
}

/** The owner cut and the miners' half of an alpha emission: rao and U96F32 bits, and the doubles path's constants. */
interface Split {
  readonly alphaOut: bigint;
  readonly ownerCutRao: bigint;
  readonly server: bigint;
  readonly serverRao: bigint;
  readonly fast: FastSplit;
  /** `ownerCutRao` + `serverRao` as a double (exact: both below 2^50 when the doubles path takes them). */
  readonly cutAndServerRao: number;
}

const HALF_U96F32 = ONE_U96F32 / 2n;
const LOW32 = 0xffffffffn;
/** The last splits made, with and without the owner cut: every subnet has the same alpha emission for years. */
let lastSplit: { alphaEmission: bigint; cutU16: number; on: Split | null; off: Split | null } = {
  alphaEmission: -1n,
  cutU16: -1,
  on: null,
  off: null,
};

/** The split of `alphaEmission` (U96F32 bits) with the owner cut (`OwnerCut`, u16 proportion) applied or not. */
function splitOf(alphaEmission: bigint, cutEnabled: boolean, cutU16: number): Split {
  if (lastSplit.alphaEmission !== alphaEmission || lastSplit.cutU16 !== cutU16)
    lastSplit = { alphaEmission, cutU16, on: null, off: null };
  const known = cutEnabled ? lastSplit.on : lastSplit.off;
  if (known) return known;
  const ownerCut = cutEnabled ? mulU96F32(alphaEmission, divU96F32(BigInt(cutU16) << 32n, 65535n << 32n)) : 0n;
  const alphaOut = alphaEmission - ownerCut;
  const server = mulU96F32(alphaOut, HALF_U96F32);
  const rest = alphaOut - server;
  const fast = { alphaOut: Number(alphaOut), rest: Number(rest), restRao: Number(rest >> 32n) };
  const ownerCutRao = ownerCut >> 32n;
  const serverRao = server >> 32n;
  const cutAndServerRao = Number(ownerCutRao) + Number(serverRao);
  const split = { alphaOut, ownerCutRao, server, serverRao, fast, cutAndServerRao };
  if (cutEnabled) lastSplit.on = split;
  else lastSplit.off = split;
  return split;
}

/**
 * The first half of `run_coinbase` (coinbase/run_coinbase.rs): split the block emission over the emitting subnets by
 * their shares, inject TAO and alpha into each pool at its price (alpha capped at root_prop × the subnet's alpha
 * emission, the excess TAO buying alpha for the protocol, fee-free), mint the subnet's alpha emission and add its
 * owner / miner / validator / root parts to the pending buckets. Unspent credit is recycled: the caller applies
 * `recycledRao` to issuance (`withRecycled`). Writes the block's working copy (`work` holds `state.subnets`; `state`
 * gives root TAO) and returns what it did.
 */
export function emitInto(
  work: SubnetWork,
  state: ChainState,
  params: ChainParams,
  blockEmissionRao: bigint,
): { injections: SubnetInjection[]; recycledRao: bigint } {
  const index: number[] = [];
  const emitting: SubnetState[] = [];
  let priceSum = 0n;
  for (let i = 0; i < work.list.length; i++) {
    const s = work.list[i]!;
    if (!emitsThisBlock(s)) continue;
    index.push(i);
    emitting.push(s);
    priceSum += s.movingPriceI96F32;
  }
  const tao = blockTaoEmission(params, emitting, blockEmissionRao);
  // `get_network_root_sell_flag`: root stakers keep their alpha only when Σ moving prices > 1.
  const rootSell = priceSum << 32n > ONE_U64F64;
  const weightedRoot = weightedRootU96F32(state, params);
  // The doubles path (coinbaseFast.ts) where it applies and its filters pass; the bigint path otherwise.
  const tryFast = coinbaseFastPath();
  const weightedRootApprox = Number(weightedRoot);

  let spentRao = 0n;
  let spentFastRao = 0; // the doubles path's part (a few TAO a block: exact)
  const injections: SubnetInjection[] = [];
  for (let k = 0; k < emitting.length; k++) {
    const subnet = emitting[k]!;
    const taoEmissionRao = emissionRao(tao, k);
    if (tryFast) {
      // The doubles path takes only pools whose alpha issuance is below 2^53 rao, under the first alpha halving's
      // threshold: their alpha emission is the usual 1 alpha a block.
      const split = splitOf(FAST_ALPHA_EMISSION_BITS, subnet.params.ownerCutEnabled, params.ownerCutU16);
      const terms = tao.hi
        ? fastTerms(subnet.pool, tao.hi[k]!, tao.lo![k]!, weightedRootApprox, split.fast)
        : fastTerms(subnet.pool, Number(taoEmissionRao), Number(tao.bits![k]! & LOW32), weightedRootApprox, split.fast);
      if (terms) {
        spentFastRao += terms.excessRao + terms.taoInRao;
        injections.push(applyTerms(work.edit(index[k]!), subnet, terms, split, rootSell, taoEmissionRao));
        continue;
      }
    }
    const alphaIssuance = subnet.pool.alphaInRao + subnet.pool.alphaOutRao;
    // get_subnet_terms
    const alphaCreatedRao = blockEmissionForIssuance(alphaIssuance);
    // (Every bigint operation allocates: the usual 1-alpha emission reuses its constant bits.)
    const alphaEmission =
      alphaCreatedRao === FAST_ALPHA_EMISSION_RAO_BIG ? FAST_ALPHA_EMISSION_BITS : alphaCreatedRao << 32n;
    const { alphaOut, ownerCutRao, server, serverRao } = splitOf(
      alphaEmission,
      subnet.params.ownerCutEnabled,
      params.ownerCutU16,
    );

    let pool = subnet.pool;
    let protocolAlpha = subnet.protocolAlphaRao;
    let boughtAlphaRao = 0n;
    const taoEmission = emissionBits(tao, k);
    const price = spotPriceU96F32(subnet.pool);
    const rootProp = rootProportionOf(weightedRoot, alphaIssuance);
    let taoIn = taoEmission;
    let alphaIn = divU96F32(taoEmission, price);
    const cap = mulU96F32(rootProp, alphaEmission);
    if (alphaIn > cap) {
      alphaIn = cap;
      taoIn = mulU96F32(alphaIn, price);
    }
    const excess = taoEmission > taoIn ? taoEmission - taoIn : 0n;

    // inject_and_maybe_swap: the chain buy first, at the pre-injection reserves, then the injection.
    const excessRao = excess >> 32n;
    if (excessRao > 0n) {
      try {
        const buy = swapTaoForAlpha(pool, excessRao, { dropFees: true, feeRateU16: params.feeRateU16 });
        pool = buy.pool;
        boughtAlphaRao = buy.alphaOutRao;
        protocolAlpha += boughtAlphaRao;
        spentRao += buy.taoToReserveRao;
      } catch (e) {
        // A refused buy: here the credit is recycled. On chain `spend_tao` has already moved the excess into the
        // subnet's account (run_coinbase.rs:98-102), where it stays outside the pool, issuance unchanged, until
        // dissolution recycles it (remove_stake.rs:656-661). Not modelled: it needs a per-subnet "account TAO"
        // on SubnetState (state.ts), counted by auditBooks, added to here and recycled by dissolveSubnet. The
        // refusal needs an almost empty pool: a fee-free buy fails only on an alpha reserve under 1 000 000 rao
        // (ReservesTooLow), an excess above 1000 × the TAO reserve (SwapInputTooLarge) or one that buys nothing,
        // while an excess exists only at a low price (alpha_in capped).
        if (!(e instanceof PoolError)) throw e;
      }
    }
    const taoInRao = taoIn >> 32n;
    const alphaInRao = alphaIn >> 32n;

    // emit_to_subnets: the chain reads root_proportion again here, after the injection and the mint, so it sees
    // the larger alpha issuance.
    const rootPropSplit = rootProportionOf(
      weightedRoot,
      pool.alphaInRao + alphaInRao + pool.alphaOutRao + alphaCreatedRao,
    );
    const rootAlpha = mulU96F32(mulU96F32(rootPropSplit, alphaOut), HALF_U96F32);
    const validatorRao = (alphaOut - server - rootAlpha) >> 32n;
    const rootRao = rootAlpha >> 32n;
    spentRao += taoInRao;

    // emit_to_subnets: mint alpha_out into AlphaOut and split it into the pending buckets.
    const mintedAlphaOutRao = pool.alphaOutRao + alphaCreatedRao;
    const before = subnet.pending;
    // The minted alpha the buckets did not get (a rao or so of flooring, usually none) is dust. Below 2^50 rao the
    // difference is exact in doubles: no bigint at all when nothing is left over.
    let dust = subnet.dustAlphaRao;
    if (
      alphaCreatedRao < SAFE_RAO &&
      ownerCutRao < SAFE_RAO &&
      serverRao < SAFE_RAO &&
      validatorRao < SAFE_RAO &&
      rootRao < SAFE_RAO
    ) {
      const left =
        Number(alphaCreatedRao) - (Number(ownerCutRao) + Number(serverRao) + Number(validatorRao) + Number(rootRao));
      if (left !== 0) dust += BigInt(left);
    } else dust += alphaCreatedRao - (ownerCutRao + serverRao + validatorRao + rootRao);
    // Without the root sell flag the root slice is recycled: AlphaOut goes down by it.
    const out = work.edit(index[k]!);
    out.pool = injectLiquidity(pool, taoInRao, alphaInRao, rootSell ? mintedAlphaOutRao : mintedAlphaOutRao - rootRao);
    out.protocolAlphaRao = protocolAlpha;
    out.pending = {
      ownerCutRao: before.ownerCutRao + ownerCutRao,
      serverRao: before.serverRao + serverRao,
      validatorRao: before.validatorRao + validatorRao,
      rootAlphaRao: rootSell ? before.rootAlphaRao + rootRao : before.rootAlphaRao,
    };
    out.dustAlphaRao = dust;
    injections.push({
      netuid: subnet.netuid,
      taoEmissionRao,
      taoInRao,
      alphaInRao,
      excessTaoRao: excessRao,
      boughtAlphaRao,
      alphaOutRao: alphaCreatedRao,
    });
  }
  return { injections, recycledRao: blockEmissionRao - spentRao - BigInt(spentFastRao) };
}

/**
 * What the bigint path of `emitInto` writes for a subnet, from the doubles path's terms (coinbaseFast.ts): the chain
 * buy and the injection in one new pool, the mint into AlphaOut (less the root slice without the root sell flag), the
 * pending buckets, the dust; returns the injection's record. Every amount is an integer below 2^53: one bigint each.
 */
function applyTerms(
  out: Mutable<SubnetState>,
  subnet: SubnetState,
  terms: FastTerms,
  split: Split,
  rootSell: boolean,
  taoEmissionRao: bigint,
): SubnetInjection {
  const { taoInRao, alphaInRao, excessRao, boughtAlphaRao, validatorRao, rootRao } = terms;
  const pool = subnet.pool;
  out.pool = {
    taoRao: pool.taoRao + BigInt(excessRao + taoInRao),
    alphaInRao: pool.alphaInRao + BigInt(alphaInRao - boughtAlphaRao),
    alphaOutRao: pool.alphaOutRao + BigInt(boughtAlphaRao + FAST_ALPHA_EMISSION_RAO - (rootSell ? 0 : rootRao)),
  };
  const bought = boughtAlphaRao > 0 ? BigInt(boughtAlphaRao) : 0n;
  if (boughtAlphaRao > 0) out.protocolAlphaRao = subnet.protocolAlphaRao + bought;
  const before = subnet.pending;
  const validator = BigInt(validatorRao);
  const root = BigInt(rootRao);
  out.pending = {
    ownerCutRao: before.ownerCutRao + split.ownerCutRao,
    serverRao: before.serverRao + split.serverRao,
    validatorRao: before.validatorRao + validator,
    rootAlphaRao: rootSell ? before.rootAlphaRao + root : before.rootAlphaRao,
  };
  // The minted alpha the buckets did not get (a rao or so of flooring, usually none) is dust.
  const left = FAST_ALPHA_EMISSION_RAO - (split.cutAndServerRao + validatorRao + rootRao);
  if (left !== 0) out.dustAlphaRao = subnet.dustAlphaRao + BigInt(left);
  return {
    netuid: subnet.netuid,
    taoEmissionRao,
    taoInRao: taoInRao === Number(taoEmissionRao) ? taoEmissionRao : BigInt(taoInRao),
    alphaInRao: BigInt(alphaInRao),
    excessTaoRao: excessRao > 0 ? BigInt(excessRao) : 0n,
    boughtAlphaRao: bought,
    alphaOutRao: FAST_ALPHA_EMISSION_RAO_BIG,
  };
}
