import type {
  KmsAnomaly,
  KmsApplication,
  KmsClientEvent,
  KmsHostEvent,
  KmsRecord,
  KmsRequest,
} from '../kms/types.js';
import {
  StoreError,
  type AlertState,
  type AnomalyRow,
  type Checkpoint,
  type ClientFilter,
  type DamageMark,
  type DamagedEventRow,
  type ClientRow,
  type CloneRow,
  type DailyActivityRow,
  type FailureRow,
  type HostActivityRow,
  type HostEventCountRow,
  type LogClearRow,
  type LogSpan,
  type LogSpanRow,
  type MigrationReport,
  type ProductRow,
  type RequestRow,
  type Store,
  type TotalsRow,
  type WindowActiveRow,
  type WindowCountRow,
  type WriteResult,
} from './types.js';

import { eventContent, emptyVerdict, type CopyKey, type CopyVerdict } from './copies.js';
import { copyWork, judgeBatch, type BatchRequests } from './copy-candidates.js';
import { withCopies } from './copy-result.js';
import { batchSpans, mergeSpan } from './spans.js';

/**
 * A Store kept in plain arrays and maps. It runs in a browser (no Node APIs) and serves as the
 * second, independent implementation the SQL backends are compared with, so it favours obvious
 * code over speed: every query is a scan. Semantics: docs/definitions.md.
 */
export function createMemoryStore(): Store {
  return new MemoryStore();
}

const DAY_MS = 86_400_000;

interface Stored<T> {
  record: T;
  /** Insertion order, the last tie-breaker for "latest". */
  seq: number;
}

class MemoryStore implements Store {
  readonly backend = 'memory' as const;
  readonly capabilities = { transactionalDdl: true, copy: false, concurrentWriters: false };

  private readonly requests: Stored<KmsRequest>[] = [];
  private readonly hostEvents: Stored<KmsHostEvent>[] = [];
  private readonly clientEvents: Stored<KmsClientEvent>[] = [];
  private readonly anomalyList: Stored<KmsAnomaly>[] = [];
  private readonly seen = new Set<string>();
  private readonly checkpointMap = new Map<string, Checkpoint>();
  private readonly clears: LogClearRow[] = [];
  private readonly alerts = new Map<string, AlertState>();
  private readonly meta = new Map<string, string>();
  /** Damage marks by the dedup key of the event they name; the first mark of an event wins. */
  private readonly damage = new Map<string, DamageMark>();
  /** Host names compare case-insensitively; every query shows the spelling first written. */
  private readonly hostNames = new Map<string, string>();
  private readonly checkpointHostNames = new Map<string, string>();
  /** Stretches of each host's logs read (store/spans.ts). */
  private spans: LogSpan[] = [];
  private seq = 0;
  private closed = false;

  async migrate(): Promise<MigrationReport> {
    return { applied: [], current: 0 };
  }

  async writeBatch(records: readonly KmsRecord[]): Promise<WriteResult> {
    this.assertOpen();
    // Validate everything first so a bad record leaves the store untouched (all or nothing).
    records.forEach((r, i) => validateRecord(r, i));

    const result: WriteResult = { requests: 0, hostEvents: 0, clientEvents: 0, anomalies: 0, duplicates: 0, logClears: 0 };
    const now = Date.now();
    // copies of stored events the key cannot tell (no record id, no log, times off): copies.ts
    const copies = this.copyVerdict(records);
    const epochs = new Array<number>(records.length).fill(0);
    const batchKeys = new Set<string>();
    for (let i = 0; i < records.length; i++) {
      const record = records[i];
      if (copies.unplanned.has(i)) continue;
      const key = dedupKey(record);
      if (this.seen.has(key) || batchKeys.has(key)) {
        epochs[i] = this.epochOf(record);
        continue;
      }
      batchKeys.add(key);
      if (!this.hostNames.has(record.host.toLowerCase())) this.hostNames.set(record.host.toLowerCase(), record.host);
      const cpKey = `${record.host.toLowerCase()}\u0000${record.channel}`;
      if (!this.checkpointHostNames.has(cpKey)) this.checkpointHostNames.set(cpKey, record.host);
      if (record.recordId !== null && this.advanceCheckpoint(record, now)) result.logClears++;
      epochs[i] = this.epochOf(record);
      // a copy of a stored event: its record id counts for the checkpoint, the event is stored once
      if (copies.notStored.has(i)) continue;
      this.seen.add(key);
      const seq = this.seq++;
      switch (record.kind) {
        case 'request':
          this.requests.push({ record, seq });
          result.requests++;
          break;
        case 'host':
          this.hostEvents.push({ record, seq });
          result.hostEvents++;
          break;
        case 'client':
          this.clientEvents.push({ record, seq });
          result.clientEvents++;
          break;
        case 'anomaly':
          this.anomalyList.push({ record, seq });
          result.anomalies++;
          break;
      }
    }
    withCopies(result, records.length, copies);
    const planned = records.map((record, i) => ({ record, hostKey: record.host.toLowerCase(), epoch: epochs[i] }));
    for (const span of batchSpans({ records: planned, logClears: [], checkpoints: [] }, copies.unplanned)) {
      const same = this.spans.filter((s) => s.hostKey === span.hostKey && s.channel === span.channel && s.epoch === span.epoch && s.source === span.source);
      const { remove, write } = mergeSpan(same, span);
      const gone = new Set(remove);
      this.spans = this.spans.filter((s) => !same.includes(s) || !gone.has(s.spanKey));
      this.spans.push(write);
    }
    return result;
  }

