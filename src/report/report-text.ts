import type { Report } from '../analysis/types.js';
import { printable, shownCell } from './cells.js';
import {
  anomalyColumns,
  clientColumns,
  cloneColumns,
  countColumns,
  countLines,
  failureColumns,
  hostColumns,
  logClearColumns,
  productColumns,
  type TimeFormat,
} from './columns.js';
import { coverageColumns, coverageLines, partialCountsLine, partialSummary } from './coverage.js';
import { damagedClonesLine, damagedColumns, damagedFailuresLine, damagedHostsLine, damagedSummary } from './damaged.js';
import { renderTable, type TableOptions } from './table.js';
import { formatLocal } from './time.js';
import { healthText, staleText } from './health-text.js';
import { clientSideText, discoveryText } from './discovery-text.js';
import { formatDuration } from '../analysis/duration.js';
import { HOUR_MS } from '../analysis/time.js';

export interface TextReportOptions {
  /** Terminal width for the tables; undefined = no limit. */
  width?: number;
  /** How many expiring / lapsed clients to list (the counts are always complete). */
  listLimit?: number;
}

/** The readable `kmswatch report`: a header naming instant and zone, then one table per section. */
export function renderReportText(report: Report, options: TextReportOptions = {}): string {
  const time: TimeFormat = (iso) => (iso === null ? '' : formatLocal(iso, report.timezone));
  const table: TableOptions = { width: options.width, indent: '  ' };
  const limit = options.listLimit ?? 20;
  const out: string[] = [];
  const section = (title: string, body: string) => out.push(`${title}\n${body}`);

  const stale = staleText(report, options.width ?? 100);
  if (stale) out.push(stale);
  out.push(
    [
      `KMS report at ${time(report.at)} ${report.timezone} (${report.at})`,
      `Times are shown in ${report.timezone}.`,
      `Counting window: ${time(report.window.from)} – ${time(report.window.to)} (${report.window.days} days)`,
      '',
      `  Requests ${report.totals.requests}   Clients ${report.totals.clients}   Machines ${report.totals.machines}   Hosts ${report.totals.hosts}   Anomalies ${report.totals.anomalies}`,
      '',
    ].join('\n'),
  );

  section('Health (worst first)', healthText(report, options.width ?? 100));
  section('Hosts', report.hosts.length ? renderTable(hostColumns(time), report.hosts, table) : '  none\n');
  if (damagedHostsLine(report)) out.push(damagedHostsLine(report));
  const aliased = report.hosts.filter((h) => h.aliases.length > 0);
  if (aliased.length) out.push(`  Also seen as: ${aliased.map((h) => `${printable(h.host)} = ${h.aliases.map(printable).join(', ')}`).join('; ')}\n`);
  const counts = countLines(report.hosts);
  section('KMS counts (last 30 days)', counts.length ? renderTable(countColumns(), counts, table) : noCountsLine(report));
  if (partialCountsLine(report, time)) out.push(partialCountsLine(report, time, options.width));
  const idle = report.hosts.filter((h) => h.idle);
  if (idle.length) out.push(`  Idle (no request for more than ${formatDuration(report.idleHours * HOUR_MS)}): ${idle.map((h) => shownCell(h.host)).join(', ')}\n`);
  // issue 27: can clients find the hosts (DNS, TCP 1688), and what the clients' own events say
  section('Discovery (can clients find the hosts? DNS _vlmcs._tcp and TCP 1688)', discoveryText(report.discovery ?? null, time, options.width));
  section("Clients' side (the clients' own 12288/12289 events in the window)", clientSideText(report.clientSide, time, options.width));

  section('Clones (one CMID under several machine names)', report.clones.length ? renderTable(cloneColumns(time), report.clones, table) : '  none\n');
  if (damagedClonesLine(report)) out.push(damagedClonesLine(report));
  section('Failures (last 30 days)', report.failures.length ? renderTable(failureColumns(time), report.failures, table) : '  none\n');
  if (damagedFailuresLine(report)) out.push(damagedFailuresLine(report));

  const c = report.clients;
  const states = Object.entries(c.byState)
    .map(([state, n]) => `${state} ${n}`)
    .join(', ');
  section(
    'Clients',
    [
      `  ${c.total} clients (latest request per CMID and application)`,
      `  Not lapsed, by state: ${states || 'none'}`,
      `  Overdue (> 8 days): ${c.overdueCount}   Grace: ${c.graceCount}   Notification: ${c.notificationCount}`,
      `  Lapsed (> 30 days): ${c.lapsed.length}`,
      '',
    ].join('\n'),
  );
  if (c.expiring.length) {
    section(`Expiring within ${c.expiringDays} days (${c.expiring.length})`, renderTable(clientColumns(time, { compact: true }), c.expiring.slice(0, limit), table) + more(c.expiring.length, limit));
  }
  if (c.lapsed.length) {
    section(`Lapsed: no longer counted (${c.lapsed.length})`, renderTable(clientColumns(time, { compact: true }), c.lapsed.slice(0, limit), table) + more(c.lapsed.length, limit));
  }
  const coverage = coverageLines(report.hosts);
  section('Coverage (what the stored logs cover, read from where)', coverage.length ? renderTable(coverageColumns(time), coverage, table) : '  nothing stored\n');
  section('Products', report.products.length ? renderTable(productColumns(time), report.products, table) : '  none\n');
  section('Log clears', report.logClears.length ? renderTable(logClearColumns(time), report.logClears, table) : '  none detected\n');
  const shown = report.anomalies.length;
  section(
    `Anomalies (${report.totals.anomalies}${shown < report.totals.anomalies ? `, newest ${shown} shown` : ''})`,
    shown ? renderTable(anomalyColumns(time), report.anomalies, table) : '  none\n',
  );
  // only when there is something: most stores never met a damaged chunk
  if (report.damaged.chunks.length) {
    section('From damaged chunks (EVTX CRC failed: kept, marked; ingest --skip-damaged leaves them out)', `  ${damagedSummary(report)}\n` + renderTable(damagedColumns(), report.damaged.chunks, table));
  }
  return out.join('\n');
}

