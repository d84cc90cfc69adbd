/**
 * truth.json: the answers a report must give at the end of the simulated period, computed from the
 * simulator's own record of what it emitted, per docs/definitions.md (never by calling src/analysis).
 * Memory grows with clients, not with requests.
 */
import type { KmsApplication } from '../kms/types.js';
import { COUNT_WINDOW_MS } from './host-count.js';
import type { RequestFields } from './events.js';
import { hresult } from './events.js';
import type { SimProduct } from './products.js';

const DAY = 24 * 3600 * 1000;

export interface TruthCount {
  application: KmsApplication;
  current: number;
  active: number;
  cap: number;
  thresholds: { minimum: number; clients: number; met: boolean }[];
}

export interface TruthHost {
  host: string;
  requests: number;
  firstRequestAt: string | null;
  lastRequestAt: string | null;
  dnsPublishFailures: number;
  dnsPublishSuccesses: number;
  logClears: number;
  /** Application-log events per host event type (kms-start-failed, dns-publish-failed, ...). */
  events: Record<string, number>;
  counts: TruthCount[];
}

export interface Truth {
  generator: string;
  options: Record<string, unknown>;
  at: string;
  window: { from: string; to: string; days: number };
  totals: { requests: number; clients: number; machines: number; hosts: number; anomalies: number };
  hosts: TruthHost[];
  clones: { cmid: string; machines: string[] }[];
  failures: { machine: string; cmid: string; host: string; result: string; requests: number; lastAt: string }[];
  clients: {
    total: number;
    /** Non-lapsed clients per license state number (0 Unlicensed … 6 ExtendedGrace). */
    byState: Record<string, number>;
    overdueCount: number;
    graceCount: number;
    notificationCount: number;
    expiringCount: number;
    expiringDays: number;
    lapsedCount: number;
  };
  logClears: { host: string; channel: string; at: string }[];
}

interface HostAcc {
  requests: number;
  first: number | null;
  last: number | null;
  events: Map<string, number>;
  logClears: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class TruthRecorder {
  private readonly from: number;
  private requests = 0;
  private anomalies = 0;
  private readonly cmids = new Set<string>();
  private readonly machines = new Set<string>();
  private readonly hosts = new Map<string, HostAcc>();
  /** host \0 application → cmid → minimum count, for successes inside the window. */
  private readonly counted = new Map<string, Map<string, number>>();
  /** cmid → its first name; cmid → names (lower-case → as first written) once a second name shows up. */
  private readonly firstName = new Map<string, { lower: string; written: string }>();
  private readonly cloneNames = new Map<string, Map<string, string>>();
  private readonly failures = new Map<string, { machine: string; cmid: string; host: string; result: number; requests: number; lastAt: number }>();
  private readonly latest = new Map<string, { at: number; state: number; minutes: number }>();
  private readonly clears: { host: string; channel: string; at: number }[] = [];

  constructor(
    private readonly at: number,
    private readonly options: Record<string, unknown>,
    private readonly expiringDays = 14,
  ) {
    this.from = at - COUNT_WINDOW_MS;
  }

  addHost(host: string): void {
    if (!this.hosts.has(host)) this.hosts.set(host, { requests: 0, first: null, last: null, events: new Map(), logClears: 0 });
  }

  request(host: string, time: number, f: RequestFields, product: SimProduct): void {
    if (time > this.at) return;
    this.requests++;
    this.cmids.add(f.cmid);
    const lower = f.machine.toLowerCase();
    this.machines.add(lower);
    const h = this.hostAcc(host);
    h.requests++;
    if (h.first === null) h.first = time;
    h.last = time;

    const first = this.firstName.get(f.cmid);
    if (first === undefined) {
      this.firstName.set(f.cmid, { lower, written: f.machine });
    } else if (first.lower !== lower) {
      let names = this.cloneNames.get(f.cmid);
      if (!names) this.cloneNames.set(f.cmid, (names = new Map([[first.lower, first.written]])));
      if (!names.has(lower)) names.set(lower, f.machine);
    }

    if (time > this.from) {
      if (f.result === 0) {
        const key = `${host}\u0000${product.application}`;
        let m = this.counted.get(key);
        if (!m) this.counted.set(key, (m = new Map()));
        m.set(f.cmid, f.minimumCount);
      } else {
        const key = `${lower}\u0000${f.cmid}\u0000${host.toLowerCase()}\u0000${f.result}`;
        const fail = this.failures.get(key);
        if (fail) {
          fail.requests++;
          fail.lastAt = time;
        } else {
          this.failures.set(key, { machine: f.machine, cmid: f.cmid, host, result: f.result, requests: 1, lastAt: time });
        }
      }
    }
    this.latest.set(`${f.cmid}\u0000${product.application}`, { at: time, state: f.licenseState, minutes: f.minutesLeft });
  }

  hostEvent(host: string, type: string, time: number): void {
    if (time > this.at) return;
    const events = this.hostAcc(host).events;
    events.set(type, (events.get(type) ?? 0) + 1);
  }

  anomaly(time: number): void {
    if (time <= this.at) this.anomalies++;
  }

  logClear(host: string, channel: string, time: number): void {
    this.clears.push({ host, channel, at: time });
    this.hostAcc(host).logClears++;
  }

  build(): Truth {
    const hosts: TruthHost[] = [...this.hosts].map(([host, h]) => ({
      host,
      requests: h.requests,
      firstRequestAt: h.first === null ? null : iso(h.first),
      lastRequestAt: h.last === null ? null : iso(h.last),
      dnsPublishFailures: h.events.get('dns-publish-failed') ?? 0,
      dnsPublishSuccesses: h.events.get('dns-publish-ok') ?? 0,
      logClears: h.logClears,
      events: Object.fromEntries([...h.events].sort(([a], [b]) => a.localeCompare(b))),
      counts: this.countsOf(host),
    }));

    const clones = [...this.cloneNames]
      .filter(([, names]) => names.size >= 2)
      .map(([cmid, names]) => ({ cmid, machines: [...names.values()].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())) }))
      .sort((a, b) => a.cmid.localeCompare(b.cmid));

