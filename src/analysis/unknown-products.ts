import type { WindowActiveRow, WindowCountRow } from '../store/types.js';
import { countedApplication } from './count-sources.js';
import type { CountedClient } from './counted.js';
import { applicationByMinimum } from './thresholds.js';

/**
 * The window's counts with requests of Activation IDs missing from the product table (application
 * `Unknown`) moved to the application their minimum count makes certain (25: Windows client
 * editions), and left out where it does not (5: Windows Server or Office). `Unknown` is never an
 * application of its own: one such client must not become an "Unknown count 1 < 25".
 * A machine counted under a known and an unknown Windows edition in one window counts twice.
 */
export function foldUnknownProducts(
  active: readonly WindowActiveRow[],
  counts: readonly WindowCountRow[],
): { active: WindowActiveRow[]; counts: WindowCountRow[] } {
  const outActive = active.filter((r) => r.application !== 'Unknown').map((r) => ({ ...r }));
  const outCounts = counts.filter((r) => r.application !== 'Unknown').map((r) => ({ ...r }));
  for (const u of counts) {
    if (u.application !== 'Unknown') continue;
    const application = applicationByMinimum(u.minimumCount);
    if (application === null) continue;
    const key = u.host.toLowerCase();
    const t = outCounts.find((r) => r.host.toLowerCase() === key && r.application === application && r.minimumCount === u.minimumCount);
    if (t) t.clients += u.clients;
    else outCounts.push({ host: u.host, application, minimumCount: u.minimumCount, clients: u.clients });
    const a = outActive.find((r) => r.host.toLowerCase() === key && r.application === application);
    if (a) {
      a.active += u.clients;
      a.maxMinimum = Math.max(a.maxMinimum, u.minimumCount);
    } else outActive.push({ host: u.host, application, active: u.clients, maxMinimum: u.minimumCount });
  }
  return { active: outActive, counts: outCounts };
}

/** Counted clients under the application they count for; unknown products of uncertain application left out. */
export function foldUnknownCounted(counted: readonly CountedClient[]): CountedClient[] {
  const out: CountedClient[] = [];
  for (const c of counted) {
    const application = countedApplication(c);
    if (application !== null) out.push(application === c.application ? c : { ...c, application });
  }
  return out;
}
