/**
 * The format-neutral event every source reader produces. Readers know nothing of KMS:
 * they only move fields from their format into this shape.
 */
export interface RawEvent {
  /** Event ID, low 16 bits (12290, not the classic InstanceId 1073754114). */
  eventId: number;
  /** High 16 bits of the classic event id when the format carries them (16384 for SPP events). */
  qualifiers?: number;
  /** Provider name (or classic source name) as written in the export. */
  provider?: string;
  /** Log/channel name: 'Key Management Service', 'Application', ... ('' when the format has none). */
  channel: string;
  /** Computer that logged the event (the KMS host), as written. '' when unknown. */
  host: string;
  /** EventRecordID / Index / RecordNumber; undefined when the format has none (Event Viewer CSV). */
  recordId?: number;
  /** Event time in epoch milliseconds, UTC (TimeCreated/TimeGenerated after zone resolution). */
  time: number;
  /**
   * Insertion strings (EventData/Data, ReplacementStrings, StringInserts, param1..N) in order, 0-based.
   * Missing positions (e.g. Winlogbeat drops empty params) are ''. null when the export lost them
   * (Export-Csv's "System.String[]", ConvertTo-Json's EventProperty names): decode from `message`.
   */
  data: string[] | null;
  /** Rendered message text when the format carries it. */
  message?: string;
  /** Where the event came from, for error messages and the `source` column. */
  origin: EventOrigin;
}

export interface EventOrigin {
  /** Input file path (or 'stdin', 'http', 'wevtutil:HOST'). */
  file: string;
  /** Format name as detected or forced: see InputFormat. */
  format: InputFormat;
  /** 1-based line of the event in text formats. */
  line?: number;
  /** 0-based ordinal of the event within the file. */
  index?: number;
}

export type InputFormat =
  | 'evtx'
  | 'xml'
  | 'winlogbeat'
  | 'fluentbit'
  | 'nxlog'
  | 'openwec'
  | 'psjson'
  | 'csv-export'
  | 'csv-eventviewer';

/**
 * A problem with one part of an input (a line, a record, a chunk). Readers report it and go on:
 * the good events before and after are still yielded.
 */
export interface InputIssue {
  file: string;
  format: InputFormat | 'unknown';
  /** 1-based line, when known. */
  line?: number;
  /** Record ordinal or EVTX record id, when known. */
  record?: number;
  /** Byte offset, when known (EVTX). */
  offset?: number;
  reason: string;
  /** true when the whole file could not be read (not this format, unreadable...). */
  fatal?: boolean;
}

export type SourceItem = { ok: true; event: RawEvent } | { ok: false; issue: InputIssue };

export interface ReadOptions {
  /** Path shown in errors and stored as origin.file. */
  file: string;
  /** IANA zone for times written without an offset. Default: the machine's zone. */
  timezone: string;
  /** Host name to use when the format has no computer column (Event Viewer CSV). */
  host?: string;
  /** Channel to assume when the format has none. */
  channel?: string;
}

/** Opens one input as a stream of events and issues, in file order, with constant memory. */
export type SourceReader = (input: AsyncIterable<Uint8Array> | NodeJS.ReadableStream, opts: ReadOptions) => AsyncIterable<SourceItem>;
