/**
 * The report's "Coverage" part (docs/definitions.md "coverage", "partial"): per host and log the
 * period its stored events cover, the holes, the files they came from and the zone each file's
 * wall-clock times were read in; and the lines that mark counts computed from less than the window.
 */
import type { CoverageHoleReport, HostReport, LogCoverageReport, Report } from '../analysis/types.js';
import { printable, wrapText } from './cells.js';
import type { TimeFormat } from './columns.js';
import type { Column } from './table.js';

export interface CoverageLine extends LogCoverageReport {
  host: string;
  /** The host's counts rest on this log and are partial. */
  partial: boolean;
}

export function coverageLines(hosts: readonly HostReport[]): CoverageLine[] {
  return hosts.flatMap((h) => h.coverage.map((c) => ({ host: h.host, partial: h.partial && c.log !== 'Application', ...c })));
}

const HOLE_REASON: Record<CoverageHoleReport['kind'], string> = {
  'records-missing': 'records missing',
  'log-cleared': 'log cleared',
  'before-first-event': 'before the first stored event',
};

export function holeText(h: CoverageHoleReport, time: TimeFormat): string {
  const ids = h.firstMissingRecordId === null ? '' : h.firstMissingRecordId === h.lastMissingRecordId ? ` ${h.firstMissingRecordId}` : ` ${h.firstMissingRecordId}–${h.lastMissingRecordId}`;
  return `${time(h.from)} – ${time(h.to)} (${HOLE_REASON[h.kind]}${ids})`;
}

/** The files a log was read from, each once, with the zone of its wall-clock times. */
export function sourcesText(c: LogCoverageReport): string {
  const seen = new Map<string, string | null>();
  for (const s of c.stretches) if (!seen.has(s.source) || seen.get(s.source) === null) seen.set(s.source, s.zone);
  return [...seen].map(([source, zone]) => (zone === null ? source : `${source} in ${zone}`)).join(', ');
}

export function coverageColumns(time: TimeFormat): Column<CoverageLine>[] {
  return [
    { header: 'Host', value: (c) => c.host },
    { header: 'Log', value: (c) => c.log, shrink: true, minWidth: 11 },
    { header: 'Stored events', value: (c) => `${time(c.firstEventAt)} – ${time(c.lastEventAt)}`, wrap: true, minWidth: 16 },
    { header: 'Window', value: (c) => (c.coversWindow ? 'covered' : 'NOT covered') },
    { header: 'Holes', value: (c) => c.holes.map((h) => holeText(h, time)).join(', '), wrap: 'list', minWidth: 16, maxWidth: 400 },
    { header: 'Read from (zone)', value: (c) => sourcesText(c), wrap: 'list', minWidth: 12, maxWidth: 400 },
  ];
}

/** CSV: one line per host, log and hole (a log without holes: one line with empty hole fields). */
export interface CoverageHoleLine {
  host: string;
  log: string;
  firstEventAt: string;
  lastEventAt: string;
  coversWindow: boolean;
  partial: boolean;
  sources: string;
  holeKind: string | null;
  holeFrom: string | null;
  holeTo: string | null;
  firstMissingRecordId: number | null;
  lastMissingRecordId: number | null;
}

export function coverageHoleLines(hosts: readonly HostReport[]): CoverageHoleLine[] {
  return coverageLines(hosts).flatMap((c): CoverageHoleLine[] => {
    const base = { host: c.host, log: c.log, firstEventAt: c.firstEventAt, lastEventAt: c.lastEventAt, coversWindow: c.coversWindow, partial: c.partial, sources: sourcesText(c) };
    const none = { holeKind: null, holeFrom: null, holeTo: null, firstMissingRecordId: null, lastMissingRecordId: null };
    if (c.holes.length === 0) return [{ ...base, ...none }];
    return c.holes.map((h) => ({ ...base, holeKind: h.kind, holeFrom: h.from, holeTo: h.to, firstMissingRecordId: h.firstMissingRecordId, lastMissingRecordId: h.lastMissingRecordId }));
  });
}

export function coverageCsvColumns(): Column<CoverageHoleLine>[] {
  const keys: (keyof CoverageHoleLine)[] = ['host', 'log', 'firstEventAt', 'lastEventAt', 'coversWindow', 'partial', 'sources', 'holeKind', 'holeFrom', 'holeTo', 'firstMissingRecordId', 'lastMissingRecordId'];
  return keys.map((k) => ({ header: k, value: (l: CoverageHoleLine) => l[k] }));
}

/**
 * The hosts whose counts are partial, for lines under the counts (wrapped to `width` when given);
 * '' when none is.
 */
export function partialCountsLine(r: Report, time: TimeFormat, width?: number): string {
  const partial = r.hosts.filter((h) => h.partial && h.counts.length > 0);
  if (partial.length === 0) return '';
  const why = (h: HostReport) => {
    const kms = h.coverage.find((c) => c.log !== 'Application');
    return kms === undefined ? 'no request log stored' : `stored log from ${time(kms.firstEventAt)}${kms.holes.some((x) => x.kind !== 'before-first-event') ? ', with holes' : ''}`;
  };
  const text = `! Partial (computed from less than the ${r.window.days}-day window, too low if anything): ${partial.map((h) => `${printable(h.host)} (${why(h)})`).join('; ')}`;
  const lines = width === undefined ? [text] : wrapText(text, Math.max(20, width - 4));
  return lines.map((line, i) => `${i === 0 ? '  ' : '    '}${line}\n`).join('');
}

/** One sentence for summaries and mail; '' when no count is partial. */
export function partialSummary(r: Report): string {
  const partial = r.hosts.filter((h) => h.partial && h.counts.length > 0).map((h) => printable(h.host));
  if (partial.length === 0) return '';
  return `Counts of ${partial.join(', ')} are partial: the stored log does not cover the whole ${r.window.days}-day window (see Coverage).`;
}
