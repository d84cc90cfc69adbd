import { plural } from '../../analysis/duration.js';
import { thresholdFor } from '../../analysis/thresholds.js';
import type { AlertRulesConfig } from '../config.js';
import { countSources, lowCountRemedy } from '../../analysis/count-sources.js';
import type { AlertFacts } from '../facts.js';
import type { AlertCandidate } from '../types.js';
import type { WindowActiveRow, WindowCountRow } from '../../store/types.js';
import { byMachine, idPart, PARTIAL_NOTE, sameHost, toAffected } from './shared.js';

/**
 * The counts of a host, application and minimum count m below m or within `margin` of it, with
 * the window's active row. current = min(active, 2 × highest minimum) (definitions.md).
 */
export function lowCounts(active: readonly WindowActiveRow[], thresholds: readonly WindowCountRow[], margin: number) {
  const out: { t: WindowCountRow; a: WindowActiveRow; current: number; below: boolean }[] = [];
  for (const t of thresholds) {
    const a = active.find((r) => sameHost(r.host, t.host) && r.application === t.application);
    if (!a) continue;
    const current = Math.min(a.active, 2 * a.maxMinimum);
    if (current < t.minimumCount + margin) out.push({ t, a, current, below: current < t.minimumCount });
  }
  return out;
}

/**
 * One alert per low count: critical when current < m, warning when current < m + margin.
 * Lists the clients waiting: not lapsed, not licensed, needing more than the current count.
 */
export function lowCountAlerts(facts: AlertFacts, cfg: AlertRulesConfig['lowCount']): AlertCandidate[] {
  const out: AlertCandidate[] = [];
  for (const { t, a, current, below } of lowCounts(facts.active, facts.thresholds, cfg.margin)) {
    const sources = countSources(facts.clients, t.host, t.application, current, facts.at);
    const waiting = sources.waiting.map(toAffected).sort(byMachine);
    const partial = facts.partial(t.host);
    const who = thresholdFor(t.minimumCount);
    out.push({
      id: `low-count:${idPart(t.host)}:${t.application}:${t.minimumCount}`,
      rule: 'low-count',
      severity: cfg.severity ?? (below ? 'critical' : 'warning'),
      host: t.host,
      summary: (below
        ? `${t.application} count ${current} < ${t.minimumCount}`
        : `${t.application} count ${current}, within ${cfg.margin} of ${t.minimumCount}`) + (partial ? PARTIAL_NOTE : ''),
      title:
        (below
          ? `${t.host} counts ${plural(current, `${t.application} client`)}: below the ${t.minimumCount} that ${who} need`
          : `${t.host} counts ${plural(current, `${t.application} client`)}: ${current - t.minimumCount} above the ${t.minimumCount} that ${who} need`) +
        (partial ? ' (from part of the 30-day window: the real count may be higher)' : ''),
      remedy: lowCountRemedy(t.host, t.minimumCount, current, sources),
      details: {
        application: t.application,
        current,
        minimum: t.minimumCount,
        active: a.active,
        margin: cfg.margin,
        waiting: waiting.length,
        lapsed: sources.lapsed,
        elsewhere: sources.elsewhere,
        refusedElsewhere: sources.refusedElsewhere,
        partial,
      },
      clients: waiting,
    });
  }
  return out;
}
