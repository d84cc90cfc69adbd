import type { AlertRulesConfig } from '../config.js';
import type { AlertFacts } from '../facts.js';
import { forecastCountDrop } from '../forecast.js';
import type { AlertCandidate } from '../types.js';
import { plural } from '../../analysis/duration.js';
import { countAtRiskRemedy } from '../../analysis/remedies.js';
import { thresholdFor } from '../../analysis/thresholds.js';
import { DAY, idPart, isoDay, PARTIAL_NOTE, sameHost } from './shared.js';

/**
 * Per host, application and minimum count m still met today: the date the count falls below m
 * if no new CMIDs arrive (see forecastCountDrop); an alert when that date is within the horizon.
 */
export function countForecastAlerts(facts: AlertFacts, cfg: AlertRulesConfig['forecast']): AlertCandidate[] {
  const out: AlertCandidate[] = [];
  for (const t of facts.thresholds) {
    const a = facts.active.find((r) => sameHost(r.host, t.host) && r.application === t.application);
    if (!a) continue;
    const current = Math.min(a.active, 2 * a.maxMinimum);
    if (current < t.minimumCount) continue;
    const lastSeen = facts.counted
      .filter((c) => sameHost(c.host, t.host) && c.application === t.application)
      .map((c) => c.lastSeen);
    const date = forecastCountDrop(lastSeen, t.minimumCount, facts.at);
    if (date === null || date - facts.at > cfg.horizonDays * DAY) continue;
    const partial = facts.partial(t.host);
    out.push({
      id: `count-forecast:${idPart(t.host)}:${t.application}:${t.minimumCount}`,
      rule: 'count-forecast',
      severity: cfg.severity ?? 'warning',
      host: t.host,
      summary: `${t.application} count falls below ${t.minimumCount} on ${isoDay(date)} if no new clients arrive${partial ? PARTIAL_NOTE : ''}`,
      title:
        `${t.host} counts ${plural(current, `${t.application} client`)}; without new or returning clients the count falls below ` +
        `the ${t.minimumCount} that ${thresholdFor(t.minimumCount)} need on ${isoDay(date)}` + (partial ? ' (from part of the 30-day window)' : ''),
      remedy: countAtRiskRemedy(t.host),
      details: { application: t.application, current, minimum: t.minimumCount, dropsBelowAt: new Date(date).toISOString(), partial },
      clients: [],
    });
  }
  return out;
}