  private epochOf(record: KmsRecord): number {
    return this.checkpointMap.get(`${record.host.toLowerCase()}\u0000${record.channel}`)?.epoch ?? 0;
  }

  /** copies.ts over this store: every stored event is at hand, so every new request is looked at. */
  private copyVerdict(records: readonly KmsRecord[]): CopyVerdict {
    const positions: number[] = [];
    const fresh: number[] = [];
    const keys = new Set<string>();
    for (let i = 0; i < records.length; i++) {
      if (records[i].kind !== 'request') continue;
      const key = dedupKey(records[i]);
      if (!this.seen.has(key) && !keys.has(key)) fresh.push(positions.length);
      keys.add(key);
      positions.push(i);
    }
    const cmidIds = new Map<string, number>();
    const cmidId = (cmid: string) => {
      const c = cmid.toLowerCase();
      let id = cmidIds.get(c);
      if (id === undefined) cmidIds.set(c, (id = cmidIds.size));
      return id;
    };
    const requests: BatchRequests = {
      rows: positions.length, positionOf: (j) => positions[j], fresh, looseAt: () => true,
      content: (j) => requestContentOf(records[positions[j]] as KmsRequest), cmidId: (j) => cmidId((records[positions[j]] as KmsRequest).cmid), hostId: () => 0,
    };
    const localSources = new Map(this.spans.filter((s) => s.zone !== null).map((s) => [s.source, s.zone as string]));
    const work = copyWork(records, this.checkpointMap, requests, (key) => this.spans.some((s) => s.hostKey === key && s.zone !== null));
    if (work.candidates.length === 0) return emptyVerdict();
    const copies: CopyKey[] = [];
    for (const q of work.questions) {
      for (const { record: r } of this.requests) {
        const second = Math.floor(r.time / 1000);
        if (r.host.toLowerCase() !== q.hostKey || second < q.fromSecond || second > q.toSecond || !q.cmidIds.has(cmidId(r.cmid))) continue;
        copies.push(copyKeyOf(r, requestContentOf(r)));
      }
      if (!q.events) continue;
      for (const list of [this.hostEvents, this.clientEvents, this.anomalyList] as Stored<KmsRecord>[][]) {
        for (const { record: r } of list) {
          if (r.host.toLowerCase() !== q.hostKey || r.time < q.from || r.time > q.to) continue;
          copies.push(copyKeyOf(r, eventContent(r as Parameters<typeof eventContent>[0])));
        }
      }
    }
    return judgeBatch(records, work, copies, localSources);
  }

