import { lookupProduct } from '../kms/products.js';
import type { KmsApplication } from '../kms/types.js';
import type { ClientRow, ClientSuccessRow, Store } from '../store/types.js';

/** Clients whose history is read to find their last success (one query each); beyond that they are left out. */
const MAX_HISTORY_LOOKUPS = 500;

/** A CMID counted by a host for one application, with its last counted (0x0) request. */
export interface CountedClient {
  host: string;
  application: KmsApplication;
  cmid: string;
  /** The minimum count of the client's latest request (decides where an unknown product counts). */
  minimumCount: number;
  lastSeen: number;
}

/**
 * Last counted request per (host, application, CMID) in (from, at]. Clients whose latest request
 * succeeded give it directly; for the few whose latest request failed, their history is read to
 * find the last success (at most MAX_HISTORY_LOOKUPS of them, newest first). A CMID counted by two
 * hosts is listed under the host of its latest success only, and a CMID left out is missing: a
 * forecast can come out early, never late.
 */
export async function countedClients(store: Store, clients: readonly ClientRow[], from: number, at: number): Promise<CountedClient[]> {
  return [...countedByLatest(clients, from), ...(await lastSuccesses(store, failedInWindow(clients, from), from, at))];
}

/** The clients whose latest request in (from, …] succeeded, at that request: no query. */
export function countedByLatest(clients: readonly ClientRow[], from: number): CountedClient[] {
  const out: CountedClient[] = [];
  for (const c of clients) {
    if (c.lastSeen > from && c.result === 0) out.push({ host: c.host, application: c.application, cmid: c.cmid, minimumCount: c.minimumCount, lastSeen: c.lastSeen });
  }
  return out;
}

/** The clients whose latest request in (from, …] failed: they may still be counted by an earlier success. */
export function failedInWindow(clients: readonly ClientRow[], from: number): ClientRow[] {
  return clients.filter((c) => c.lastSeen > from && c.result !== 0);
}

/**
 * The last success in (from, at] of each client. One query gives every client's newest success
 * per host and minimum count (Store.clientSuccesses); when none of them is later than `at` (always
 * for a report as of now) the newest of them is the answer. A client that succeeded after `at` has
 * its history read (newest first, at most MAX_HISTORY_LOOKUPS of them; one query each). Two hosts
 * with a success at the same instant: the one whose name sorts first.
 */
export async function lastSuccesses(store: Store, failed: readonly ClientRow[], from: number, at: number): Promise<CountedClient[]> {
  if (failed.length === 0) return [];
  const successes = new Map<string, ClientSuccessRow[]>();
  for (const row of await store.clientSuccesses(failed.map((c) => c.cmid))) {
    const k = clientKey(row.cmid, row.application);
    const rows = successes.get(k);
    if (rows) rows.push(row);
    else successes.set(k, [row]);
  }
  const out: CountedClient[] = [];
  const later: ClientRow[] = [];
  for (const c of failed) {
    const rows = successes.get(clientKey(c.cmid, c.application)) ?? [];
    if (rows.some((r) => r.lastOk > at)) {
      later.push(c);
      continue;
    }
    const newest = rows.reduce<ClientSuccessRow | null>(
      (best, r) => (best === null || r.lastOk > best.lastOk || (r.lastOk === best.lastOk && r.host.toLowerCase() < best.host.toLowerCase()) ? r : best),
      null,
    );
    if (newest !== null && newest.lastOk > from) {
      out.push({ host: newest.host, application: c.application, cmid: c.cmid, minimumCount: newest.minimumCount, lastSeen: newest.lastOk });
    }
  }
  return [...out, ...(await successesFromHistory(store, later, from, at))];
}

const clientKey = (cmid: string, application: string) => `${cmid.toLowerCase()}\u0000${application}`;

/** The last success in (from, at] read from each client's requests (newest first, at most MAX_HISTORY_LOOKUPS of them). */
async function successesFromHistory(store: Store, failed: readonly ClientRow[], from: number, at: number): Promise<CountedClient[]> {
  const out: CountedClient[] = [];
  const failedLast = [...failed].sort((a, b) => b.lastSeen - a.lastSeen);
  for (const c of failedLast.slice(0, MAX_HISTORY_LOOKUPS)) {
    const history = await store.clientRequests(c.cmid, 200);
    const success = history.find(
      (r) => r.resultHex === '0x0' && r.time > from && r.time <= at && lookupProduct(r.activationId).application === c.application,
    );
    if (success) out.push({ host: success.host, application: c.application, cmid: c.cmid, minimumCount: success.minimumCount, lastSeen: success.time });
  }
  return out;
}
