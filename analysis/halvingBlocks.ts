/** Blocks at which the block emission fell below the previous block's: the halvings of a run. */
export function halvingBlocks(emissions: readonly (readonly [number, bigint])[]): number[] {
  const out: number[] = [];
  for (let k = 1; k < emissions.length; k++) if (emissions[k]![1] < emissions[k - 1]![1]) out.push(emissions[k]![0]);
  return out;
}