  /** Moves the (host, channel) checkpoint; returns true when the record starts a new epoch (log clear). */
  private advanceCheckpoint(record: KmsRecord, now: number): boolean {
    const recordId = record.recordId as number;
    const key = `${record.host.toLowerCase()}\u0000${record.channel}`;
    const cp = this.checkpointMap.get(key);
    if (!cp || cp.lastRecordId === null || cp.lastTime === null) {
      this.checkpointMap.set(key, {
        // as the SQL backends: a checkpoint keeps the spelling of the first event of its (host, channel)
        host: cp?.host ?? this.checkpointHostNames.get(key) ?? record.host,
        channel: record.channel,
        lastRecordId: recordId,
        lastTime: record.time,
        epoch: cp?.epoch ?? 0,
        updatedAt: now,
      });
      return false;
    }
    // "later" compares whole seconds, like the dedup key and the SQL backends' batch plan
    if (recordId <= cp.lastRecordId && Math.floor(record.time / 1000) > Math.floor(cp.lastTime / 1000)) {
      const epoch = cp.epoch + 1;
      this.clears.push({
        host: cp.host,
        channel: cp.channel,
        epoch,
        detectedAt: record.time,
        previousLastRecordId: cp.lastRecordId,
        firstRecordId: recordId,
      });
      this.checkpointMap.set(key, { ...cp, lastRecordId: recordId, lastTime: record.time, epoch, updatedAt: now });
      return true;
    }
    if (recordId > cp.lastRecordId && record.time >= cp.lastTime) {
      this.checkpointMap.set(key, { ...cp, lastRecordId: recordId, lastTime: record.time, updatedAt: now });
    }
    return false;
  }

  async checkpoints(): Promise<Checkpoint[]> {
    return [...this.checkpointMap.values()].map((c) => ({ ...c }));
  }

  async checkpoint(host: string, channel: string): Promise<Checkpoint | null> {
    const cp = this.checkpointMap.get(`${host.toLowerCase()}\u0000${channel}`);
    return cp ? { ...cp } : null;
  }

  async totals(at: number): Promise<TotalsRow> {
    const reqs = this.requestsUpTo(at);
    return {
      requests: reqs.length,
      clients: new Set(reqs.map((r) => r.cmid.toLowerCase())).size,
      machines: new Set(reqs.map((r) => r.machine.toLowerCase())).size,
      hosts: new Set(reqs.map((r) => r.host.toLowerCase())).size,
      anomalies: this.anomalyList.filter((a) => a.record.time <= at).length,
    };
  }

  async hostActivity(at: number): Promise<HostActivityRow[]> {
    const byHost = new Map<string, HostActivityRow>();
    for (const { record: h } of this.hostEvents) {
      if (h.time > at) continue;
      const key = h.host.toLowerCase();
      if (!byHost.has(key)) byHost.set(key, { host: this.hostName(h.host), requests: 0, firstRequestAt: null, lastRequestAt: null });
    }
    for (const r of this.requestsUpTo(at)) {
      const key = r.host.toLowerCase();
      const row = byHost.get(key) ?? { host: this.hostName(r.host), requests: 0, firstRequestAt: null, lastRequestAt: null };
      row.requests++;
      row.firstRequestAt = row.firstRequestAt === null ? r.time : Math.min(row.firstRequestAt, r.time);
      row.lastRequestAt = row.lastRequestAt === null ? r.time : Math.max(row.lastRequestAt, r.time);
      byHost.set(key, row);
    }
    return sortBy([...byHost.values()], (r) => r.host.toLowerCase());
  }

  async windowCounts(from: number, to: number): Promise<WindowCountRow[]> {
    const groups = new Map<string, { host: string; application: KmsApplication; minimumCount: number; cmids: Set<string> }>();
    for (const r of this.successesIn(from, to)) {
      const key = `${r.host.toLowerCase()}\u0000${r.product.application}\u0000${r.minimumCount}`;
      const g = groups.get(key) ?? { host: this.hostName(r.host), application: r.product.application, minimumCount: r.minimumCount, cmids: new Set() };
      g.cmids.add(r.cmid.toLowerCase());
      groups.set(key, g);
    }
    const rows = [...groups.values()].map((g) => ({ host: g.host, application: g.application, minimumCount: g.minimumCount, clients: g.cmids.size }));
    return sortBy(rows, (r) => `${r.host.toLowerCase()}\u0000${r.application}\u0000${String(1e6 - r.minimumCount).padStart(7, '0')}`);
  }

