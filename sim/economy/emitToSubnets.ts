import { blockEmissionForIssuance } from './blockEmission.ts';
import { coinbaseFastPath, FAST_ALPHA_EMISSION_RAO, type FastSplit, fastTerms } from './coinbaseFast.ts';
import { divU96F32, mulU96F32, ONE_U64F64, ONE_U96F32 } from './fixedPoint.ts';
import { injectLiquidity } from './injectLiquidity.ts';
import { PoolError, spotPriceU96F32, swapTaoForAlpha } from './pool.ts';
import { priceEmissionHalves } from './sharesFast.ts';
import { type ChainParams, type ChainState, copyChain, type SubnetState } from './state.ts';
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

/** `get_tao_weight`: TaoWeight / u64::MAX as U96F32 bits. */
export const taoWeightU96F32 = (taoWeightU64: bigint): bigint =>
  divU96F32(taoWeightU64 << 32n, ((1n << 64n) - 1n) << 32n);

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

/** Each emitting subnet's U96F32 TAO emission this block (bits, a double of them, whole rao), by index. */
interface TaoEmission {
  u96f32(k: number): bigint;
  approx(k: number): number;
  rao(k: number): bigint;
}

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
  const enabled = emitting.every((s) => s.params.emissionEnabled);
  const unburned = rule.kind === 'priceEmaUnburned' && rule.minerBurnedU96F32.every((b) => b <= 0n);
  const halves =
    enabled && (rule.kind === 'priceEma' || unburned)
      ? priceEmissionHalves(rule.movingPriceI96F32, blockEmissionRao, rule.kind === 'priceEmaUnburned')
      : null;
  if (halves) {
    const { hi, lo } = halves;
    return {
      u96f32: (k) => (BigInt(hi[k]!) << 32n) + BigInt(lo[k]!),
      approx: (k) => hi[k]! * 4294967296 + lo[k]!, // one rounding of the exact sum: Number() of the bits
      rao: (k) => BigInt(hi[k]!),
    };
  }
  const tao = taoEmissionPerSubnet(
    blockEmissionRao,
    subnetShares(rule),
    emitting.map((s) => s.params.emissionEnabled),
  );
  return {
    u96f32: (k) => tao.emissionU96F32[k]!,
    approx: (k) => Number(tao.emissionU96F32[k]!),
    rao: (k) => tao.emissionRao[k]!,
  };
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
  work.list.forEach((s, i) => {
    if (emitsThisBlock(s)) {
      index.push(i);
      emitting.push(s);
    }
  });
  const tao = blockTaoEmission(params, emitting, blockEmissionRao);
  // `get_network_root_sell_flag`: root stakers keep their alpha only when Σ moving prices > 1.
  const priceSum = emitting.reduce((acc, s) => acc + s.movingPriceI96F32, 0n) << 32n;
  const rootSell = priceSum > ONE_U64F64;
  const cutU96F32 = divU96F32(BigInt(params.ownerCutU16) << 32n, 65535n << 32n);
  const weightedRoot = weightedRootU96F32(state, params);
  const half = ONE_U96F32 / 2n;
  // The owner cut and the miners' half depend only on the alpha emission (the same for every subnet before its
  // first alpha halving) and on whether the cut applies: computed once per such pair and block.
  const splits = new Map<
    bigint,
    { alphaOut: bigint; ownerCutRao: bigint; server: bigint; serverRao: bigint; fast: FastSplit }
  >();
  const split = (alphaEmission: bigint, cutEnabled: boolean) => {
    const key = cutEnabled ? alphaEmission : -1n - alphaEmission;
    let got = splits.get(key);
    if (got === undefined) {
      const ownerCut = cutEnabled ? mulU96F32(alphaEmission, cutU96F32) : 0n;
      const alphaOut = alphaEmission - ownerCut;
      const server = mulU96F32(alphaOut, half);
      const fast = { alphaOut: Number(alphaOut), rest: Number(alphaOut - server) };
      got = { alphaOut, ownerCutRao: ownerCut >> 32n, server, serverRao: server >> 32n, fast };
      splits.set(key, got);
    }
    return got;
  };
  // The doubles path (coinbaseFast.ts) where it applies and its filters pass; the bigint path otherwise.
  const tryFast = coinbaseFastPath();
  const weightedRootApprox = Number(weightedRoot);

  let spentRao = 0n;
  const injections: SubnetInjection[] = [];
  for (let k = 0; k < emitting.length; k++) {
    const subnet = emitting[k]!;
    const alphaIssuance = subnet.pool.alphaInRao + subnet.pool.alphaOutRao;
    // get_subnet_terms
    const taoEmissionRao = tao.rao(k);
    const alphaCreatedRao = blockEmissionForIssuance(alphaIssuance);
    // (Every bigint operation allocates: the usual 1-alpha emission reuses its constant bits.)
    const alphaEmission =
      alphaCreatedRao === FAST_ALPHA_EMISSION_RAO_BIG ? FAST_ALPHA_EMISSION_BITS : alphaCreatedRao << 32n;
    const { alphaOut, ownerCutRao, server, serverRao, fast } = split(alphaEmission, subnet.params.ownerCutEnabled);
    const terms =
      tryFast && alphaEmission === FAST_ALPHA_EMISSION_BITS
        ? fastTerms(subnet.pool, tao.approx(k), weightedRootApprox, fast)
        : null;

    let pool = subnet.pool;
    let protocolAlpha = subnet.protocolAlphaRao;
    let boughtAlphaRao = 0n;
    let excessRao = 0n;
    let taoInRao: bigint;
    let alphaInRao: bigint;
    let validatorRao: bigint;
    let rootRao: bigint;
    if (terms) {
      // No cap, so no chain buy: all the TAO emission is injected.
      taoInRao = taoEmissionRao;
      alphaInRao = BigInt(terms.alphaInRao);
      validatorRao = BigInt(terms.validatorRao);
      rootRao = BigInt(terms.rootRao);
    } else {
      const taoEmission = tao.u96f32(k);
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
      excessRao = excess >> 32n;
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
      taoInRao = taoIn >> 32n;
      alphaInRao = alphaIn >> 32n;

      // emit_to_subnets: the chain reads root_proportion again here, after the injection and the mint, so it sees
      // the larger alpha issuance.
      const rootPropSplit = rootProportionOf(
        weightedRoot,
        pool.alphaInRao + alphaInRao + pool.alphaOutRao + alphaCreatedRao,
      );
      const rootAlpha = mulU96F32(mulU96F32(rootPropSplit, alphaOut), half);
      validatorRao = (alphaOut - server - rootAlpha) >> 32n;
      rootRao = rootAlpha >> 32n;
    }
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
  return { injections, recycledRao: blockEmissionRao - spentRao };
}
