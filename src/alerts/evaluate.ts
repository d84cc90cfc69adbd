import type { AlertRulesConfig } from './config.js';
import { markDamagedOnly } from './damaged.js';
import type { AlertFacts } from './facts.js';
import { anomalyAlerts } from './rules/anomalies.js';
import { expiringAlerts, notificationAlerts } from './rules/client-state.js';
import { cloneAlerts } from './rules/clone.js';
import { countForecastAlerts } from './rules/count-forecast.js';
import { failureSpikeAlerts } from './rules/failure-spike.js';
import { dnsPublishAlerts, kmsStartAlerts } from './rules/host-events.js';
import { idleHostAlerts } from './rules/idle-host.js';
import { lowCountAlerts } from './rules/low-count.js';
import { unknownProductAlerts } from './rules/unknown-product.js';
import { discoveryAlerts } from './rules/discovery.js';
import { SEVERITY_RANK, type AlertCandidate } from './types.js';

/** Runs every enabled rule over the facts (those resting on damaged EVTX chunks lowered to info); most severe first, then by id. */
export function evaluateRules(facts: AlertFacts, rules: AlertRulesConfig): AlertCandidate[] {
  const out: AlertCandidate[] = [];
  const run = <C extends { enabled: boolean }>(cfg: C, fn: (f: AlertFacts, c: C) => AlertCandidate[]) => {
    if (cfg.enabled) out.push(...fn(facts, cfg));
  };
  run(rules.lowCount, lowCountAlerts);
  run(rules.forecast, countForecastAlerts);
  run(rules.idleHost, idleHostAlerts);
  run(rules.dnsPublish, dnsPublishAlerts);
  run(rules.kmsStart, kmsStartAlerts);
  run(rules.clone, cloneAlerts);
  run(rules.failureSpike, failureSpikeAlerts);
  run(rules.notification, notificationAlerts);
  run(rules.expiring, expiringAlerts);
  run(rules.anomalies, anomalyAlerts);
  run(rules.unknownProduct, unknownProductAlerts);
  run(rules.discovery, discoveryAlerts);
  return markDamagedOnly(out, facts, rules).sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.id.localeCompare(b.id));
}