  async windowActive(from: number, to: number): Promise<WindowActiveRow[]> {
    const groups = new Map<string, { host: string; application: KmsApplication; maxMinimum: number; cmids: Set<string> }>();
    for (const r of this.successesIn(from, to)) {
      const key = `${r.host.toLowerCase()}\u0000${r.product.application}`;
      const g = groups.get(key) ?? { host: this.hostName(r.host), application: r.product.application, maxMinimum: 0, cmids: new Set() };
      g.cmids.add(r.cmid.toLowerCase());
      g.maxMinimum = Math.max(g.maxMinimum, r.minimumCount);
      groups.set(key, g);
    }
    const rows = [...groups.values()].map((g) => ({ host: g.host, application: g.application, active: g.cmids.size, maxMinimum: g.maxMinimum }));
    return sortBy(rows, (r) => `${r.host.toLowerCase()}\u0000${r.application}`);
  }

  async clones(at: number): Promise<CloneRow[]> {
    const byCmid = new Map<string, { cmid: string; names: Map<string, string>; firstSeen: number; lastSeen: number }>();
    for (const r of this.requestsUpTo(at)) {
      const key = r.cmid.toLowerCase();
      const g = byCmid.get(key) ?? { cmid: r.cmid, names: new Map(), firstSeen: r.time, lastSeen: r.time };
      const name = r.machine.toLowerCase();
      if (!g.names.has(name)) g.names.set(name, r.machine);
      g.firstSeen = Math.min(g.firstSeen, r.time);
      g.lastSeen = Math.max(g.lastSeen, r.time);
      byCmid.set(key, g);
    }
    const rows: CloneRow[] = [];
    for (const g of byCmid.values()) {
      if (g.names.size < 2) continue;
      const machines = [...g.names.entries()].sort(([a], [b]) => compare(a, b)).map(([, shown]) => shown);
      rows.push({ cmid: g.cmid, machines, firstSeen: g.firstSeen, lastSeen: g.lastSeen });
    }
    return sortBy(rows, (r) => r.cmid.toLowerCase());
  }

  async failures(from: number, to: number): Promise<FailureRow[]> {
    const groups = new Map<string, FailureRow>();
    for (const r of this.requestsIn(from, to)) {
      if (r.result === 0) continue;
      const key = `${r.machine.toLowerCase()}\u0000${r.cmid.toLowerCase()}\u0000${r.host.toLowerCase()}\u0000${r.result}`;
      const g = groups.get(key) ?? { machine: r.machine, cmid: r.cmid, host: this.hostName(r.host), result: r.result, requests: 0, lastAt: r.time };
      g.requests++;
      g.lastAt = Math.max(g.lastAt, r.time);
      groups.set(key, g);
    }
    return [...groups.values()].sort((a, b) => b.requests - a.requests || compare(a.machine.toLowerCase(), b.machine.toLowerCase()) || a.result - b.result);
  }

  async latestClients(at: number, filter: ClientFilter = {}): Promise<ClientRow[]> {
    const groups = new Map<string, { latest: Stored<KmsRequest>; firstSeen: number; requests: number }>();
    for (const s of this.requests) {
      const r = s.record;
      if (r.time > at) continue;
      const key = `${r.cmid.toLowerCase()}\u0000${r.product.application}`;
      const g = groups.get(key);
      if (!g) {
        groups.set(key, { latest: s, firstSeen: r.time, requests: 1 });
        continue;
      }
      g.requests++;
      g.firstSeen = Math.min(g.firstSeen, r.time);
      if (isLater(s, g.latest)) g.latest = s;
    }
    const rows: ClientRow[] = [];
    for (const g of groups.values()) {
      const r = g.latest.record;
      const row: ClientRow = {
        cmid: r.cmid,
        application: r.product.application,
        machine: r.machine,
        host: this.hostName(r.host),
        activationId: r.activationId,
        productName: r.product.name,
        licenseState: r.licenseState,
        minutesLeft: r.minutesLeft,
        isVm: r.isVm,
        result: r.result,
        minimumCount: r.minimumCount,
        lastSeen: r.time,
        firstSeen: g.firstSeen,
        requests: g.requests,
      };
      if (matchesFilter(row, filter)) rows.push(row);
    }
    return rows.sort((a, b) => compare(a.machine.toLowerCase(), b.machine.toLowerCase()) || compare(a.cmid, b.cmid) || compare(a.application, b.application));
  }

