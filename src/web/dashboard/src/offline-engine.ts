/**
 * The offline page's analysis: the dropped files read, decoded, stored and analysed by the
 * project's own code (src/evtx, src/sources, src/kms, src/analysis, the memory store). It runs in a
 * Web Worker (offline-worker.ts) and answers the page's calls (offline-protocol.ts) from the store
 * it filled; nothing here touches the DOM, and no request leaves it: there is no fetch here at all.
 */
import { defaultConfig } from '../../../alerts/config.js';
import { evaluateRules } from '../../../alerts/evaluate.js';
import { gatherFacts } from '../../../alerts/facts.js';
import { newestEventTime } from '../../../analysis/newest.js';
import { buildReport } from '../../../analysis/report.js';
import type { Report } from '../../../analysis/types.js';
import { ingestEvents } from '../../../ingest/ingest.js';
import type { SourceItem } from '../../../sources/types.js';
import { createMemoryStore } from '../../../store/memory.js';
import type { Store } from '../../../store/types.js';
import { readBytesSource } from '../../bytes-source.js';
import { queryClients, type ClientPage } from '../../clients-query.js';
import { buildTimeline, type Timeline } from '../../timeline.js';
import { OfflineCancelledError, OfflineNothingAnalysedError } from './offline-errors.js';
import { filesWithoutComputer, hostForFile, namingFilesFirst } from './offline-hosts.js';
import { LogTally, reportable } from './offline-log-kind.js';
import {
  ISSUES_SHOWN,
  PROGRESS_INTERVAL_MS,
  type AnalyseOutcome,
  type AnalyseRequest,
  type EngineApi,
  type EngineCall,
  type EngineMessage,
  type FileOutcome,
  type ParseProgress,
} from './offline-protocol.js';
import { ReadPositionBytes } from './offline-read-position.js';
import type { AlertView, ClientParams, RequestView } from './source.js';

export interface EngineOptions {
  onProgress(progress: ParseProgress): void;
  /**
   * Run on the page's own thread (no worker): give the page a turn this often (ms) so that it can
   * draw the progress and take a click on Cancel. In a worker the page never waits on it: 0.
   */
  yieldEveryMs?: number;
}

export class OfflineEngine implements EngineApi {
  private store: Store | null = null;
  private timezone = 'UTC';
  private cancelled = false;

  constructor(private readonly options: EngineOptions) {}

  /** Stops a running analyse() at its next record (a worker is terminated instead). */
  cancel(): void {
    this.cancelled = true;
  }

  async analyse(request: AnalyseRequest): Promise<AnalyseOutcome> {
    const hostless = await filesWithoutComputer(request.files);
    // Event Viewer saves name no computer: without a name, two hosts' saves would merge into one
    if (hostless.size > 0 && !request.host) return { kind: 'needs-host', files: [...hostless].map((f) => f.name) };
    const store = createMemoryStore();
    await store.migrate();
    this.store = store;
    this.timezone = request.timezone;
    const ordered = namingFilesFirst(request.files, hostless);
    const files: FileOutcome[] = [];
    for (const [fileIndex, file] of ordered.entries()) {
      const host = hostless.has(file) ? await hostForFile(store, request.host) : undefined;
      files.push(await this.ingestFile(store, file, { fileIndex, files: ordered.length }, request, host));
    }
    if (!files.some(reportable)) return { kind: 'analysed', files, report: null };
    // an old export is judged as of its newest event (request or host event), as `--at latest` is
    const at = request.at ?? (await newestEventTime(store)) ?? Date.now();
    return { kind: 'analysed', files, report: await buildReport(store, { at, timezone: request.timezone }) };
  }

  private async ingestFile(store: Store, file: File, position: { fileIndex: number; files: number }, request: AnalyseRequest, host: string | undefined): Promise<FileOutcome> {
    const bytes = new ReadPositionBytes(await file.arrayBuffer());
    const tally = new LogTally();
    let records = 0;
    const progress = (): void =>
      this.options.onProgress({ file: file.name, ...position, bytesRead: Math.min(bytes.furthest, bytes.length), bytesTotal: bytes.length, records });
    const source = readBytesSource(bytes, {
      file: file.name,
      timezone: request.timezone,
      ...(host !== undefined ? { host } : {}),
      ...(request.encoding !== undefined ? { encoding: request.encoding } : {}),
    });
    const watched = watchItems(source, {
      onItem: (item) => {
        records++;
        if (item.ok) tally.add(item.event);
      },
      onProgress: progress,
      cancelled: () => this.cancelled,
      yieldEveryMs: this.options.yieldEveryMs ?? 0,
    });
    progress();
    const summary = await ingestEvents(store, watched, {});
    progress();
    return {
      name: file.name,
      events: summary.events,
      kmsEvents: summary.events - summary.ignored,
      requests: summary.requests,
      hostEvents: summary.hostEvents,
      clientEvents: summary.clientEvents,
      anomalies: summary.anomalies,
      issueCount: summary.issues.length,
      issues: summary.issues.slice(0, ISSUES_SHOWN),
      // notes (an EVTX file without CRCs, a header count behind a log copied while open) are no problems
      notes: summary.notes.slice(0, ISSUES_SHOWN),
      kind: tally.kind(),
    };
  }

  private analysed(): Store {
    if (!this.store) throw new OfflineNothingAnalysedError();
    return this.store;
  }

  report(at: number | undefined): Promise<Report> {
    return buildReport(this.analysed(), { at: at ?? Date.now(), timezone: this.timezone });
  }

  timeline(at: number): Promise<Timeline> {
    return buildTimeline(this.analysed(), at, 30);
  }

  async alerts(at: number): Promise<AlertView[]> {
    const rules = defaultConfig().alerts;
    return evaluateRules(await gatherFacts(this.analysed(), at, rules), rules).map(({ clients, ...a }) => ({ ...a, clients: clients.length }));
  }

  clients(at: number, q: ClientParams): Promise<ClientPage> {
    return queryClients(this.analysed(), { ...q, at });
  }

  async clientRequests(cmid: string): Promise<RequestView[]> {
    return (await this.analysed().clientRequests(cmid, 200)).map((r) => ({ ...r, time: new Date(r.time).toISOString() }));
  }
}

interface Watch {
  onItem(item: SourceItem): void;
  /** Called at most every PROGRESS_INTERVAL_MS while items flow. */
  onProgress(): void;
  cancelled(): boolean;
  yieldEveryMs: number;
}

/** Passes a reader's items on, counting them, reporting progress and stopping when cancelled. */
async function* watchItems(source: AsyncIterable<SourceItem>, watch: Watch): AsyncGenerator<SourceItem> {
  let lastReport = Date.now();
  let lastYield = lastReport;
  for await (const item of source) {
    if (watch.cancelled()) throw new OfflineCancelledError();
    watch.onItem(item);
    const now = Date.now();
    if (now - lastReport >= PROGRESS_INTERVAL_MS) {
      lastReport = now;
      watch.onProgress();
    }
    if (watch.yieldEveryMs > 0 && now - lastYield >= watch.yieldEveryMs) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      lastYield = Date.now();
    }
    yield item;
  }
}

/** Answers one call message with its reply message (the transport posts it). */
export async function answer(engine: OfflineEngine, call: EngineCall): Promise<EngineMessage> {
  try {
    const method = engine[call.method] as (...args: unknown[]) => Promise<unknown>;
    const value = await method.apply(engine, call.args);
    return { type: 'reply', id: call.id, ok: true, value };
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    const code = (error as { code?: unknown }).code;
    return { type: 'reply', id: call.id, ok: false, error: { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) } };
  }
}
