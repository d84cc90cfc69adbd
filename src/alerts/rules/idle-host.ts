import type { AlertRulesConfig } from '../config.js';
import type { AlertFacts } from '../facts.js';
import type { AlertCandidate } from '../types.js';
import { formatDuration } from '../../analysis/duration.js';
import { idleRemedy } from '../../analysis/remedies.js';
import { HOUR, idPart, isoMinute } from './shared.js';

/** A host with no 12290 for more than `hours` before `at` (SCOM's idle-time monitor). */
export function idleHostAlerts(facts: AlertFacts, cfg: AlertRulesConfig['idleHost']): AlertCandidate[] {
  const out: AlertCandidate[] = [];
  for (const h of facts.hosts) {
    if (h.lastRequestAt === null || facts.at - h.lastRequestAt <= cfg.hours * HOUR) continue;
    const idleHours = Math.floor((facts.at - h.lastRequestAt) / HOUR);
    out.push({
      id: `idle-host:${idPart(h.host)}`,
      rule: 'idle-host',
      severity: cfg.severity ?? 'warning',
      host: h.host,
      summary: `no activation request for ${formatDuration(facts.at - h.lastRequestAt)} (last ${isoMinute(h.lastRequestAt)})`,
      title: `${h.host} has served no activation request for ${formatDuration(facts.at - h.lastRequestAt)} (last ${isoMinute(h.lastRequestAt)})`,
      remedy: idleRemedy(h.host),
      details: { lastRequestAt: new Date(h.lastRequestAt).toISOString(), idleHours, limitHours: cfg.hours },
      clients: [],
    });
  }
  return out;
}