  async products(at: number): Promise<ProductRow[]> {
    const groups = new Map<string, ProductRow & { cmids: Set<string> }>();
    for (const r of this.requestsUpTo(at)) {
      const key = r.activationId.toLowerCase();
      const g = groups.get(key) ?? {
        activationId: r.activationId,
        productName: r.product.name,
        application: r.product.application,
        clients: 0,
        requests: 0,
        lastSeen: r.time,
        cmids: new Set<string>(),
      };
      g.cmids.add(r.cmid.toLowerCase());
      g.requests++;
      g.lastSeen = Math.max(g.lastSeen, r.time);
      groups.set(key, g);
    }
    return [...groups.values()]
      .map(({ cmids, ...row }) => ({ ...row, clients: cmids.size }))
      .sort((a, b) => b.requests - a.requests || compare(a.activationId, b.activationId));
  }

  async anomalies(at: number, limit: number): Promise<{ total: number; rows: AnomalyRow[] }> {
    const all = this.anomalyList.filter((a) => a.record.time <= at);
    all.sort((a, b) => b.record.time - a.record.time || b.seq - a.seq);
    const rows = all.slice(0, Math.max(0, limit)).map(({ record: a }) => ({
      host: this.hostName(a.host),
      channel: a.channel,
      eventId: a.eventId,
      recordId: a.recordId,
      time: a.time,
      provider: a.provider,
      reason: a.reason,
      raw: a.raw,
      source: a.source,
    }));
    return { total: all.length, rows };
  }

  async hostEventCounts(at: number): Promise<HostEventCountRow[]> {
    const groups = new Map<string, { row: HostEventCountRow; latest: Stored<KmsHostEvent> }>();
    for (const s of this.hostEvents) {
      const h = s.record;
      if (h.time > at) continue;
      const key = `${h.host.toLowerCase()}\u0000${h.type}`;
      const g = groups.get(key);
      if (!g) {
        groups.set(key, { row: { host: this.hostName(h.host), type: h.type, count: 1, lastAt: h.time, lastResultHex: null, lastDomain: null }, latest: s });
        continue;
      }
      g.row.count++;
      if (isLater(s, g.latest)) g.latest = s;
    }
    const rows = [...groups.values()].map(({ row, latest }) => ({
      ...row,
      lastAt: latest.record.time,
      lastResultHex: latest.record.resultHex,
      lastDomain: latest.record.domain,
    }));
    return sortBy(rows, (r) => `${r.host.toLowerCase()}\u0000${r.type}`);
  }

  async logClears(): Promise<LogClearRow[]> {
    return this.clears.map((c) => ({ ...c }));
  }

  async coverage(): Promise<LogSpanRow[]> {
    return [...this.spans]
      .sort((a, b) => compare(a.hostKey, b.hostKey) || compare(a.channel, b.channel) || a.epoch - b.epoch || a.firstTime - b.firstTime || compare(a.source, b.source) || compare(a.spanKey, b.spanKey))
      .map((s) => ({ host: this.checkpointHostName(s.hostKey), ...s }));
  }

  async clientRequests(cmid: string, limit: number): Promise<RequestRow[]> {
    const wanted = cmid.toLowerCase();
    return this.requests
      .filter((s) => s.record.cmid.toLowerCase() === wanted)
      .sort((a, b) => (isLater(a, b) ? -1 : 1))
      .slice(0, Math.max(0, limit))
      .map(({ record: r }) => ({
        host: this.hostName(r.host),
        recordId: r.recordId,
        time: r.time,
        resultHex: r.resultHex,
        machine: r.machine,
        cmid: r.cmid,
        licenseState: r.licenseState,
        minutesLeft: r.minutesLeft,
        activationId: r.activationId,
        productName: r.product.name,
        isVm: r.isVm,
        minimumCount: r.minimumCount,
        source: r.source,
      }));
  }

