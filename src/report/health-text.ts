import type { HealthLine, Report } from '../analysis/types.js';
import { printable, wrapText } from './cells.js';
import type { Column } from './table.js';

/** How a health status reads in the text report (severity in a word, for a terminal without colour). */
const LABEL: Record<HealthLine['severity'], string> = { critical: 'CRITICAL', warning: 'WARNING', ok: 'OK' };

/** The stale-data notice the report opens with, or '' when the data is current. */
export function staleText(report: Report, width = 100): string {
  if (!report.stale) return '';
  const lines = [...wrapText(printable(report.stale.text), width - 2), ...wrapText('(kmswatch report --at latest shows the state as of the newest event.)', width - 2)];
  return `${lines.map((l, i) => (i === 0 ? `! ${l}` : `  ${l}`)).join('\n')}\n`;
}

/**
 * The Health section: one entry per host and application, worst first, with the sentence that
 * decides it and, when not OK, what to do.
 */
export function healthText(report: Report, width = 100): string {
  if (report.health.length === 0) return '  nothing stored\n';
  const out: string[] = [];
  const indent = '    ';
  const fill = Math.max(40, width - indent.length);
  for (const h of report.health) {
    const what = h.application ? `${h.host} ${h.application}` : `${h.host} (whole host)`;
    out.push(`  ${LABEL[h.severity].padEnd(8)} ${printable(what)}`);
    // the line's own text and remedy (the worst condition, with the count's numbers), then the others
    const rest = h.conditions.slice(1);
    for (const c of [{ text: h.text, remedy: h.remedy }, ...rest]) {
      out.push(...wrapText(printable(c.text), fill).map((l) => indent + l));
      if (c.remedy) out.push(...wrapText(`What to do: ${printable(c.remedy)}`, fill).map((l) => indent + l));
    }
  }
  return `${out.join('\n')}\n`;
}

/** `report --csv --section health`: one row per health line, worst first. */
export function healthCsvColumns(): Column<HealthLine>[] {
  return [
    { header: 'Host', value: (h) => h.host },
    { header: 'Application', value: (h) => h.application ?? '' },
    { header: 'Status', value: (h) => h.status },
    { header: 'Severity', value: (h) => h.severity },
    { header: 'Active', value: (h) => h.active },
    { header: 'Threshold', value: (h) => h.threshold },
    { header: 'Threshold for', value: (h) => h.thresholdFor },
    { header: 'Margin days', value: (h) => h.marginDays },
    { header: 'Text', value: (h) => h.text },
    { header: 'Remedy', value: (h) => h.remedy ?? '' },
  ];
}
