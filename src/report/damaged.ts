/**
 * The report's "From damaged chunks" part (docs/definitions.md "damaged chunk"): the table of what
 * was stored from EVTX chunks whose CRC fails, and the lines that flag the hosts, clones and
 * failures resting on them only.
 */
import type { DamagedChunkReport, Report } from '../analysis/types.js';
import { printable } from './cells.js';
import type { Column } from './table.js';

export function damagedColumns(): Column<DamagedChunkReport>[] {
  return [
    { header: 'File', value: (d) => d.file, shrink: true, minWidth: 12 },
    { header: 'Chunk', value: (d) => d.chunk },
    { header: 'Check', value: (d) => d.check },
    { header: 'Host', value: (d) => d.host },
    { header: 'Channel', value: (d) => d.channel, shrink: true, minWidth: 12 },
    { header: 'Records', value: (d) => (d.firstRecordId === d.lastRecordId ? String(d.firstRecordId) : `${d.firstRecordId}–${d.lastRecordId}`) },
    { header: 'Requests', value: (d) => d.requests },
    { header: 'Other events', value: (d) => d.events },
  ];
}

/** CSV: the JSON field names. */
export function damagedCsvColumns(): Column<DamagedChunkReport>[] {
  return [
    { header: 'file', value: (d) => d.file },
    { header: 'chunk', value: (d) => d.chunk },
    { header: 'check', value: (d) => d.check },
    { header: 'host', value: (d) => d.host },
    { header: 'channel', value: (d) => d.channel },
    { header: 'firstRecordId', value: (d) => d.firstRecordId },
    { header: 'lastRecordId', value: (d) => d.lastRecordId },
    { header: 'requests', value: (d) => d.requests },
    { header: 'events', value: (d) => d.events },
  ];
}

/** The column appended to the hosts, clones and failures CSV. */
export function damagedOnlyColumn<T extends { damagedOnly: boolean }>(): Column<T> {
  return { header: 'damagedOnly', value: (r) => r.damagedOnly };
}

const WARNING = 'only from damaged chunks (CRC failed)';

/** One line under a table naming its rows that rest on damaged chunks only; '' when none does. */
export function damagedOnlyLine(what: string, names: readonly string[]): string {
  return names.length ? `  ! ${what} ${WARNING}: ${names.map(printable).join(', ')}\n` : '';
}

export const damagedHostsLine = (r: Report) => damagedOnlyLine('Hosts seen', r.hosts.filter((h) => h.damagedOnly).map((h) => h.host));

export const damagedClonesLine = (r: Report) =>
  damagedOnlyLine('Clones seen', r.clones.filter((c) => c.damagedOnly).map((c) => `${c.cmid} (${c.machines.join(' / ')})`));

export const damagedFailuresLine = (r: Report) =>
  damagedOnlyLine('Failures seen', r.failures.filter((f) => f.damagedOnly).map((f) => `${f.machine} ${f.result} on ${f.host}`));

/** The sentence for summaries and the section title's count. */
export function damagedSummary(r: Report): string {
  const d = r.damaged;
  if (d.requests + d.events === 0) return '';
  return `${d.requests} request${d.requests === 1 ? '' : 's'} and ${d.events} other event${d.events === 1 ? '' : 's'} come from EVTX chunks whose CRC fails: kept, but their values may have changed.`;
}
