import type { HostActivityRow, HostEventCountRow, LogClearRow } from '../store/types.js';
import { HOUR_MS, iso, isoOrNull } from './time.js';
import type { CountReport, HostReport } from './types.js';

export interface HostInputs {
  activity: readonly HostActivityRow[];
  events: readonly HostEventCountRow[];
  logClears: readonly LogClearRow[];
  counts: Map<string, CountReport[]>;
}

/**
 * One entry per host seen in requests, host events or log clears (case-insensitive), with its
 * request activity, DNS publishing counts, log clears, other host events and KMS counts.
 */
export function describeHosts(input: HostInputs, at: number, idleHours: number): HostReport[] {
  const hosts = new Map<string, HostReport>();
  const entry = (name: string): HostReport => {
    const key = name.toLowerCase();
    let h = hosts.get(key);
    if (!h) {
      h = {
        host: name,
        aliases: [],
        requests: 0,
        firstRequestAt: null,
        lastRequestAt: null,
        idle: true,
        dnsPublishFailures: 0,
        dnsPublishSuccesses: 0,
        logClears: 0,
        events: [],
        counts: [],
        damagedOnly: false,
        // coverage.ts fills these from the stored stretches of the host's logs
        partial: false,
        coverage: [],
      };
      hosts.set(key, h);
    }
    return h;
  };

  for (const a of input.activity) {
    const h = entry(a.host);
    h.requests += a.requests;
    h.firstRequestAt = isoOrNull(a.firstRequestAt);
    h.lastRequestAt = isoOrNull(a.lastRequestAt);
    h.idle = a.lastRequestAt === null || at - a.lastRequestAt > idleHours * HOUR_MS;
  }
  for (const e of input.events) {
    const h = entry(e.host);
    if (e.type === 'dns-publish-failed') h.dnsPublishFailures += e.count;
    if (e.type === 'dns-publish-ok') h.dnsPublishSuccesses += e.count;
    h.events.push({ type: e.type, count: e.count, lastAt: iso(e.lastAt), lastResult: e.lastResultHex, lastDomain: e.lastDomain });
  }
  for (const c of input.logClears) {
    if (c.detectedAt > at) continue;
    entry(c.host).logClears++;
  }
  for (const [key, counts] of input.counts) {
    const h = hosts.get(key) ?? entry(key);
    h.counts = counts;
  }
  for (const h of hosts.values()) h.events.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  return [...hosts.values()].sort((a, b) => (a.host.toLowerCase() < b.host.toLowerCase() ? -1 : 1));
}
