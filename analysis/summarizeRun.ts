import type { RunData } from './report/buildReport.ts';
import { textTable } from './textTable.ts';

/** The subnets at the run's last sample (a subnet dissolved before it is not listed), one row each. */
export function finalSubnetRows(data: RunData): Record<string, string>[] {
  const lastBlock = data.subnets.at(-1)?.block;
  return data.subnets.filter((r) => r.block === lastBlock);
}

/** `taosim summarize`: the headline figures and each subnet at the end of the run, as text tables. */
export function summarizeRun(data: RunData): string {
  const s = data.summary;
  const head = textTable(
    ['figure', 'value'],
    Object.entries(s).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') || '—' : String(v)]),
  );
  const subnets = textTable(
    ['netuid', 'name', 'price', 'emission_share', 'miners', 'validators', 'gini_stake', 'adversarial_share'],
    finalSubnetRows(data).map((r) => [
      r.netuid!,
      r.name!,
      r.price!,
      r.emission_share!,
      r.miners!,
      r.validators!,
      r.gini_stake!,
      r.adversarial_share!,
    ]),
  );
  return `${head}\n\nSubnets at block ${data.network.at(-1)?.block ?? '?'}:\n${subnets}\n`;
}
