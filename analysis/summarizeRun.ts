import type { RunData } from './report/buildReport.ts';
import { textTable } from './textTable.ts';

/** Each subnet's last sampled row. */
export function finalSubnetRows(data: RunData): Record<string, string>[] {
  const last = new Map<string, Record<string, string>>();
  for (const r of data.subnets) last.set(r.netuid!, r);
  return [...last.values()];
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
