import type { Driver } from './driver.js';
import { ACTIVITY_COLUMNS, ACTIVITY_CONFLICT, activityOfKeysSql, deleteActivitySql } from './queries/activity.js';
import { num, str } from './queries/query.js';
import { ACTIVE_MS, mergeSpans, spansOfTimes, type ActivitySpan } from './rules/activity.js';

/** One new request of a batch, as the writer holds it (daily.ts counts them all, activity the successes). */
export interface BatchRequest {
  hostId: number;
  application: string;
  cmidId: number;
  time: number;
  minimum: number;
  ok: boolean;
}

/** A batch's successful requests of one client (host, application, CMID). */
export interface ClientSuccesses {
  hostId: number;
  application: string;
  cmidId: number;
  successes: BatchRequest[];
  /** Its newest success stored before the batch (the last span's stop - ACTIVE_MS); set by updateActivity. */
  storedLatest?: number;
}

/**
 * Clients by number: host and application first (few), then the CMID id. Numbers, not text keys:
 * a batch of 50,000 requests is grouped here once per batch.
 */
export class ClientMap<T> {
  private readonly applications = new Map<string, number>();
  private readonly byHost = new Map<number, Map<number, T>>();

  get(hostId: number, application: string, cmidId: number): T | undefined {
    return this.byHost.get(this.hostKey(hostId, application))?.get(cmidId);
  }

  set(hostId: number, application: string, cmidId: number, value: T): void {
    const key = this.hostKey(hostId, application);
    let inner = this.byHost.get(key);
    if (inner === undefined) this.byHost.set(key, (inner = new Map()));
    inner.set(cmidId, value);
  }

  *values(): IterableIterator<T> {
    for (const inner of this.byHost.values()) yield* inner.values();
  }

  private hostKey(hostId: number, application: string): number {
    let index = this.applications.get(application);
    if (index === undefined) this.applications.set(application, (index = this.applications.size));
    return hostId * 64 + index;
  }
}

export function clientsOf(requests: readonly BatchRequest[]): ClientSuccesses[] {
  const clients = new ClientMap<ClientSuccesses>();
  const out: ClientSuccesses[] = [];
  for (const r of requests) {
    if (!r.ok) continue;
    const client = clients.get(r.hostId, r.application, r.cmidId);
    if (client !== undefined) client.successes.push(r);
    else {
      const fresh = { hostId: r.hostId, application: r.application, cmidId: r.cmidId, successes: [r] };
      clients.set(r.hostId, r.application, r.cmidId, fresh);
      out.push(fresh);
    }
  }
  return out;
}

/** Upsert rows in key order: the pages of the table are written in order. */
function byKey(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < 4; i++) {
    if (a[i] !== b[i]) return (a[i] as number | string) < (b[i] as number | string) ? -1 : 1;
  }
  return 0;
}

/**
 * Brings activity_spans up to date with a batch's new successful requests, inside the batch's
 * transaction: the stored spans of the batch's clients are read, merged with the batch's own
 * (rules/activity.ts), and only what changed is written: a span whose start is stored gets its new
 * stop, a span absorbed into one with another start is deleted. Sets each client's storedLatest.
 */
export async function updateActivity(tx: Driver, clients: readonly ClientSuccesses[]): Promise<void> {
  if (clients.length === 0) return;
  const stored = new ClientMap<ActivitySpan[]>();
  const keys = JSON.stringify(clients.map((c) => [c.hostId, c.application, c.cmidId]));
  for (const r of await tx.rows(activityOfKeysSql, { keys })) {
    const [hostId, application, cmidId] = [num(r.host_id), str(r.application), num(r.cmid_id)];
    const span = { start: num(r.start), stop: num(r.stop), minimum: num(r.minimum), minimumLow: num(r.minimum_low) };
    const list = stored.get(hostId, application, cmidId);
    if (list === undefined) stored.set(hostId, application, cmidId, [span]);
    else list.push(span);
  }

  const upserts: unknown[][] = [];
  const deletes: unknown[][] = [];
  for (const client of clients) {
    const { hostId, application, cmidId } = client;
    const before = stored.get(hostId, application, cmidId);
    const fresh = spansOfTimes(client.successes);
    if (before !== undefined) client.storedLatest = Math.max(...before.map((b) => b.stop)) - ACTIVE_MS;
    for (const span of before === undefined ? fresh : mergeSpans(before.concat(fresh))) {
      // the stored spans this one took in (stored spans are disjoint: each lies inside one merged span)
      const inside = before === undefined ? [] : before.filter((b) => b.start >= span.start && b.stop <= span.stop);
      const [only] = inside;
      if (inside.length === 1 && only.start === span.start && only.stop === span.stop && only.minimum === span.minimum && only.minimumLow === span.minimumLow) continue;
      upserts.push([hostId, application, cmidId, span.start, span.stop, span.minimum, span.minimumLow]);
      for (const b of inside) if (b.start !== span.start) deletes.push([hostId, application, cmidId, b.start]);
    }
  }
  if (deletes.length > 0) await tx.run(deleteActivitySql, { keys: JSON.stringify(deletes) });
  if (upserts.length > 0) await tx.insert('activity_spans', ACTIVITY_COLUMNS, upserts.sort(byKey), ACTIVITY_CONFLICT);
}
