/** Rao as TAO with exactly 9 decimals, exact for any size (bigint): 1500000000n → "1.500000000". */
export function formatTao(rao: bigint): string {
  const sign = rao < 0n ? '-' : '';
  const abs = rao < 0n ? -rao : rao;
  return `${sign}${abs / 1_000_000_000n}.${(abs % 1_000_000_000n).toString().padStart(9, '0')}`;
}
