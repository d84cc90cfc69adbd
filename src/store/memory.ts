import type { DiscoveryCheck } from '../discover/index.js';
import type { KmsApplication, KmsRecord, KmsRequest } from '../kms/types.js';
import {
  StoreError,
  type AlertState,
  type AnomalyRow,
  type Checkpoint,
  type ClientEventRow,
  type ClientRequestRow,
  type PairedClientRequests,
  type ClientSideFacts,
  type ClientsNaming,
  type ClientFilter,
  type ClientRow,
  type ClientSelection,
  type CountedNewestRow,
  type FailureCountRow,
  type CloneRow,
  type DailyActivityRow,
  type DamageMark,
  type DamagedEventRow,
  type FailureRow,
  type HostActivityRow,
  type HostEventCountRow,
  type LogClearRow,
  type LogSpan,
  type LogSpanRow,
  type MigrationReport,
  type ProductRow,
  type ProductSeenRow,
  type PruneResult,
  type RequestRow,
  type Store,
  type TotalsRow,
  type WindowActiveRow,
  type ActiveSeriesRow,
  type WindowCountRow,
  type WriteResult,
} from './types.js';
import { checkBatchRecord, checkpointId, planBatch } from './batch-plan.js';
import { eventContent, emptyVerdict, type CopyKey, type CopyVerdict } from './copies.js';
import { copyWork, judgeBatch, type BatchRequests } from './copy-candidates.js';
import { withCopies } from './copy-result.js';
import { dedupKey, hostKey } from './dedup.js';
import { textWithoutNul, withoutNul } from './nul.js';
import { clientFields } from './queries/client-events.js';
import { discoveryOf, discoveryRow, type DiscoveryRow } from './queries/discovery.js';
import { clientSideFactsOf, clientsNamingOf, combineMinimums, deltaIndex, inWindow, isSelected, latestFirst, pairedRequestsOf, spansOfTimes, utcDayStart } from './rules/index.js';
import { batchSpans, mergeSpan } from './spans.js';

/**
 * A Store kept in plain arrays and maps. It runs in a browser (no Node APIs) and serves as the
 * second, independent implementation the SQL backends are compared with, so it favours obvious
 * code over speed: every query is a scan. The rules it shares with the SQL writers come from the
 * same modules: the dedup identity (dedup.ts), log clears and epochs (batch-plan.ts), copies the
 * key cannot tell (copies.ts), coverage (spans.ts), the latest order and the window (rules/).
 * Semantics: docs/definitions.md.
 */
export function createMemoryStore(): Store {
  return new MemoryStore();
}

type Kind = KmsRecord['kind'];
type OfKind<K extends Kind> = Extract<KmsRecord, { kind: K }>;

interface Stored<T extends KmsRecord = KmsRecord> {
  record: T;
  /** Insertion order, the last tie-breaker of the latest order. */
  seq: number;
}

/** The WriteResult and PruneResult field that counts each kind. */
const COUNT_OF = { request: 'requests', host: 'hostEvents', client: 'clientEvents', anomaly: 'anomalies' } as const;

/** An event's dedup identity within its host and log (dedup.ts), the key of its damage marks. */
function eventKey(record: KmsRecord): string {
  return `${hostKey(record.host)}\u0000${record.channel}\u0000${dedupKey(record)}`;
}

/** A stored event's identity: each kind has its own, as each has its own table in SQL. */
function identity(record: KmsRecord): string {
  return `${record.kind}\u0000${eventKey(record)}`;
}

/** The event key a damage mark names (dedup.ts reads only the record id and time of an event that has one). */
function markKey(m: DamageMark): string {
  return eventKey({ host: m.host, channel: m.channel, recordId: m.recordId, time: m.time } as KmsRecord);
}

class MemoryStore implements Store {
  readonly backend = 'memory' as const;
  readonly readOnly = false;

  /** Every stored event by its identity, in storage order. */
  private events = new Map<string, Stored>();
  private seq = 0;
  /** Checkpoints by checkpointId(host key, channel). */
  private readonly checkpointMap = new Map<string, Checkpoint>();
  private readonly clears: LogClearRow[] = [];
  private readonly alerts = new Map<string, AlertState>();
  private readonly meta = new Map<string, string>();
  /** Damage marks by the event key they name; the first mark of an event wins. */
  private damage = new Map<string, DamageMark>();
  /** Host names compare case-insensitively; every query shows the spelling first stored. */
  private readonly hostNames = new Map<string, string>();
  /** Stretches of each host's logs read (store/spans.ts). */
  private spans: LogSpan[] = [];
  /** Discovery checks as their rows store them, by checkedAt and seenFrom. */
  private readonly discoveries = new Map<string, DiscoveryRow>();
  private closed = false;

