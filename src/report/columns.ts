import type {
  AnomalyReport,
  ClientReport,
  CloneReport,
  CountReport,
  FailureReport,
  HostReport,
  LogClearReport,
  ProductReport,
} from '../analysis/types.js';
import type { Column } from './table.js';

/**
 * The report's columns, as data. `time` turns an ISO UTC string into what the output shows:
 * local time in the report's zone for tables, the ISO string itself for CSV.
 */
export type TimeFormat = (iso: string | null) => string;

export const isoTime: TimeFormat = (iso) => iso ?? '';

/**
 * Text tables cut cells at the column's maxWidth (table.ts, 64 by default): enough for a host or
 * machine name; sentences (meanings, anomaly data) may run to this. CSV keeps whole values.
 */
const LONG_TEXT = 200;

export function hostColumns(time: TimeFormat): Column<HostReport>[] {
  return [
    { header: 'Host', value: (h) => h.host },
    { header: 'Requests', value: (h) => h.requests },
    { header: 'Last request', value: (h) => time(h.lastRequestAt) },
    { header: 'Idle', value: (h) => h.idle },
    { header: 'DNS failed', value: (h) => h.dnsPublishFailures },
    { header: 'DNS ok', value: (h) => h.dnsPublishSuccesses },
    { header: 'Log clears', value: (h) => h.logClears },
  ];
}

export interface CountLine extends CountReport {
  host: string;
}

export function countLines(hosts: readonly HostReport[]): CountLine[] {
  return hosts.flatMap((h) => h.counts.map((c) => ({ host: h.host, ...c })));
}

export function countColumns(): Column<CountLine>[] {
  return [
    { header: 'Host', value: (c) => c.host },
    { header: 'Application', value: (c) => c.application },
    { header: 'Current', value: (c) => c.current },
    { header: 'Active', value: (c) => c.active },
    { header: 'Cap', value: (c) => c.cap },
    // docs/definitions.md "partial": the stored log does not cover the whole window
    { header: 'Window', value: (c) => (c.partial ? 'PARTIAL' : 'whole') },
    {
      header: 'Thresholds (minimum: clients needing it)',
      value: (c) => c.thresholds.map((t) => `${t.minimum}: ${t.met ? 'met' : 'NOT met'} (${t.clients})`).join(', '),
      wrap: 'list',
      minWidth: 16,
      maxWidth: LONG_TEXT,
    },
  ];
}

/** CSV of the counts: one line per host, application and minimum count. */
export interface ThresholdLine {
  host: string;
  application: string;
  current: number;
  active: number;
  cap: number;
  minimum: number | null;
  clients: number | null;
  met: boolean | null;
  partial: boolean;
}

export function thresholdLines(hosts: readonly HostReport[]): ThresholdLine[] {
  return countLines(hosts).flatMap((c): ThresholdLine[] => {
    const base = { host: c.host, application: c.application, current: c.current, active: c.active, cap: c.cap, partial: c.partial };
    if (c.thresholds.length === 0) return [{ ...base, minimum: null, clients: null, met: null }];
    return c.thresholds.map((t) => ({ ...base, minimum: t.minimum, clients: t.clients, met: t.met }));
  });
}

export function thresholdColumns(): Column<ThresholdLine>[] {
  return [
    { header: 'host', value: (t) => t.host },
    { header: 'application', value: (t) => t.application },
    { header: 'current', value: (t) => t.current },
    { header: 'active', value: (t) => t.active },
    { header: 'cap', value: (t) => t.cap },
    { header: 'minimum', value: (t) => t.minimum },
    { header: 'clients', value: (t) => t.clients },
    { header: 'met', value: (t) => t.met },
    { header: 'partial', value: (t) => t.partial },
  ];
}

export function cloneColumns(time: TimeFormat): Column<CloneReport>[] {
  return [
    { header: 'CMID', value: (c) => c.cmid },
    // names: wrapped between names, never cut to fit
    { header: 'Machines', value: (c) => c.machines.join(', '), wrap: 'list', minWidth: 32, maxWidth: LONG_TEXT },
    { header: 'First seen', value: (c) => time(c.firstSeen) },
    { header: 'Last seen', value: (c) => time(c.lastSeen) },
  ];
}

export function failureColumns(time: TimeFormat): Column<FailureReport>[] {
  return [
    { header: 'Machine', value: (f) => f.machine },
    { header: 'CMID', value: (f) => f.cmid },
    { header: 'Host', value: (f) => f.host },
    { header: 'Result', value: (f) => f.result },
    { header: 'Requests', value: (f) => f.requests },
    { header: 'Last', value: (f) => time(f.lastAt) },
    { header: 'Meaning', value: (f) => f.meaning, wrap: true, minWidth: 24, maxWidth: LONG_TEXT },
  ];
}

