import {
  addI64F64,
  divU64F64,
  mulI64F64,
  mulU64F64,
  ONE_U64F64,
  subI64F64,
  subU64F64,
  u64f64FromX96F32,
} from './fixedPoint.ts';

/**
 * Each emitting subnet's share of the block emission, as U64F64 bits (1.0 = 2^64), index-aligned with the inputs
 * (pass subnets in netuid order, as the chain's BTreeMap iterates). Mirrors `coinbase/subnet_emissions.rs`.
 * - 'priceEmaUnburned' (HEAD `get_shares`): s_i = p_i/Σp, w_i = s_i·(1 − min(MinerBurned_i, 1)),
 *   share_i = w_i/Σw, falling back to s when Σw = 0.
 * - 'priceEma' ([legacy] 2025-02 → 2025-11, `get_shares_price_ema`): share_i = p_i/Σp.
 * - 'taoFlow' ([legacy] 2025-11 → 2026-06, `get_shares_flow` with `NetTaoFlowEnabled` off and p = 1):
 *   L = max(cutoff, min_i min(S_i, 0)), z_i = max(S_i − L, 0), share_i = z_i/Σz (all 0 when Σz = 0).
 *   Approximation: the chain rescales z and raises it to p through I32F32 ln/exp (`inplace_pow_normalize`), exact
 *   to ~1e-9 relative; here z_i/Σz is computed exactly. The protocol-flow deduction is not modelled.
 * p_i is `SubnetMovingPrice` (I96F32 bits; pass 1.0 = 2^32 for a stable-mechanism subnet, negatives count as 0).
 */
export type ShareRule =
  | {
      readonly kind: 'priceEmaUnburned';
      readonly movingPriceI96F32: readonly bigint[];
      /** `MinerBurned[netuid]`, U96F32 bits (fraction of last epoch's miner incentive withheld). */
      readonly minerBurnedU96F32: readonly bigint[];
    }
  | { readonly kind: 'priceEma'; readonly movingPriceI96F32: readonly bigint[] }
  | { readonly kind: 'taoFlow'; readonly emaFlowI64F64: readonly bigint[]; readonly cutoffI64F64?: bigint };

const sum = (xs: readonly bigint[]): bigint => xs.reduce((a, x) => a + x, 0n);

/** x_i / Σx in U64F64 (`checked_div` / `safe_div`: all 0 when Σx = 0). */
function normalise(xs: readonly bigint[]): bigint[] {
  const total = sum(xs);
  return xs.map((x) => divU64F64(x, total));
}

function priceShares(movingPriceI96F32: readonly bigint[]): bigint[] {
  return normalise(movingPriceI96F32.map(u64f64FromX96F32));
}

export function subnetShares(rule: ShareRule): bigint[] {
  switch (rule.kind) {
    case 'priceEma':
      return priceShares(rule.movingPriceI96F32);
    case 'priceEmaUnburned': {
      if (rule.minerBurnedU96F32.length !== rule.movingPriceI96F32.length) {
        throw new RangeError('subnetShares: minerBurnedU96F32 and movingPriceI96F32 differ in length');
      }
      const s = priceShares(rule.movingPriceI96F32);
      // With nothing burned (the usual case) w = s·(1 − 0) = s bit for bit: (s·2^64) >> 64 = s.
      if (rule.minerBurnedU96F32.every((b) => b <= 0n)) return sum(s) > 0n ? normalise(s) : s;
      const w = s.map((share, i) => {
        const burned = u64f64FromX96F32(rule.minerBurnedU96F32[i]!);
        return mulU64F64(share, subU64F64(ONE_U64F64, burned < ONE_U64F64 ? burned : ONE_U64F64));
      });
      return sum(w) > 0n ? normalise(w) : s;
    }
    case 'taoFlow': {
      const flows = rule.emaFlowI64F64;
      const minFlow = flows.reduce((m, f) => (f < m ? f : m), 0n);
      const cutoff = rule.cutoffI64F64 ?? 0n;
      const lower = cutoff > minFlow ? cutoff : minFlow;
      return normalise(flows.map((f) => (f > lower ? f - lower : 0n)));
    }
  }
}

/** `FlowEmaSmoothingFactor` default: 29_597_889_189_277 / i64::MAX ≈ 3.209e-6 per block (~30-day half-life). */
export const DEFAULT_FLOW_EMA_SMOOTHING = 29_597_889_189_277n;
const I64_MAX = (1n << 63n) - 1n;

/**
 * [legacy] One block of `subnet_emissions.rs::get_ema_flow` in I64F64: EMA' = (1 − α)·EMA + α·flow, where flow is
 * the block's net user TAO staked into the subnet (in − out, rao, i64) and α = smoothing / i64::MAX.
 */
export function updateTaoFlowEma(
  emaFlowI64F64: bigint,
  blockFlowRao: bigint,
  smoothing: bigint = DEFAULT_FLOW_EMA_SMOOTHING,
): bigint {
  const alpha = (smoothing << 64n) / I64_MAX;
  return addI64F64(mulI64F64(subI64F64(ONE_U64F64, alpha), emaFlowI64F64), mulI64F64(alpha, blockFlowRao << 64n));
}

export interface SubnetTaoEmission {
  /** Per subnet `U96F32` emission, as `get_subnet_block_emissions` hands it to `get_subnet_terms`. */
  readonly emissionU96F32: bigint[];
  /** Per subnet whole rao: floor of the above. */
  readonly emissionRao: bigint[];
  /** E − Σ emissionRao ≥ 0. */
  readonly remainderRao: bigint;
}

/**
 * `subnet_emissions.rs::get_subnet_block_emissions`: emission_i = U64F64(E)·share_i, stored as U96F32 (floored to 32
 * fractional bits). Subnets with `emissionEnabled[i] = false` get 0 and the others' shares are renormalised (only
 * when at least one subnet is disabled, as on chain). Shares from `subnetShares` sum to at most 1, so Σ emissionRao ≤
 * E. The remainder is not lost on chain: the coinbase credit left after injections and chain buys (which floor
 * tao_in and excess_tao to rao separately) is `recycle_credit`ed, i.e. taken back out of TotalIssuance.
 */
export function taoEmissionPerSubnet(
  blockEmissionRao: bigint,
  sharesU64F64: readonly bigint[],
  emissionEnabled?: readonly boolean[],
): SubnetTaoEmission {
  if (emissionEnabled !== undefined && emissionEnabled.length !== sharesU64F64.length) {
    throw new RangeError('taoEmissionPerSubnet: emissionEnabled and shares differ in length');
  }
  let shares: readonly bigint[] = sharesU64F64;
  if (emissionEnabled?.includes(false)) {
    const enabledSum = sharesU64F64.reduce((a, s, i) => (emissionEnabled[i] ? a + s : a), 0n);
    shares = sharesU64F64.map((s, i) => (emissionEnabled[i] && enabledSum > 0n ? divU64F64(s, enabledSum) : 0n));
  }
  // U64F64(E) · share has bits E·share exactly; U96F32 keeps the top 32 fractional bits.
  const emissionU96F32 = shares.map((s) => (blockEmissionRao * s) >> 32n);
  const emissionRao = emissionU96F32.map((e) => e >> 32n);
  return { emissionU96F32, emissionRao, remainderRao: blockEmissionRao - sum(emissionRao) };
}