  async migrate(): Promise<MigrationReport> {
    return { applied: [], current: 0 };
  }

  async writeBatch(input: readonly KmsRecord[]): Promise<WriteResult> {
    this.assertOpen();
    // as the SQL backends store them: each NUL as U+FFFD (nul.ts)
    const records = withoutNul(input);
    // check everything first so a bad record leaves the store untouched (all or nothing)
    records.forEach(checkRecord);
    const keys = records.map(identity);
    // copies of stored events the key cannot tell (no record id, no log, times off): copies.ts
    const copies = this.copyVerdict(records, keys);
    const plan = planBatch(records, this.checkpointMap, Date.now(), true, copies.unplanned);

    const result: WriteResult = { requests: 0, hostEvents: 0, clientEvents: 0, anomalies: 0, duplicates: 0, logClears: 0 };
    records.forEach((record, i) => {
      if (copies.notStored.has(i) || this.events.has(keys[i])) return;
      this.events.set(keys[i], { record, seq: this.seq++ });
      if (!this.hostNames.has(hostKey(record.host))) this.hostNames.set(hostKey(record.host), record.host);
      result[COUNT_OF[record.kind]]++;
    });
    withCopies(result, records.length, copies);

    for (const cp of plan.checkpoints) {
      const { hostKey: key, ...checkpoint } = cp;
      this.checkpointMap.set(checkpointId(key, cp.channel), checkpoint);
    }
    for (const clear of plan.logClears) {
      // shown with its checkpoint's spelling, the first of its (host, channel)
      const host = this.checkpointMap.get(checkpointId(clear.hostKey, clear.channel))?.host ?? clear.host;
      const { channel, epoch, detectedAt, previousLastRecordId, firstRecordId } = clear;
      this.clears.push({ host, channel, epoch, detectedAt, previousLastRecordId, firstRecordId });
      result.logClears++;
    }
    for (const span of batchSpans(plan, copies.unplanned)) {
      const group = this.spans.filter((s) => s.hostKey === span.hostKey && s.channel === span.channel && s.epoch === span.epoch && s.source === span.source);
      const { remove, write } = mergeSpan(group, span);
      this.spans = this.spans.filter((s) => !(group.includes(s) && remove.includes(s.spanKey)));
      this.spans.push(write);
    }
    return result;
  }

  /** copies.ts over this store: every stored event is at hand, so every new request is looked at. */
  private copyVerdict(records: readonly KmsRecord[], keys: readonly string[]): CopyVerdict {
    const positions: number[] = [];
    const fresh: number[] = [];
    const inBatch = new Set<string>();
    records.forEach((r, i) => {
      if (r.kind !== 'request') return;
      if (!this.events.has(keys[i]) && !inBatch.has(keys[i])) fresh.push(positions.length);
      inBatch.add(keys[i]);
      positions.push(i);
    });
    const cmidIds = new Map<string, number>();
    const cmidId = (cmid: string): number => {
      const c = cmid.toLowerCase();
      if (!cmidIds.has(c)) cmidIds.set(c, cmidIds.size);
      return cmidIds.get(c)!;
    };
    const request = (row: number) => records[positions[row]] as KmsRequest;
    const requests: BatchRequests = {
      rows: positions.length, positionOf: (row) => positions[row], fresh, looseAt: () => true, hostId: () => 0,
      content: (row) => requestContentOf(request(row)), cmidId: (row) => cmidId(request(row).cmid),
    };
    const work = copyWork(records, this.checkpointMap, requests, (key) => this.spans.some((s) => s.hostKey === key && s.zone !== null));
    if (work.candidates.length === 0) return emptyVerdict();
    const stored: CopyKey[] = [];
    for (const q of work.questions) {
      for (const { record: r } of this.events.values()) {
        if (hostKey(r.host) !== q.hostKey) continue;
        if (r.kind === 'request') {
          const second = Math.floor(r.time / 1000);
          if (second >= q.fromSecond && second <= q.toSecond && q.cmidIds.has(cmidId(r.cmid))) stored.push(copyKeyOf(r, requestContentOf(r)));
        } else if (q.events && r.time >= q.from && r.time <= q.to) {
          stored.push(copyKeyOf(r, eventContent(r as Parameters<typeof eventContent>[0])));
        }
      }
    }
    const localSources = new Map(this.spans.filter((s) => s.zone !== null).map((s) => [s.source, s.zone as string]));
    return judgeBatch(records, work, stored, localSources);
  }

