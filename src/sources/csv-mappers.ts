/**
 * CSV rows → RawEvent for the two CSV shapes of formats.md:
 * - §3.6 `Get-EventLog | Export-Csv` (EventID, MachineName, Index, Source, ReplacementStrings,
 *   InstanceId, TimeGenerated, Message…) and `Get-WinEvent | Export-Csv` (Id, Qualifiers, RecordId,
 *   ProviderName, LogName, MachineName, TimeCreated, Message, Properties). Arrays are flattened to
 *   type names (`System.String[]`), so the insertion strings are lost: data null, Message kept.
 * - §3.7 Event Viewer "Save as CSV": Level, Date and Time, Source, Event ID, Task Category, then the
 *   description as an extra unnamed column. No computer, no record id, no log name.
 * Dates are local, culture-formatted (time.ts parseWallTime).
 */
import { splitEventIdInto, toInteger } from './event-id.js';
import { readEventTime, setEventTime, type EventTime } from './time.js';
import type { InputFormat, RawEvent, ReadOptions } from './types.js';

export interface CsvRowContext {
  opts: ReadOptions;
  /** Column index by lower-cased header name. */
  columns: Map<string, number>;
  /** Log name from the `#TYPE …EventLogEntry#<log>/<source>/<id>` line, when present. */
  typeChannel?: string;
  line: number;
  index: number;
  delimiter: string;
}

export type CsvMapper = (row: string[], ctx: CsvRowContext) => RawEvent | string;

/** The cell of the first of the named columns that exists and is not empty (fixed arity: runs per cell). */
function cell(row: string[], ctx: CsvRowContext, name: string, otherName?: string): string | undefined {
  const i = ctx.columns.get(name);
  if (i !== undefined && i < row.length && row[i] !== '') return row[i];
  if (otherName === undefined) return undefined;
  const j = ctx.columns.get(otherName);
  if (j !== undefined && j < row.length && row[j] !== '') return row[j];
  return undefined;
}

function origin(ctx: CsvRowContext, format: InputFormat): RawEvent['origin'] {
  return { file: ctx.opts.file, format, line: ctx.line, index: ctx.index };
}

function timeOf(text: string | undefined, timezone: string, name: string): EventTime | string {
  if (text === undefined) return `no ${name}`;
  const t = readEventTime(text, timezone);
  return t === null ? `bad ${name} "${text}" (not a known date format)` : t;
}

export const mapExportCsvRow: CsvMapper = (row, ctx) => {
  const instanceId = toInteger(cell(row, ctx, 'instanceid'));
  const idText = cell(row, ctx, 'eventid', 'id');
  const rawId = instanceId ?? toInteger(idText);
  if (rawId === undefined) return idText === undefined ? 'no EventID / InstanceId / Id' : `bad EventID "${idText}"`;
  const timeName = ctx.columns.has('timegenerated') ? 'TimeGenerated' : 'TimeCreated';
  const time = timeOf(cell(row, ctx, timeName.toLowerCase()), ctx.opts.timezone, timeName);
  if (typeof time === 'string') return time;
  const ev: RawEvent = splitEventIdInto(rawId, toInteger(cell(row, ctx, 'qualifiers')), {
    eventId: 0,
    channel: cell(row, ctx, 'logname', 'containerlog') ?? ctx.typeChannel ?? ctx.opts.channel ?? '',
    host: cell(row, ctx, 'machinename') ?? ctx.opts.host ?? '',
    time: 0,
    // ReplacementStrings / Properties hold only a type name: the insertion strings are gone.
    data: null,
    origin: origin(ctx, 'csv-export'),
  });
  setEventTime(ev, time);
  const provider = cell(row, ctx, 'source', 'providername');
  if (provider !== undefined) ev.provider = provider;
  const recordId = toInteger(cell(row, ctx, 'index', 'recordid'));
  if (recordId !== undefined) ev.recordId = recordId;
  const message = cell(row, ctx, 'message');
  if (message !== undefined) ev.message = message;
  return ev;
};

/** Event Viewer columns are positional (their names are localised). */
export const mapEventViewerCsvRow: CsvMapper = (row, ctx) => {
  const idText = row[3]?.trim();
  const rawId = toInteger(idText);
  if (rawId === undefined) return idText ? `bad Event ID "${idText}"` : 'no Event ID';
  const time = timeOf(row[1], ctx.opts.timezone, 'Date and Time');
  if (typeof time === 'string') return time;
  const ev: RawEvent = splitEventIdInto(rawId, undefined, {
    eventId: 0,
    channel: ctx.opts.channel ?? '',
    host: ctx.opts.host ?? '',
    time: 0,
    data: null,
    origin: origin(ctx, 'csv-eventviewer'),
  });
  setEventTime(ev, time);
  if (row[2]) ev.provider = row[2];
  // The description is the unnamed 6th column; an unquoted description with commas spans the rest.
  if (row.length > 5) ev.message = row.slice(5).join(ctx.delimiter);
  return ev;
};
