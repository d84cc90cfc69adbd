import { lookupProduct } from '../kms/products.js';
import type { KmsApplication } from '../kms/types.js';
import type { ClientRow, Store } from '../store/types.js';

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

/** The last success in (from, at] of each client (newest first, at most MAX_HISTORY_LOOKUPS of them; one query each). */
export async function lastSuccesses(store: Store, failed: readonly ClientRow[], from: number, at: number): Promise<CountedClient[]> {
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
