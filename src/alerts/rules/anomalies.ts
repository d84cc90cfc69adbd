import type { AlertRulesConfig } from '../config.js';
import type { AlertFacts } from '../facts.js';
import type { AlertCandidate } from '../types.js';
import { anomaliesRemedy } from '../../analysis/remedies.js';
import { idPart, isoMinute } from './shared.js';

/** Unexpected events in the KMS log within the look-back (foreign writers, malformed 12290), per host. */
export function anomalyAlerts(facts: AlertFacts, cfg: AlertRulesConfig['anomalies']): AlertCandidate[] {
  const byHost = new Map<string, typeof facts.anomalies>();
  for (const a of facts.anomalies) {
    const key = a.host.toLowerCase();
    const list = byHost.get(key);
    if (list) list.push(a);
    else byHost.set(key, [a]);
  }
  return [...byHost.entries()].map(([key, rows]) => {
    const eventIds = [...new Set(rows.map((r) => r.eventId))].sort((a, b) => a - b);
    const newest = Math.max(...rows.map((r) => r.time));
    return {
      id: `anomalies:${idPart(key)}`,
      rule: 'anomalies' as const,
      severity: cfg.severity ?? 'warning',
      host: rows[0].host,
      summary: `${rows.length} unexpected event${rows.length === 1 ? '' : 's'} in the KMS log (event ${eventIds.join(', ')}), last ${isoMinute(newest)}`,
      title: `${rows[0].host}: ${rows.length} event${rows.length === 1 ? '' : 's'} in the Key Management Service log that ${rows.length === 1 ? 'is' : 'are'} not KMS requests (event ${eventIds.join(', ')}), last ${isoMinute(newest)}`,
      remedy: anomaliesRemedy(rows[0].host),
      details: {
        count: rows.length,
        eventIds,
        reasons: [...new Set(rows.map((r) => r.reason))].slice(0, 10),
        providers: [...new Set(rows.map((r) => r.provider))].slice(0, 10),
      },
      clients: [],
    };
  });
}
