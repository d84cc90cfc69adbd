/**
 * What the offline page and its analysis engine (offline-engine.ts, run in a Web Worker) say to each
 * other. The engine answers the page's DataSource calls from the store it filled, so every call is
 * a message and the page's thread never parses, stores or analyses.
 */
import type { Report } from '../../../analysis/types.js';
import type { InputIssue } from '../../../sources/types.js';
import type { DataSource } from './source.js';

/** The page's fields, read when the files were dropped. */
export interface AnalyseRequest {
  files: File[];
  /** IANA zone for times written without an offset. */
  timezone: string;
  /** Report instant in epoch ms; null: the newest event. */
  at: number | null;
  /** The KMS host's name as typed ('' when empty), for files that name no computer. */
  host: string;
  /** Code page of text exports without a BOM; undefined: UTF-8 / UTF-16. */
  encoding?: string;
}

/** How far the engine has read, sent while it parses (at most every PROGRESS_INTERVAL_MS). */
export interface ParseProgress {
  file: string;
  /** 0-based position of the file among the dropped ones, and their number. */
  fileIndex: number;
  files: number;
  /** How far into the file the reader has got, and its size. */
  bytesRead: number;
  bytesTotal: number;
  /** Records (events and unreadable records) read so far from this file. */
  records: number;
}

/** What a file's events are, told by their channel, provider and event ids (offline-log-kind.ts). */
export interface LogKind {
  /** Channels by number of events, most first ('' for formats that carry none). */
  channels: string[];
  /** Providers by number of events, most first. */
  providers: string[];
  /** Distinct event ids, ascending. */
  eventIds: number[];
}

export interface FileOutcome {
  name: string;
  /** Events read (IngestSummary.events) and how many of them are KMS events (not ignored). */
  events: number;
  kmsEvents: number;
  /** New rows stored from the file (IngestSummary): what the report can show of it. */
  requests: number;
  hostEvents: number;
  clientEvents: number;
  anomalies: number;
  /** Problems in all, and the first ISSUES_SHOWN of them. */
  issueCount: number;
  issues: InputIssue[];
  notes: InputIssue[];
  kind: LogKind;
}

export type AnalyseOutcome =
  | { kind: 'needs-host'; files: string[] }
  | {
      kind: 'analysed';
      files: FileOutcome[];
      /** null when no file held a KMS event: there is nothing to report on. */
      report: Report | null;
    };

/** The calls the page makes; DataSource's as the dashboard's sections make them. */
export interface EngineApi extends Pick<DataSource, 'report' | 'timeline' | 'alerts' | 'clients' | 'clientRequests'> {
  analyse(request: AnalyseRequest): Promise<AnalyseOutcome>;
}
export type EngineMethod = keyof EngineApi;

export type EngineCall = { [M in EngineMethod]: { type: 'call'; id: number; method: M; args: Parameters<EngineApi[M]> } }[EngineMethod];

export interface EngineErrorView {
  name: string;
  message: string;
  code?: string;
}

export type EngineMessage =
  | { type: 'ready' }
  | { type: 'progress'; progress: ParseProgress }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: EngineErrorView };

export const PROGRESS_INTERVAL_MS = 100;
/** Problems and notes listed per file (all are counted). */
export const ISSUES_SHOWN = 20;
