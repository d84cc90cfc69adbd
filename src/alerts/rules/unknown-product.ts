import { plural } from '../../analysis/duration.js';
import { UNKNOWN_PRODUCT_REMEDY } from '../../analysis/remedies.js';
import { applicationByMinimum, thresholdFor } from '../../analysis/thresholds.js';
import type { ClientRow } from '../../store/types.js';
import type { AlertRulesConfig } from '../config.js';
import type { AlertFacts } from '../facts.js';
import type { AlertCandidate } from '../types.js';
import { byMachine, isLapsed, toAffected } from './shared.js';

/**
 * A notice per Activation ID missing from the product table, over clients that are not lapsed.
 * Never a count alert of its own: the counts fold these clients in where their minimum count
 * makes the application certain (src/analysis/unknown-products.ts).
 */
export function unknownProductAlerts(facts: AlertFacts, cfg: AlertRulesConfig['unknownProduct']): AlertCandidate[] {
  const byId = new Map<string, ClientRow[]>();
  for (const c of facts.clients) {
    if (c.application !== 'Unknown' || isLapsed(c, facts.at)) continue;
    const key = c.activationId.toLowerCase();
    const list = byId.get(key);
    if (list) list.push(c);
    else byId.set(key, [c]);
  }
  return [...byId.entries()].map(([activationId, clients]) => {
    const hosts = [...new Set(clients.map((c) => c.host.toLowerCase()))];
    const minima = [...new Set(clients.map((c) => c.minimumCount))].sort((a, b) => b - a);
    const counted = minima.map((m) => {
      const n = plural(clients.filter((c) => c.minimumCount === m).length, 'client');
      const application = applicationByMinimum(m);
      return application
        ? `${n} asking for ${m} (${thresholdFor(m)}), counted as ${application}`
        : `${n} asking for ${m} (${thresholdFor(m)}: not certain which), left out of the counts`;
    });
    return {
      id: `unknown-product:${activationId}`,
      rule: 'unknown-product' as const,
      severity: cfg.severity ?? 'info',
      host: hosts.length === 1 ? clients[0].host : null,
      summary: `Activation ID ${activationId} not in the product table (${plural(clients.length, 'client')})`,
      title: `Activation ID ${activationId} is missing from kmswatch's product table: ${counted.join('; ')}`,
      remedy: UNKNOWN_PRODUCT_REMEDY,
      details: { activationId, clients: clients.length, minimumCounts: minima },
      clients: clients.map(toAffected).sort(byMachine),
    };
  });
}