/** What the count section says when it has no row: never an empty section. */
function noCountsLine(report: Report): string {
  const inWindow = report.hosts.some((h) => h.lastRequestAt !== null && h.lastRequestAt > report.window.from);
  return inWindow ? '  no successful requests in the window\n' : '  no requests in the window\n';
}

function more(total: number, limit: number): string {
  return total > limit ? `  … and ${total - limit} more (kmswatch clients lists them all)\n` : '';
}

/** A few plain lines for a notice or a log: the numbers that need attention. */
export function renderReportSummary(report: Report): string {
  const lines = [`kmswatch report at ${report.at} (zone ${report.timezone})`];
  if (report.stale) lines.unshift(report.stale.text);
  lines.push(`${report.totals.requests} requests from ${report.totals.clients} clients on ${report.totals.hosts} hosts; ${report.totals.anomalies} anomalies.`);
  for (const h of report.hosts) {
    const counts = h.counts.map((c) => {
      const unmet = c.thresholds.filter((t) => !t.met).map((t) => t.minimum);
      return `${c.application} ${c.current}${c.partial ? ' (partial)' : ''}${unmet.length ? ` (below ${unmet.join('/')})` : ''}`;
    });
    const notes = [
      counts.length ? counts.join(', ') : 'no counted requests',
      h.idle ? (h.lastRequestAt ? `idle since ${h.lastRequestAt}` : 'no request ever') : '',
      h.dnsPublishFailures ? `${h.dnsPublishFailures} DNS publishing failures` : '',
      h.logClears ? `${h.logClears} log clears` : '',
    ].filter(Boolean);
    lines.push(`- ${printable(h.host)}: ${notes.join('; ')}`);
  }
  if (partialSummary(report)) lines.push(partialSummary(report));
  if (report.clones.length) lines.push(`${report.clones.length} cloned CMIDs.`);
  if (damagedSummary(report)) lines.push(damagedSummary(report));
  if (report.failures.length) lines.push(`${report.failures.reduce((n, f) => n + f.requests, 0)} failed requests from ${report.failures.length} machine/result pairs.`);
  lines.push(`${report.clients.expiring.length} clients expiring within ${report.clients.expiringDays} days, ${report.clients.overdueCount} overdue, ${report.clients.lapsed.length} lapsed.`);
  return lines.join('\n') + '\n';
}