  async dailyActivity(host: string | null, from: number, to: number): Promise<DailyActivityRow[]> {
    const wantedHost = host?.toLowerCase() ?? null;
    const groups = new Map<string, { row: DailyActivityRow; cmids: Set<string> }>();
    for (const r of this.requestsIn(from, to)) {
      if (wantedHost !== null && r.host.toLowerCase() !== wantedHost) continue;
      const day = Math.floor(r.time / DAY_MS) * DAY_MS;
      const key = `${r.host.toLowerCase()}\u0000${r.product.application}\u0000${day}`;
      const g = groups.get(key) ?? { row: { host: this.hostName(r.host), application: r.product.application, day, clients: 0, requests: 0 }, cmids: new Set<string>() };
      g.row.requests++;
      if (r.result === 0) g.cmids.add(r.cmid.toLowerCase());
      groups.set(key, g);
    }
    const rows = [...groups.values()].map(({ row, cmids }) => ({ ...row, clients: cmids.size }));
    return rows.sort((a, b) => a.day - b.day || compare(a.host.toLowerCase(), b.host.toLowerCase()) || compare(a.application, b.application));
  }

  async markDamaged(marks: readonly DamageMark[]): Promise<void> {
    this.assertOpen();
    for (const m of marks) {
      const key = markKey(m.host, m.channel, m.recordId, m.time);
      if (!this.damage.has(key)) this.damage.set(key, { ...m });
    }
  }

  async damagedEvents(at: number): Promise<DamagedEventRow[]> {
    const rows: (DamagedEventRow & { hostKey: string })[] = [];
    const visit = (r: KmsRecord) => {
      if (r.recordId === null || r.time > at) return;
      const mark = this.damage.get(markKey(r.host, r.channel, r.recordId, r.time));
      if (mark === undefined) return;
      const request = r.kind === 'request' ? r : null;
      rows.push({
        kind: r.kind,
        host: this.hostName(r.host),
        hostKey: r.host.toLowerCase(),
        channel: r.channel,
        recordId: r.recordId,
        time: r.time,
        file: mark.file,
        chunk: mark.chunk,
        checks: mark.checks,
        machine: request?.machine ?? null,
        cmid: request?.cmid ?? null,
        result: request?.result ?? null,
      });
    };
    for (const list of [this.requests, this.hostEvents, this.clientEvents, this.anomalyList] as Stored<KmsRecord>[][]) for (const s of list) visit(s.record);
    rows.sort((a, b) => compare(a.file, b.file) || a.chunk - b.chunk || compare(a.hostKey, b.hostKey) || compare(a.channel, b.channel) || a.recordId - b.recordId || a.time - b.time);
    return rows.map(({ hostKey: _k, ...row }) => row);
  }

  async alertStates(): Promise<AlertState[]> {
    return [...this.alerts.values()].map((a) => ({ ...a }));
  }

  async saveAlertStates(states: readonly AlertState[]): Promise<void> {
    this.assertOpen();
    for (const s of states) this.alerts.set(s.id, { ...s });
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.assertOpen();
    this.meta.set(key, value);
  }

