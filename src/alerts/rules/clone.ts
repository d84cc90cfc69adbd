import type { AlertRulesConfig } from '../config.js';
import type { AlertFacts } from '../facts.js';
import type { AlertCandidate } from '../types.js';
import { cloneRemedy } from '../../analysis/remedies.js';
import { DAY, byMachine, toAffected } from './shared.js';

/** One alert per cloned CMID (several machine names) seen within the look-back. */
export function cloneAlerts(facts: AlertFacts, cfg: AlertRulesConfig['clone']): AlertCandidate[] {
  const out: AlertCandidate[] = [];
  // the clients of each CMID, gathered once: every clone looking through every client took 0.4 s at 1.3 M requests
  const byCmid = new Map<string, (typeof facts.clients)[number][]>();
  for (const r of facts.clients) {
    const list = byCmid.get(r.cmid);
    if (list) list.push(r);
    else byCmid.set(r.cmid, [r]);
  }
  for (const c of facts.clones) {
    if (c.lastSeen <= facts.at - cfg.lookbackDays * DAY) continue;
    const clients = byCmid.get(c.cmid) ?? [];
    const latest = clients.reduce<(typeof clients)[number] | undefined>((a, b) => (!a || b.lastSeen > a.lastSeen ? b : a), undefined);
    out.push({
      id: `clone:${c.cmid.toLowerCase()}`,
      rule: 'clone',
      severity: cfg.severity ?? 'warning',
      host: latest?.host ?? null,
      summary: `CMID ${c.cmid} used by ${c.machines.length} machines: ${c.machines.join(', ')}`,
      title: `CMID ${c.cmid} used by ${c.machines.length} machines: ${c.machines.join(', ')}; they count as one client`,
      remedy: cloneRemedy(c.cmid),
      details: { cmid: c.cmid, machines: c.machines, firstSeen: new Date(c.firstSeen).toISOString(), lastSeen: new Date(c.lastSeen).toISOString() },
      clients: clients.map(toAffected).sort(byMachine),
    });
  }
  return out;
}
