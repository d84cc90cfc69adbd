import type { KmsApplication } from '../kms/types.js';
import { damagedHosts } from '../alerts/damaged.js';
import { partialCounts } from '../analysis/coverage.js';
import { foldUnknownProducts } from '../analysis/unknown-products.js';
import type { Store, TotalsRow } from '../store/types.js';

const WINDOW_MS = 30 * 24 * 3600 * 1000;

/** The report summary a digest mail carries: totals and the count per host and application. */
export interface MailSummary {
  at: number;
  totals: TotalsRow;
  counts: Array<{
    host: string;
    application: KmsApplication;
    current: number;
    /** Minimum counts seen among the counted requests, highest first, and whether current meets them. */
    thresholds: Array<{ minimum: number; met: boolean }>;
    lastRequestAt: number | null;
    /** Every request and host event of the host came from damaged EVTX chunks: maybe a corrupted name (src/alerts/damaged.ts). */
    damagedOnly: boolean;
    /** Computed from less than the whole window: the stored log does not cover it (docs/definitions.md "partial"). */
    partial: boolean;
  }>;
}

/** Numbers as pinned in docs/definitions.md (current = min(active, 2 × highest minimum)). */
export async function buildMailSummary(store: Store, at: number): Promise<MailSummary> {
  const [totals, active, thresholds, hosts, hostEvents, damaged, spans] = await Promise.all([
    store.totals(at),
    store.windowActive(at - WINDOW_MS, at),
    store.windowCounts(at - WINDOW_MS, at),
    store.hostActivity(at),
    store.hostEventCounts(at),
    store.damagedEvents(at),
    store.coverage(),
  ]);
  const partial = partialCounts(spans, at - WINDOW_MS, at);
  // Unknown products count where their application is certain, never as an application of their own.
  const folded = foldUnknownProducts(active, thresholds);
  const damagedOnly = damagedHosts(hosts, hostEvents, damaged);
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const counts = folded.active
    .map((a) => {
      const current = Math.min(a.active, 2 * a.maxMinimum);
      return {
        host: a.host,
        application: a.application,
        current,
        thresholds: folded.counts
          .filter((t) => same(t.host, a.host) && t.application === a.application)
          .map((t) => ({ minimum: t.minimumCount, met: current >= t.minimumCount }))
          .sort((x, y) => y.minimum - x.minimum),
        lastRequestAt: hosts.find((h) => same(h.host, a.host))?.lastRequestAt ?? null,
        damagedOnly: damagedOnly.has(a.host.toLowerCase()),
        partial: partial(a.host),
      };
    })
    .sort((x, y) => x.host.localeCompare(y.host) || x.application.localeCompare(y.application));
  return { at, totals, counts };
}
