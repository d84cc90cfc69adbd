import type { AlertRulesConfig } from '../config.js';
import type { AlertFacts } from '../facts.js';
import type { AlertCandidate } from '../types.js';
import { idPart } from './shared.js';

/**
 * Can clients find and reach a KMS host (issue 27): every finding of the newest discovery check and
 * of the clients' own 12288/12289 events (src/analysis/discovery.ts, client-side.ts) is an alert,
 * with the finding's severity unless the rule forces one. A rogue host is critical: a KMS host
 * nobody installed answers clients' activation requests.
 */
export function discoveryAlerts(facts: AlertFacts, cfg: AlertRulesConfig['discovery']): AlertCandidate[] {
  return facts.discoveryFindings.map((f) => {
    const subject = [f.kind, f.host, f.domain].filter((part): part is string => Boolean(part)).map(idPart).join(':');
    return {
      id: `discovery:${subject}`,
      rule: 'discovery' as const,
      severity: cfg.severity ?? f.severity,
      host: f.host,
      summary: f.text.length > 120 ? `${f.text.slice(0, 119)}…` : f.text,
      title: f.text,
      remedy: f.remedy,
      details: { kind: f.kind, domain: f.domain, machines: f.clients.length, clients: f.clients },
      clients: [],
    };
  });
}