  async getMeta(key: string): Promise<string | null> {
    return this.meta.get(key) ?? null;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** The display name of a host as the SQL backends' host_names view gives it (first spelling of its checkpoints). */
  private checkpointHostName(key: string): string {
    const names = [...this.checkpointHostNames].filter(([k]) => k.startsWith(`${key}\u0000`)).map(([, name]) => name);
    return names.length === 0 ? key : names.reduce((a, b) => (b < a ? b : a));
  }

  private hostName(host: string): string {
    return this.hostNames.get(host.toLowerCase()) ?? host;
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('memory store is closed', 'STORE_WRITE');
  }

  private requestsUpTo(at: number): KmsRequest[] {
    return this.requests.filter((s) => s.record.time <= at).map((s) => s.record);
  }

  /** Requests in the left-open, right-closed interval (from, to]. */
  private requestsIn(from: number, to: number): KmsRequest[] {
    return this.requests.filter((s) => s.record.time > from && s.record.time <= to).map((s) => s.record);
  }

  private successesIn(from: number, to: number): KmsRequest[] {
    return this.requestsIn(from, to).filter((r) => r.result === 0);
  }
}

/**
 * The dedup key of docs/definitions.md: (host lower-case, channel, record id, time truncated to the
 * second). Without a record id (Event Viewer CSV) the event's content stands in for it; the memory
 * store keeps the content as text rather than hashing it, which is equivalent.
 */
export function dedupKey(record: KmsRecord): string {
  const head = `${record.host.toLowerCase()}\u0000${record.channel}\u0000`;
  const second = Math.floor(record.time / 1000);
  if (record.recordId !== null) return `${head}${record.recordId}\u0000${second}`;
  return `${head}~${record.eventId}\u0000${second}\u0000${contentOf(record)}`;
}

/** The key of an event with a record id: dedupKey()'s, from the fields a damage mark keeps. */
function markKey(host: string, channel: string, recordId: number, time: number): string {
  return `${host.toLowerCase()}\u0000${channel}\u0000${recordId}\u0000${Math.floor(time / 1000)}`;
}

function contentOf(record: KmsRecord): string {
  switch (record.kind) {
    case 'request':
      return [
        record.resultHex,
        record.minimumCount,
        record.machine,
        record.cmid,
        record.clientTimeText,
        record.isVm ? 1 : 0,
        record.licenseState,
        record.minutesLeft,
        record.activationId,
      ].join(',');
    case 'host':
      return [record.type, record.resultHex ?? '', record.domain ?? '', record.detail].join('\u0001');
    case 'client':
      return Object.entries(record.fields)
        .map(([k, v]) => `${k}=${v}`)
        .join('\u0001');
    case 'anomaly':
      return [record.provider, record.reason, record.raw].join('\u0001');
  }
}

/** What two exports of a request share (copies.ts), from the record's text. */
function requestContentOf(r: KmsRequest): string {
  return [r.resultHex, r.minimumCount, r.machine.toLowerCase(), r.cmid.toLowerCase(), r.clientTimeText, r.isVm ? 1 : 0, r.licenseState, r.minutesLeft, r.activationId.toLowerCase()].join('|');
}

function copyKeyOf(r: KmsRecord, content: string): CopyKey {
  return {
    kind: r.kind, hostKey: r.host.toLowerCase(), channel: r.channel, second: Math.floor(r.time / 1000), time: r.time,
    recordId: r.recordId ?? null, eventId: r.eventId, content, source: r.source,
  };
}

function validateRecord(record: KmsRecord, index: number): void {
  const fail = (why: string): never => {
    throw new StoreError(`record ${index} of the batch (${record?.source ?? 'unknown source'}): ${why}`, 'STORE_WRITE');
  };
  if (!record || typeof record !== 'object') fail('not a record');
  if (!['request', 'host', 'client', 'anomaly'].includes(record.kind)) fail(`unknown kind ${String(record.kind)}`);
  if (typeof record.host !== 'string') fail('host is not a string');
  if (typeof record.channel !== 'string') fail('channel is not a string');
  if (!Number.isFinite(record.time)) fail('time is not a number');
  if (record.recordId !== null && !Number.isFinite(record.recordId)) fail('record id is not a number');
  if (record.kind === 'request') {
    if (typeof record.cmid !== 'string' || typeof record.machine !== 'string') fail('request without cmid or machine');
    if (!record.product || typeof record.product.application !== 'string') fail('request without product');
  }
}

function matchesFilter(row: ClientRow, f: ClientFilter): boolean {
  if (f.host !== undefined && row.host.toLowerCase() !== f.host.toLowerCase()) return false;
  if (f.application !== undefined && row.application !== f.application) return false;
  if (f.state !== undefined && row.licenseState !== f.state) return false;
  if (f.vm !== undefined && row.isVm !== f.vm) return false;
  if (f.activationId !== undefined && row.activationId.toLowerCase() !== f.activationId.toLowerCase()) return false;
  if (f.search !== undefined) {
    const needle = f.search.toLowerCase();
    if (!row.machine.toLowerCase().includes(needle) && !row.cmid.toLowerCase().includes(needle)) return false;
  }
  return true;
}

/** Later event time wins; then the higher record id; then the later insertion. */
function isLater<T extends KmsRecord>(a: Stored<T>, b: Stored<T>): boolean {
  if (a.record.time !== b.record.time) return a.record.time > b.record.time;
  const ra = a.record.recordId ?? -1;
  const rb = b.record.recordId ?? -1;
  if (ra !== rb) return ra > rb;
  return a.seq > b.seq;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortBy<T>(rows: T[], key: (row: T) => string): T[] {
  return rows.sort((a, b) => compare(key(a), key(b)));
}