  async prune(before: number, options: { dryRun?: boolean } = {}): Promise<PruneResult> {
    this.assertOpen();
    const dryRun = options.dryRun === true;
    const result: PruneResult = {
      before, dryRun, requests: 0, hostEvents: 0, clientEvents: 0, anomalies: 0, damageMarks: 0, logSpans: 0, clientsRemoved: 0,
    };
    const gone = [...this.events].filter(([, s]) => s.record.time < before);
    const goneEventKeys = new Set<string>();
    for (const [, { record }] of gone) {
      result[COUNT_OF[record.kind]]++;
      goneEventKeys.add(eventKey(record));
    }
    // a mark goes with the event it names; one that names no stored event stays
    const marksGone = [...this.damage.keys()].filter((key) => goneEventKeys.has(key));
    // a stretch read across `before` now holds only what is kept: it starts there (its record ids
    // and event count stay as read)
    const spansKept = this.spans.filter((s) => s.lastTime >= before).map((s) => ({ ...s, firstTime: Math.max(s.firstTime, before) }));
    const cmidsBefore = new Set(this.list('request').map((s) => s.record.cmid.toLowerCase()));
    const cmidsAfter = new Set(this.list('request').filter((s) => s.record.time >= before).map((s) => s.record.cmid.toLowerCase()));
    result.damageMarks = marksGone.length;
    result.logSpans = this.spans.length - spansKept.length;
    result.clientsRemoved = cmidsBefore.size - cmidsAfter.size;
    if (!dryRun) {
      for (const [key] of gone) this.events.delete(key);
      for (const key of marksGone) this.damage.delete(key);
      this.spans = spansKept;
    }
    return result;
  }

  async checkpoints(): Promise<Checkpoint[]> {
    return [...this.checkpointMap.values()].map((c) => ({ ...c }));
  }

  async checkpoint(host: string, channel: string): Promise<Checkpoint | null> {
    const cp = this.checkpointMap.get(checkpointId(hostKey(host), channel));
    return cp ? { ...cp } : null;
  }

  async totals(at: number): Promise<TotalsRow> {
    const reqs = this.requestsUpTo(at);
    return {
      requests: reqs.length,
      clients: new Set(reqs.map((r) => r.cmid.toLowerCase())).size,
      machines: new Set(reqs.map((r) => r.machine.toLowerCase())).size,
      hosts: new Set(reqs.map((r) => hostKey(r.host))).size,
      anomalies: this.list('anomaly').filter((a) => a.record.time <= at).length,
    };
  }

  async hostActivity(at: number): Promise<HostActivityRow[]> {
    const byHost = new Map<string, HostActivityRow>();
    const row = (host: string): HostActivityRow => {
      const key = hostKey(host);
      if (!byHost.has(key)) byHost.set(key, { host: this.hostName(host), requests: 0, firstRequestAt: null, lastRequestAt: null });
      return byHost.get(key)!;
    };
    for (const { record: h } of this.list('host')) if (h.time <= at) row(h.host);
    for (const r of this.requestsUpTo(at)) {
      const g = row(r.host);
      g.requests++;
      g.firstRequestAt = Math.min(g.firstRequestAt ?? r.time, r.time);
      g.lastRequestAt = Math.max(g.lastRequestAt ?? r.time, r.time);
    }
    return sortBy([...byHost.values()], (r) => hostKey(r.host));
  }

  async windowCounts(from: number, to: number): Promise<WindowCountRow[]> {
    const groups = new Map<string, { host: string; application: KmsApplication; minimumCount: number; cmids: Set<string> }>();
    for (const r of this.successesIn(from, to)) {
      const key = `${hostKey(r.host)}\u0000${r.product.application}\u0000${r.minimumCount}`;
      const g = groups.get(key) ?? { host: this.hostName(r.host), application: r.product.application, minimumCount: r.minimumCount, cmids: new Set() };
      g.cmids.add(r.cmid.toLowerCase());
      groups.set(key, g);
    }
    const rows = [...groups.values()].map((g) => ({ host: g.host, application: g.application, minimumCount: g.minimumCount, clients: g.cmids.size }));
    return rows.sort((a, b) => compare(hostKey(a.host), hostKey(b.host)) || compare(a.application, b.application) || b.minimumCount - a.minimumCount);
  }