    const failures = [...this.failures.values()]
      .map((f) => ({ machine: f.machine, cmid: f.cmid, host: f.host, result: hresult(f.result), requests: f.requests, lastAt: iso(f.lastAt) }))
      .sort((a, b) => a.machine.toLowerCase().localeCompare(b.machine.toLowerCase()) || a.result.localeCompare(b.result) || a.host.localeCompare(b.host));

    const byState: Record<string, number> = {};
    let overdue = 0;
    let grace = 0;
    let notification = 0;
    let expiring = 0;
    let lapsed = 0;
    for (const c of this.latest.values()) {
      const silent = this.at - c.at;
      if (silent > 30 * DAY) {
        lapsed++;
        continue;
      }
      byState[c.state] = (byState[c.state] ?? 0) + 1;
      if (silent > 8 * DAY) overdue++;
      if (c.state === 2 || c.state === 3 || c.state === 4 || c.state === 6) grace++;
      if (c.state === 5) notification++;
      if (c.minutes > 0 && c.at + c.minutes * 60_000 <= this.at + this.expiringDays * DAY) expiring++;
    }

    return {
      generator: 'kmswatch simulate',
      options: this.options,
      at: iso(this.at),
      window: { from: iso(this.from), to: iso(this.at), days: 30 },
      totals: {
        requests: this.requests,
        clients: this.cmids.size,
        machines: this.machines.size,
        hosts: [...this.hosts.values()].filter((h) => h.requests > 0).length,
        anomalies: this.anomalies,
      },
      hosts,
      clones,
      failures,
      clients: {
        total: this.latest.size,
        byState,
        overdueCount: overdue,
        graceCount: grace,
        notificationCount: notification,
        expiringCount: expiring,
        expiringDays: this.expiringDays,
        lapsedCount: lapsed,
      },
      logClears: this.clears.map((c) => ({ host: c.host, channel: c.channel, at: iso(c.at) })),
    };
  }

  private countsOf(host: string): TruthCount[] {
    const out: TruthCount[] = [];
    for (const [key, cmids] of this.counted) {
      const [h, application] = key.split('\u0000') as [string, KmsApplication];
      if (h !== host) continue;
      const perMin = new Map<number, number>();
      for (const min of cmids.values()) perMin.set(min, (perMin.get(min) ?? 0) + 1);
      const maxMin = Math.max(...perMin.keys());
      const cap = 2 * maxMin;
      const current = Math.min(cmids.size, cap);
      out.push({
        application,
        current,
        active: cmids.size,
        cap,
        thresholds: [...perMin]
          .sort(([a], [b]) => b - a)
          .map(([minimum, clients]) => ({ minimum, clients, met: current >= minimum })),
      });
    }
    return out.sort((a, b) => a.application.localeCompare(b.application));
  }

  private hostAcc(host: string): HostAcc {
    this.addHost(host);
    return this.hosts.get(host)!;
  }
}
