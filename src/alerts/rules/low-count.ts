import type { AlertRulesConfig } from '../config.js';
import type { AlertFacts } from '../facts.js';
import type { AlertCandidate } from '../types.js';
import { byMachine, idPart, isLapsed, PARTIAL_NOTE, sameHost, toAffected } from './shared.js';

/**
 * Per host, application and minimum count m: critical when current < m, warning when
 * current < m + margin. current = min(active, 2 × highest minimum) (definitions.md).
 * Lists the clients waiting: not lapsed, not licensed, needing more than the current count.
 */
export function lowCountAlerts(facts: AlertFacts, cfg: AlertRulesConfig['lowCount']): AlertCandidate[] {
  const out: AlertCandidate[] = [];
  for (const t of facts.thresholds) {
    const a = facts.active.find((r) => sameHost(r.host, t.host) && r.application === t.application);
    if (!a) continue;
    const current = Math.min(a.active, 2 * a.maxMinimum);
    const below = current < t.minimumCount;
    if (!below && current >= t.minimumCount + cfg.margin) continue;
    const waiting = facts.clients
      .filter(
        (c) =>
          sameHost(c.host, t.host) &&
          c.application === t.application &&
          c.minimumCount > current &&
          c.licenseState !== 1 &&
          !isLapsed(c, facts.at),
      )
      .map(toAffected)
      .sort(byMachine);
    const partial = facts.partial(t.host);
    out.push({
      id: `low-count:${idPart(t.host)}:${t.application}:${t.minimumCount}`,
      rule: 'low-count',
      severity: cfg.severity ?? (below ? 'critical' : 'warning'),
      host: t.host,
      summary: (below
        ? `${t.application} count ${current} < ${t.minimumCount}`
        : `${t.application} count ${current}, within ${cfg.margin} of ${t.minimumCount}`) + (partial ? PARTIAL_NOTE : ''),
      details: { application: t.application, current, minimum: t.minimumCount, active: a.active, margin: cfg.margin, waiting: waiting.length, partial },
      clients: waiting,
    });
  }
  return out;
}
