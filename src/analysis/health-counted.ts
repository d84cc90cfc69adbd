import type { ClientRow, Store } from '../store/types.js';
import { countedApplication } from './count-sources.js';
import { countedByLatest, failedInWindow, lastSuccesses, type CountedClient } from './counted.js';
import { countMarginDays } from './health.js';
import { RENEWAL_DAYS } from './time.js';
import type { CountReport } from './types.js';
import { foldUnknownCounted } from './unknown-products.js';

/**
 * The last counted request per client that the health margins need, reading as little as possible:
 * the clients whose latest request succeeded give it for free; the history of a client whose latest
 * request failed (one query each) is read only for the hosts and applications where the margin
 * without them is under the renewal interval — where it could turn an at-risk line into an ok one.
 * At 20 k clients looking every such client up cost as much as the rest of the report.
 */
export async function countedForHealth(
  store: Store,
  clients: readonly ClientRow[],
  counts: ReadonlyMap<string, readonly CountReport[]>,
  from: number,
  at: number,
): Promise<CountedClient[]> {
  const known = foldUnknownCounted(countedByLatest(clients, from));
  const byKey = new Map<string, number[]>();
  for (const c of known) {
    const k = key(c.host, c.application);
    const times = byKey.get(k);
    if (times) times.push(c.lastSeen);
    else byKey.set(k, [c.lastSeen]);
  }
  const short = new Set<string>();
  for (const [host, list] of counts) {
    for (const c of list) {
      const threshold = c.thresholds[0]?.minimum;
      if (threshold === undefined || c.active < threshold) continue;
      const k = key(host, c.application);
      if (countMarginDays(byKey.get(k) ?? [], threshold, at) < RENEWAL_DAYS) short.add(k);
    }
  }
  if (short.size === 0) return known;
  const failed = failedInWindow(clients, from).filter((c) => {
    const application = countedApplication(c);
    return application !== null && short.has(key(c.host, application));
  });
  return [...known, ...foldUnknownCounted(await lastSuccesses(store, failed, from, at))];
}

const key = (host: string, application: string) => `${host.toLowerCase()}\u0000${application}`;