  async activeSeries(first: number, step: number, count: number): Promise<ActiveSeriesRow[]> {
    if (count <= 0) return [];
    const last = first + (count - 1) * step;
    const groups = new Map<string, { host: string; application: KmsApplication; byCmid: Map<string, { time: number; minimum: number }[]> }>();
    // every success up to `last`: a run that starts earlier brings its minimum count (rules/activity.ts)
    for (const r of this.successesIn(Number.NEGATIVE_INFINITY, last)) {
      const key = `${hostKey(r.host)}\u0000${r.product.application}`;
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = { host: this.hostName(r.host), application: r.product.application, byCmid: new Map() }));
      const cmid = r.cmid.toLowerCase();
      const runs = g.byCmid.get(cmid);
      if (runs) runs.push({ time: r.time, minimum: r.minimumCount });
      else g.byCmid.set(cmid, [{ time: r.time, minimum: r.minimumCount }]);
    }
    const rows: ActiveSeriesRow[] = [];
    for (const g of groups.values()) {
      const perMinimum = new Map<number, Map<number, number>>();
      const add = (minimum: number, k: number, d: number) => {
        const deltas = perMinimum.get(minimum) ?? new Map<number, number>();
        perMinimum.set(minimum, deltas.set(k, (deltas.get(k) ?? 0) + d));
      };
      for (const successes of g.byCmid.values()) {
        for (const span of spansOfTimes(successes)) {
          if (span.stop <= first || span.start > last) continue;
          add(span.minimum, deltaIndex(span.start, first, step), 1);
          if (span.stop <= last) add(span.minimum, deltaIndex(span.stop, first, step), -1);
        }
      }
      const series = combineMinimums(perMinimum, count);
      if (series.active.some((n) => n > 0)) rows.push({ host: g.host, application: g.application, ...series });
    }
    return sortBy(rows, (r) => `${hostKey(r.host)}\u0000${r.application}`);
  }

  async windowActive(from: number, to: number): Promise<WindowActiveRow[]> {
    const groups = new Map<string, { host: string; application: KmsApplication; maxMinimum: number; cmids: Set<string> }>();
    for (const r of this.successesIn(from, to)) {
      const key = `${hostKey(r.host)}\u0000${r.product.application}`;
      const g = groups.get(key) ?? { host: this.hostName(r.host), application: r.product.application, maxMinimum: 0, cmids: new Set() };
      g.cmids.add(r.cmid.toLowerCase());
      g.maxMinimum = Math.max(g.maxMinimum, r.minimumCount);
      groups.set(key, g);
    }
    const rows = [...groups.values()].map((g) => ({ host: g.host, application: g.application, active: g.cmids.size, maxMinimum: g.maxMinimum }));
    return sortBy(rows, (r) => `${hostKey(r.host)}\u0000${r.application}`);
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
      const key = `${r.machine.toLowerCase()}\u0000${r.cmid.toLowerCase()}\u0000${hostKey(r.host)}\u0000${r.result}`;
      const g = groups.get(key) ?? { machine: r.machine, cmid: r.cmid, host: this.hostName(r.host), result: r.result, requests: 0, lastAt: r.time, productName: r.product.name };
      g.requests++;
      g.lastAt = Math.max(g.lastAt, r.time);
      if (compare(r.product.name, g.productName) < 0) g.productName = r.product.name;
      groups.set(key, g);
    }
    return [...groups.values()].sort((a, b) => b.requests - a.requests || compare(a.machine.toLowerCase(), b.machine.toLowerCase()) || a.result - b.result);
  }

  async latestClients(at: number, filter: ClientFilter = {}): Promise<ClientRow[]> {
    const groups = new Map<string, { latest: KmsRequest; firstSeen: number; requests: number }>();
    // latest first: the first request of each client is its latest
    for (const r of this.newestFirst(this.list('request')).map((s) => s.record)) {
      if (r.time > at) continue;
      const key = `${r.cmid.toLowerCase()}\u0000${r.product.application}`;
      const g = groups.get(key) ?? { latest: r, firstSeen: r.time, requests: 0 };
      g.requests++;
      g.firstSeen = Math.min(g.firstSeen, r.time);
      groups.set(key, g);
    }
    const rows: ClientRow[] = [];
    for (const { latest: r, firstSeen, requests } of groups.values()) {
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
        firstSeen,
        requests,
      };
      if (matchesFilter(row, filter)) rows.push(row);
    }
    return rows.sort((a, b) => compare(a.machine.toLowerCase(), b.machine.toLowerCase()) || compare(a.cmid, b.cmid) || compare(a.application, b.application));
  }

  async failureCounts(at: number): Promise<FailureCountRow[]> {
    const groups = new Map<string, FailureCountRow>();
    for (const r of this.requestsUpTo(at)) {
      if (r.result === 0) continue;
      const key = `${hostKey(r.host)}\u0000${r.result}`;
      const g = groups.get(key) ?? { host: this.hostName(r.host), result: r.result, requests: 0 };
      g.requests++;
      groups.set(key, g);
    }
    return [...groups.values()].sort((a, b) => compare(hostKey(a.host), hostKey(b.host)) || a.result - b.result);
  }

  async selectedClients(at: number, selection: ClientSelection): Promise<ClientRow[]> {
    return (await this.latestClients(at)).filter((c) => isSelected(c, selection));
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

  async productsSeen(at: number): Promise<ProductSeenRow[]> {
    return (await this.products(at))
      .map(({ activationId, productName, application }) => ({ activationId, productName, application }))
      .sort((a, b) => compare(a.productName, b.productName) || compare(a.activationId, b.activationId));
  }

  async anomalies(at: number, limit: number): Promise<{ total: number; rows: AnomalyRow[] }> {
    // newest first by time, then storage order (not the latest order: record ids play no part)
    const all = this.list('anomaly')
      .filter((a) => a.record.time <= at)
      .sort((a, b) => b.record.time - a.record.time || b.seq - a.seq);
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
    const groups = new Map<string, HostEventCountRow>();
    // latest first: the first event of each group names its last result and domain
    for (const { record: h } of this.newestFirst(this.list('host'))) {
      if (h.time > at) continue;
      const key = `${hostKey(h.host)}\u0000${h.type}`;
      const g = groups.get(key) ?? { host: this.hostName(h.host), type: h.type, count: 0, lastAt: h.time, lastResultHex: h.resultHex, lastDomain: h.domain };
      g.count++;
      groups.set(key, g);
    }
    return sortBy([...groups.values()], (r) => `${hostKey(r.host)}\u0000${r.type}`);
  }

  async logClears(): Promise<LogClearRow[]> {
    return this.clears.map((c) => ({ ...c }));
  }

  async coverage(hosts?: readonly string[]): Promise<LogSpanRow[]> {
    const keys = hosts === undefined ? null : new Set(hosts.map(hostKey));
    return [...this.spans]
      .filter((s) => keys === null || keys.has(s.hostKey))
      .sort((a, b) => compare(a.hostKey, b.hostKey) || compare(a.channel, b.channel) || a.epoch - b.epoch || a.firstTime - b.firstTime || compare(a.source, b.source) || compare(a.spanKey, b.spanKey))
      .map((s) => ({ host: this.checkpointHostName(s.hostKey), ...s }));
  }

  async countedNewest(from: number, to: number, limit: number): Promise<CountedNewestRow[]> {
    const byCmid = new Map<string, CountedNewestRow>();
    for (const r of this.successesIn(from, to)) {
      const key = `${hostKey(r.host)}\u0000${r.product.application}\u0000${r.cmid.toLowerCase()}`;
      const seen = byCmid.get(key);
      if (seen === undefined) byCmid.set(key, { host: this.hostName(r.host), application: r.product.application, minimumCount: r.minimumCount, lastSeen: r.time });
      else {
        seen.minimumCount = Math.max(seen.minimumCount, r.minimumCount);
        seen.lastSeen = Math.max(seen.lastSeen, r.time);
      }
    }
    const groups = new Map<string, CountedNewestRow[]>();
    for (const c of byCmid.values()) {
      const key = `${hostKey(c.host)}\u0000${c.application}\u0000${c.minimumCount}`;
      const list = groups.get(key);
      if (list) list.push(c);
      else groups.set(key, [c]);
    }
    const rows = [...groups.values()].flatMap((list) => list.sort((a, b) => b.lastSeen - a.lastSeen).slice(0, Math.max(0, limit)));
    return rows.sort(
      (a, b) => compare(hostKey(a.host), hostKey(b.host)) || compare(a.application, b.application) || b.minimumCount - a.minimumCount || b.lastSeen - a.lastSeen,
    );
  }

  async clientRequests(cmid: string, limit: number): Promise<RequestRow[]> {
    const wanted = cmid.toLowerCase();
    return this.newestFirst(this.list('request').filter((s) => s.record.cmid.toLowerCase() === wanted))
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
    const groups = new Map<string, { row: DailyActivityRow; cmids: Set<string> }>();
    for (const r of this.requestsIn(from, to)) {
      if (host !== null && hostKey(r.host) !== hostKey(host)) continue;
      const day = utcDayStart(r.time);
      const key = `${hostKey(r.host)}\u0000${r.product.application}\u0000${day}`;
      const g = groups.get(key) ?? { row: { host: this.hostName(r.host), application: r.product.application, day, clients: 0, requests: 0 }, cmids: new Set<string>() };
      g.row.requests++;
      if (r.result === 0) g.cmids.add(r.cmid.toLowerCase());
      groups.set(key, g);
    }
    const rows = [...groups.values()].map(({ row, cmids }) => ({ ...row, clients: cmids.size }));
    return rows.sort((a, b) => a.day - b.day || compare(hostKey(a.host), hostKey(b.host)) || compare(a.application, b.application));
  }

  async clientEvents(from: number, to: number): Promise<ClientEventRow[]> {
    return this.list('client')
      .filter(({ record: e }) => (e.eventId === 12288 || e.eventId === 12289) && inWindow(e.time, from, to))
      .sort((a, b) => a.record.time - b.record.time || compare(hostKey(a.record.host), hostKey(b.record.host))
        || recordOrder(a.record.recordId, b.record.recordId) || a.seq - b.seq)
      .map(({ record: e }) => ({
        computer: this.checkpointHostName(hostKey(e.host)),
        eventId: e.eventId as ClientEventRow['eventId'],
        time: e.time,
        recordId: e.recordId,
        result: e.result,
        resultHex: e.resultHex,
        // through the JSON text the SQL backends keep (columns.ts)
        fields: clientFields(JSON.stringify(e.fields)),
      }));
  }

  async pairedClientRequests(from: number, to: number): Promise<PairedClientRequests> {
    // paired over every stored event, in storage order, as the SQL backends keep it (rules/client-pairing.ts)
    const stored = this.list('client').sort((a, b) => a.seq - b.seq);
    const seq = new Map<ClientRequestRow, number>();
    const requests = pairedRequestsOf(stored.map(({ record: e }) => ({
      computer: hostKey(e.host), eventId: e.eventId as ClientEventRow['eventId'], time: e.time, recordId: e.recordId, result: e.result, resultHex: e.resultHex, fields: e.fields,
    })));
    requests.forEach((r, i) => seq.set(r, i));
    const inside = requests
      .filter((r) => inWindow(r.time, from, to))
      .sort((a, b) => a.time - b.time || compare(a.computer, b.computer) || recordOrder(a.recordId, b.recordId) || seq.get(a)! - seq.get(b)!)
      .map((r) => ({ ...r, computer: this.checkpointHostName(r.computer) }));
    return { requests: inside, responses: stored.filter(({ record: e }) => e.eventId === 12289 && inWindow(e.time, from, to)).length };
  }

  async clientSideFacts(from: number, to: number, limit: number): Promise<ClientSideFacts> {
    const { requests, responses } = await this.pairedClientRequests(from, to);
    return clientSideFactsOf(requests, responses, to, limit);
  }

  async clientsNaming(from: number, to: number, kmsHosts: readonly (string | null)[], limit: number): Promise<ClientsNaming> {
    return clientsNamingOf((await this.pairedClientRequests(from, to)).requests, kmsHosts, limit);
  }

  async saveDiscovery(check: DiscoveryCheck): Promise<void> {
    this.assertOpen();
    let row: DiscoveryRow;
    try {
      row = discoveryRow(check);
    } catch (err) {
      throw new StoreError(`saving a discovery check failed: ${(err as Error).message}`, 'STORE_WRITE', { cause: err });
    }
    this.discoveries.set(`${row.checkedAt}\u0000${row.seenFrom}`, row);
  }

  async latestDiscovery(at: number): Promise<DiscoveryCheck | null> {
    const [newest] = [...this.discoveries.values()]
      .filter((d) => d.checkedAt <= at)
      .sort((a, b) => b.checkedAt - a.checkedAt || compare(a.seenFrom, b.seenFrom));
    return newest === undefined ? null : discoveryOf(newest.document, newest.checkedAt);
  }

  async markDamaged(marks: readonly DamageMark[]): Promise<void> {
    this.assertOpen();
    for (const mark of marks) {
      // the keys as writeBatch stores them (nul.ts)
      const m = { ...mark, host: textWithoutNul(mark.host), channel: textWithoutNul(mark.channel), file: textWithoutNul(mark.file) };
      const key = markKey(m);
      if (!this.damage.has(key)) this.damage.set(key, m);
    }
  }

  async damagedEvents(at: number): Promise<DamagedEventRow[]> {
    const rows: (DamagedEventRow & { hostKey: string })[] = [];
    for (const { record: r } of this.events.values()) {
      if (r.recordId === null || r.time > at) continue;
      const mark = this.damage.get(eventKey(r));
      if (mark === undefined) continue;
      const request = r.kind === 'request' ? r : null;
      rows.push({
        kind: r.kind,
        host: this.hostName(r.host),
        hostKey: hostKey(r.host),
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
    }
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

  /** The display name of a host as the SQL backends' host_names view gives it (least spelling among its checkpoints). */
  private checkpointHostName(key: string): string {
    const names = [...this.checkpointMap.values()].filter((cp) => hostKey(cp.host) === key).map((cp) => cp.host);
    return names.length === 0 ? key : names.reduce((a, b) => (b < a ? b : a));
  }

  private hostName(host: string): string {
    return this.hostNames.get(hostKey(host)) ?? host;
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('memory store is closed', 'STORE_WRITE');
  }

  /** The stored events of one kind, in storage order. */
  private list<K extends Kind>(kind: K): Stored<OfKind<K>>[] {
    return [...this.events.values()].filter((s): s is Stored<OfKind<K>> => s.record.kind === kind);
  }

  private newestFirst<T extends KmsRecord>(list: Stored<T>[]): Stored<T>[] {
    const key = (s: Stored<T>) => ({ time: s.record.time, recordId: s.record.recordId, stored: s.seq });
    return list.sort((a, b) => latestFirst(key(a), key(b)));
  }

  private requestsUpTo(at: number): KmsRequest[] {
    return this.list('request').map((s) => s.record).filter((r) => r.time <= at);
  }

  private requestsIn(from: number, to: number): KmsRequest[] {
    return this.list('request').map((s) => s.record).filter((r) => inWindow(r.time, from, to));
  }

  private successesIn(from: number, to: number): KmsRequest[] {
    return this.requestsIn(from, to).filter((r) => r.result === 0);
  }
}

/** checkBatchRecord (batch-plan.ts), and the product every query of this store reads of a request. */
function checkRecord(record: KmsRecord, index: number): void {
  checkBatchRecord(record, index);
  if (record.kind === 'request' && typeof record.product?.application !== 'string') {
    throw new StoreError(`record ${index} of the batch (${record.source}): request without product`, 'STORE_WRITE');
  }
}

/** What two exports of a request share (copies.ts), from the record's text. */
function requestContentOf(r: KmsRequest): string {
  return [r.resultHex, r.minimumCount, r.machine.toLowerCase(), r.cmid.toLowerCase(), r.clientTimeText, r.isVm ? 1 : 0, r.licenseState, r.minutesLeft, r.activationId.toLowerCase()].join('|');
}

function copyKeyOf(r: KmsRecord, content: string): CopyKey {
  return {
    kind: r.kind, hostKey: hostKey(r.host), channel: r.channel, second: Math.floor(r.time / 1000), time: r.time,
    recordId: r.recordId ?? null, eventId: r.eventId, content, source: r.source,
  };
}

function matchesFilter(row: ClientRow, f: ClientFilter): boolean {
  if (f.host !== undefined && hostKey(row.host) !== hostKey(f.host)) return false;
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

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortBy<T>(rows: T[], key: (row: T) => string): T[] {
  return rows.sort((a, b) => compare(key(a), key(b)));
}

/** Record ids in order, events without one after those with one. */
function recordOrder(a: number | null, b: number | null): number {
  return a === null || b === null ? Number(a === null) - Number(b === null) : a - b;
}
