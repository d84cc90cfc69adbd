import type { AlertRulesConfig } from '../config.js';
import type { AlertFacts } from '../facts.js';
import type { AlertCandidate } from '../types.js';
import { describeResult } from '../../kms/codes.js';
import { failureRemedy } from '../../analysis/remedies.js';
import { byMachine, hresultHex, idPart, toAffected } from './shared.js';

/** Per host and result code: at least minRequests failed requests from at least minMachines machines. */
export function failureSpikeAlerts(facts: AlertFacts, cfg: AlertRulesConfig['failureSpike']): AlertCandidate[] {
  const groups = new Map<string, { host: string; result: number; requests: number; machines: Set<string>; cmids: Set<string> }>();
  for (const f of facts.failures) {
    const key = `${f.host.toLowerCase()}\u0000${f.result}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { host: f.host, result: f.result, requests: 0, machines: new Set(), cmids: new Set() }));
    g.requests += f.requests;
    g.machines.add(f.machine.toLowerCase());
    g.cmids.add(f.cmid);
  }
  // each spike lists its clients: found through one index of the clients by CMID, not a scan per spike
  let byCmid: Map<string, AlertFacts['clients']> | null = null;
  const clientsOf = (cmids: ReadonlySet<string>) => {
    if (byCmid === null) {
      byCmid = new Map();
      for (const c of facts.clients) {
        const list = byCmid.get(c.cmid);
        if (list) list.push(c);
        else byCmid.set(c.cmid, [c]);
      }
    }
    return [...cmids].flatMap((cmid) => byCmid!.get(cmid) ?? []);
  };
  const out: AlertCandidate[] = [];
  for (const g of groups.values()) {
    if (g.requests < cfg.minRequests || g.machines.size < cfg.minMachines) continue;
    const hex = hresultHex(g.result);
    out.push({
      id: `failure-spike:${idPart(g.host)}:${hex}`,
      rule: 'failure-spike',
      severity: cfg.severity ?? 'warning',
      host: g.host,
      summary: `${g.requests} requests failed with ${hex} from ${g.machines.size} machines in ${cfg.hours} h`,
      title: `${g.host} refused ${g.requests} requests from ${g.machines.size} machines in ${cfg.hours} h with ${hex}: ${describeResult(g.result).cause}`,
      remedy: failureRemedy(g.result),
      details: { resultHex: hex, requests: g.requests, machines: g.machines.size, hours: cfg.hours },
      clients: clientsOf(g.cmids).map(toAffected).sort(byMachine),
    });
  }
  return out;
}
