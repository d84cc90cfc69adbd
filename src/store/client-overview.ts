import type { ClientOverview, ClientOverviewBounds, ClientRow, Store } from './types.js';

/** Store.clientOverview over client rows (the definition the SQL forms follow). */
export function overviewOf(clients: readonly ClientRow[], bounds: ClientOverviewBounds): ClientOverview {
  const states = new Map<number, { licenseState: number; clients: number; overdue: number }>();
  const lapsed: ClientRow[] = [];
  const expiring: ClientRow[] = [];
  let lapsedCount = 0;
  for (const c of clients) {
    if (c.lastSeen < bounds.lapsedBefore) {
      lapsedCount++;
      if (bounds.listLapsed !== false) lapsed.push(c);
      continue;
    }
    let s = states.get(c.licenseState);
    if (s === undefined) states.set(c.licenseState, (s = { licenseState: c.licenseState, clients: 0, overdue: 0 }));
    s.clients++;
    if (c.lastSeen < bounds.overdueBefore) s.overdue++;
    if (c.minutesLeft > 0 && c.lastSeen + c.minutesLeft * 60_000 <= bounds.expiringBy) expiring.push(c);
  }
  return { states: [...states.values()].sort((a, b) => a.licenseState - b.licenseState), lapsed, lapsedCount, expiring };
}

/** store.clientOverview, or the overview of store.latestClients(at). */
export async function clientOverview(store: Store, at: number, bounds: ClientOverviewBounds): Promise<ClientOverview> {
  return store.clientOverview ? store.clientOverview(at, bounds) : overviewOf(await store.latestClients(at), bounds);
}
