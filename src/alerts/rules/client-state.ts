import type { ClientRow } from '../../store/types.js';
import type { AlertRulesConfig } from '../config.js';
import type { AlertFacts } from '../facts.js';
import type { AlertCandidate, RuleName, Severity } from '../types.js';
import { EXPIRING_REMEDY, NOTIFICATION_REMEDY } from '../../analysis/remedies.js';
import { DAY, byMachine, expiryOf, idPart, isLapsed, isoDay, toAffected } from './shared.js';

const NOTIFICATION = 5;

function perHost(
  facts: AlertFacts,
  rule: RuleName,
  severity: Severity,
  pick: (c: ClientRow) => boolean,
  summary: (clients: ClientRow[]) => string,
  remedy: string,
  details: (clients: ClientRow[]) => Record<string, unknown>,
): AlertCandidate[] {
  const byHost = new Map<string, ClientRow[]>();
  for (const c of facts.clients) {
    if (isLapsed(c, facts.at) || !pick(c)) continue;
    const key = c.host.toLowerCase();
    const list = byHost.get(key);
    if (list) list.push(c);
    else byHost.set(key, [c]);
  }
  return [...byHost.entries()].map(([key, clients]) => ({
    id: `${rule}:${idPart(key)}`,
    rule,
    severity,
    host: clients[0].host,
    summary: summary(clients),
    title: `${clients[0].host}: ${summary(clients)}`,
    remedy,
    details: details(clients),
    clients: clients.map(toAffected).sort(byMachine),
  }));
}

/** Clients (not lapsed) whose latest request reports the Notification state, one alert per host. */
export function notificationAlerts(facts: AlertFacts, cfg: AlertRulesConfig['notification']): AlertCandidate[] {
  return perHost(
    facts,
    'notification',
    cfg.severity ?? 'warning',
    (c) => c.licenseState === NOTIFICATION,
    (cs) => `${cs.length} client${cs.length === 1 ? '' : 's'} in Notification state`,
    NOTIFICATION_REMEDY,
    (cs) => ({ clients: cs.length }),
  );
}

/** Clients (not lapsed) whose state expires within `days`, one alert per host (definitions.md: expiring). */
export function expiringAlerts(facts: AlertFacts, cfg: AlertRulesConfig['expiring']): AlertCandidate[] {
  const limit = facts.at + cfg.days * DAY;
  return perHost(
    facts,
    'expiring',
    cfg.severity ?? 'warning',
    (c) => {
      const e = expiryOf(c);
      return e !== null && e <= limit;
    },
    (cs) => {
      const first = Math.min(...cs.map((c) => expiryOf(c) as number));
      return `${cs.length} client${cs.length === 1 ? '' : 's'} expiring within ${cfg.days} days (first ${isoDay(first)})`;
    },
    EXPIRING_REMEDY,
    (cs) => ({ clients: cs.length, days: cfg.days, firstExpiry: new Date(Math.min(...cs.map((c) => expiryOf(c) as number))).toISOString() }),
  );
}
