import type { InputFormat, InputIssue } from '../sources/types.js';

export interface IngestOptions {
  /** Skip detection and read every file as this format. */
  format?: InputFormat;
  /** IANA zone for times written without an offset. */
  timezone: string;
  /** Host name for formats without a computer column (Event Viewer CSV). */
  host?: string;
  /** Records per Store.writeBatch (one transaction each). Default 10,000. */
  batchSize?: number;
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
  issues: InputIssue[];
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
  return { files: 0, events: 0, requests: 0, hostEvents: 0, clientEvents: 0, anomalies: 0, duplicates: 0, ignored: 0, logClears: 0, issues: [] };
}
