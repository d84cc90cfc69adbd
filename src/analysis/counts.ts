import type { WindowActiveRow, WindowCountRow } from '../store/types.js';
import type { CountReport } from './types.js';

/**
 * Per host and application: active CMIDs, the cap (2 × the highest minimum count among the
 * counted requests), current = min(active, cap), and for each minimum count seen how many clients
 * need it and whether `current` meets it. Keyed by lower-case host.
 */
export function computeCounts(active: readonly WindowActiveRow[], perMinimum: readonly WindowCountRow[]): Map<string, CountReport[]> {
  const byHost = new Map<string, CountReport[]>();
  for (const row of active) {
    const cap = 2 * row.maxMinimum;
    const current = Math.min(row.active, cap);
    const thresholds = perMinimum
      .filter((m) => sameHost(m.host, row.host) && m.application === row.application)
      .sort((a, b) => b.minimumCount - a.minimumCount)
      .map((m) => ({ minimum: m.minimumCount, clients: m.clients, met: current >= m.minimumCount }));
    const key = row.host.toLowerCase();
    const list = byHost.get(key) ?? [];
    list.push({ application: row.application, current, active: row.active, cap, thresholds, partial: false });
    byHost.set(key, list);
  }
  for (const list of byHost.values()) list.sort((a, b) => applicationOrder(a.application) - applicationOrder(b.application));
  return byHost;
}

function sameHost(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

const APPLICATION_ORDER = ['Windows', 'Office', 'Office 2010', 'Unknown'];

function applicationOrder(application: string): number {
  const i = APPLICATION_ORDER.indexOf(application);
  return i < 0 ? APPLICATION_ORDER.length : i;
}
