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
   * The IANA zone `time` was read in, when the export wrote it as a wall-clock time without an
   * offset (ReadOptions.timezone); absent for UTC or offset times.
   */
  timeZone?: string;
  /**
   * Set by the reader for a wall-clock time that occurs twice in its zone (the repeated hour when
   * daylight saving ends): the later instant; `time` holds the earlier one until the file's order
   * decides (local-times.ts), which then removes this field.
   */
  timeLater?: number;
  /** How an ambiguous wall time was resolved (local-times.ts): by the log's order, or the earlier for want of one. */
  timeChoice?: 'order' | 'earlier';
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
  /**
   * Set when the event was read from a part of its file that failed the file's own integrity
   * check (an EVTX chunk whose CRC does not match): the values may have changed since they were
   * written. Ingest stores such events marked, or leaves them out with --skip-damaged.
   */
  damage?: EventDamage;
}

/** Where a damaged event came from (docs/definitions.md "damaged chunk"). */
export interface EventDamage {
  /** EVTX chunk slot index. */
  chunk: number;
  /** The checks its chunk failed, e.g. 'chunk data CRC'. */
  checks: string;
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
  | 'csv-eventviewer'
  | 'wevtutil-text';

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
  /**
   * true: not a problem but worth knowing (an EVTX file without CRCs, a header count that lags
   * behind a log copied while open); ingest lists notes apart and they do not fail the run.
   */
  note?: boolean;
  /** EVTX chunk slot index, when the issue concerns one chunk. */
  chunk?: number;
  /** Which integrity check failed, for damaged or cut EVTX files: src/evtx/integrity.ts. */
  check?: string;
  /** The record ids concerned: a damaged chunk's records, or those a cut file lacks. */
  firstRecordId?: number;
  lastRecordId?: number;
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
  /**
   * Code page of a text export without a byte-order mark (`cp850`, `cp1252`…): cmd.exe's `>` writes
   * the console's OEM code page, which the bytes cannot reveal. A BOM wins; unset: UTF-8 / UTF-16
   * sniffing (src/sources/text.ts).
   */
  encoding?: string;
}

/** Opens one input as a stream of events and issues, in file order, with constant memory. */
export type SourceReader = (input: AsyncIterable<Uint8Array> | NodeJS.ReadableStream, opts: ReadOptions) => AsyncIterable<SourceItem>;