export function failureCsvColumns(): Column<FailureReport>[] {
  return [...failureColumns(isoTime), { header: 'Cause', value: (f) => f.cause, maxWidth: LONG_TEXT }, { header: 'Remedy', value: (f) => f.remedy, maxWidth: LONG_TEXT }];
}

export function clientColumns(time: TimeFormat, options: { compact?: boolean } = {}): Column<ClientReport>[] {
  const all: (Column<ClientReport> & { wide?: boolean })[] = [
    { header: 'Machine', value: (c) => c.machine },
    { header: 'CMID', value: (c) => c.cmid },
    { header: 'Application', value: (c) => c.application, wide: true },
    { header: 'Product', value: (c) => c.product, wrap: true, minWidth: 12 },
    { header: 'State', value: (c) => c.state, shrink: true, minWidth: 8 },
    { header: 'VM', value: (c) => c.isVm, wide: true },
    { header: 'Host', value: (c) => c.host, wide: true },
    { header: 'Last seen', value: (c) => time(c.lastSeen) },
    { header: 'Expires', value: (c) => time(c.expiresAt) },
    { header: 'Flags', value: (c) => clientFlags(c), wrap: true, minWidth: 8 },
  ];
  return all.filter((c) => !(options.compact && c.wide)).map(({ wide: _wide, ...column }) => column);
}

export function clientCsvColumns(): Column<ClientReport>[] {
  return [
    { header: 'machine', value: (c) => c.machine },
    { header: 'cmid', value: (c) => c.cmid },
    { header: 'application', value: (c) => c.application },
    { header: 'activationId', value: (c) => c.activationId },
    { header: 'product', value: (c) => c.product },
    { header: 'licenseState', value: (c) => c.licenseState },
    { header: 'state', value: (c) => c.state },
    { header: 'isVm', value: (c) => c.isVm },
    { header: 'host', value: (c) => c.host },
    { header: 'result', value: (c) => c.result },
    { header: 'minutesLeft', value: (c) => c.minutesLeft },
    { header: 'firstSeen', value: (c) => c.firstSeen },
    { header: 'lastSeen', value: (c) => c.lastSeen },
    { header: 'requests', value: (c) => c.requests },
    { header: 'expiresAt', value: (c) => c.expiresAt },
    { header: 'overdue', value: (c) => c.overdue },
    { header: 'lapsed', value: (c) => c.lapsed },
    { header: 'expiring', value: (c) => c.expiring },
  ];
}

export function clientFlags(c: ClientReport): string {
  const flags: string[] = [];
  if (c.lapsed) flags.push('lapsed');
  if (c.overdue) flags.push('overdue');
  if (c.expiring) flags.push('expiring');
  if (c.result !== '0x0') flags.push(`failed ${c.result}`);
  return flags.join(' ');
}

export function productColumns(time: TimeFormat): Column<ProductReport>[] {
  return [
    { header: 'Product', value: (p) => p.product, wrap: true, minWidth: 16 },
    { header: 'Application', value: (p) => p.application },
    { header: 'Clients', value: (p) => p.clients },
    { header: 'Requests', value: (p) => p.requests },
    { header: 'Last seen', value: (p) => time(p.lastSeen) },
  ];
}

export function anomalyColumns(time: TimeFormat): Column<AnomalyReport>[] {
  return [
    { header: 'Time', value: (a) => time(a.time) },
    { header: 'Host', value: (a) => a.host },
    { header: 'Event', value: (a) => a.eventId },
    { header: 'Record', value: (a) => a.recordId },
    { header: 'Reason', value: (a) => a.reason, wrap: true, minWidth: 16, maxWidth: LONG_TEXT },
    { header: 'Data', value: (a) => a.raw, wrap: true, minWidth: 12, maxWidth: LONG_TEXT },
  ];
}

export function logClearColumns(time: TimeFormat): Column<LogClearReport>[] {
  return [
    { header: 'Host', value: (c) => c.host },
    { header: 'Channel', value: (c) => c.channel },
    { header: 'Epoch', value: (c) => c.epoch },
    { header: 'Detected at', value: (c) => time(c.detectedAt) },
    { header: 'Last id before', value: (c) => c.previousLastRecordId },
    { header: 'First id after', value: (c) => c.firstRecordId },
  ];
}
