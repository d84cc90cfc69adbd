import type { InputFormat, InputIssue } from '../sources/types.js';

export interface IngestOptions {
  /** Skip detection and read every file as this format. */
  format?: InputFormat;
  /** IANA zone for times written without an offset. */
  timezone: string;
  /**
   * Host name for formats without a computer column (Event Viewer CSV/TXT), which are refused
   * without one; matched to a stored host case-insensitively, a short name to its stored FQDN.
   */
  host?: string;
  /** Code page of text exports without a BOM (`cp850`…): cmd.exe's `>` writes the OEM code page. */
  encoding?: string;
  /** Records per Store.writeBatch (one transaction each). Default 10,000. */
  batchSize?: number;
  /**
   * Leave out the events read from damaged EVTX chunks (CRC mismatch) instead of storing them
   * marked (docs/definitions.md "damaged chunk").
   */
  skipDamaged?: boolean;
}

/** docs/architecture.md: what one ingest did. Counts of stored rows are new rows only. */
export interface IngestSummary {
  files: number;
  /** Events read from the inputs (before decoding). */
  events: number;
  /** New requests stored (valid 12290 not seen before). */
  requests: number;
  hostEvents: number;
  clientEvents: number;
  /** New anomalies stored. */
  anomalies: number;
  /** Records already in the store (same host, channel, dedup key). */
  duplicates: number;
  /** Events that are not KMS events (decode → null). */
  ignored: number;
  logClears: number;
  /** Problems: each fails the run (exit 1). */
  issues: InputIssue[];
  /** Worth knowing, not problems (an EVTX file without CRCs, a stale header count): InputIssue.note. */
  notes: InputIssue[];
  /** KMS events read from damaged EVTX chunks and stored, marked (before dedup). */
  damagedKept: number;
  /** KMS events read from damaged EVTX chunks and left out (--skip-damaged). */
  damagedSkipped: number;
  /**
   * Local times of the hour that repeats when daylight saving time ends: placed by the log's order
   * (record ids, else the file's order), and read as the earlier instant for want of one
   * (docs/definitions.md "local time").
   */
  ambiguousByOrder: number;
  ambiguousEarlier: number;
  /**
   * Records whose stored copies (same host, log, record id and data) have times whole hours apart:
   * a file read in the wrong zone. Not stored; each such file is a problem naming the offset and the
   * --timezone that fits.
   */
  shifted: number;
  /** The other records of such files read in local time, not stored either. */
  withheld: number;
}

/** Reported after every batch and at each file's start and end (the CLI's progress bar). */
export interface IngestProgress {
  file: string;
  /** Events read so far, over all files. */
  events: number;
  /** Bytes read so far of the current file, when the reader reports them. */
  bytes?: number;
  /** Files finished so far and files in total. */
  filesDone: number;
  files: number;
}

export type ProgressCallback = (p: IngestProgress) => void;

export function emptySummary(): IngestSummary {
  return {
    files: 0, events: 0, requests: 0, hostEvents: 0, clientEvents: 0, anomalies: 0, duplicates: 0, ignored: 0, logClears: 0,
    issues: [], notes: [], damagedKept: 0, damagedSkipped: 0, ambiguousByOrder: 0, ambiguousEarlier: 0, shifted: 0, withheld: 0,
  };
}
