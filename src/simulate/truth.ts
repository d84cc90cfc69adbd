/**
 * truth.json: the answers a report must give at the end of the simulated period, computed from the
 * simulator's own record of what it emitted, per docs/definitions.md (never by calling src/analysis).
 * Memory grows with clients, not with requests.
 */
import type { KmsApplication } from '../kms/types.js';
import type { TruthClientSide } from './client-side-truth.js';
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
  /** The clients' own events (written only with the client logs): what the report's clientSide must say. */
  clientSide?: TruthClientSide;
}

interface HostAcc {
  requests: number;
  first: number | null;
  last: number | null;
  events: Map<string, number>;
  logClears: number;
}

/** The fleet's numbering (SimMachine.id, SimMachine.cmidIndex, SimHost.index): the recorder keeps typed arrays by number. */
export interface TruthFleetShape {
  hosts: readonly string[];
  machineCount: number;
  cmidCount: number;
}

/** Per application: each CMID's latest request, and per host the CMIDs counted in the window. */
class ApplicationTables {
  /** Time of the CMID's latest request; NaN = none yet. */
  readonly latestAt: Float64Array;
  readonly latestState: Uint8Array;
  readonly latestMinutes: Float64Array;
  latestCount = 0;
  /** Per host: CMID → minimum count of its latest success inside the window (0 = none), and how many. */
  readonly countedMin: (Uint16Array | null)[];
  readonly countedSize: number[];

  constructor(readonly application: KmsApplication, cmids: number, hosts: number) {
    this.latestAt = new Float64Array(cmids).fill(NaN);
    this.latestState = new Uint8Array(cmids);
    this.latestMinutes = new Float64Array(cmids);
    this.countedMin = new Array<Uint16Array | null>(hosts).fill(null);
    this.countedSize = new Array<number>(hosts).fill(0);
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

export class TruthRecorder {
  private readonly from: number;
  private requests = 0;
  private anomalies = 0;
  private clientCount = 0;
  private readonly cmidSeen: Uint8Array;
  private readonly machineSeen: Uint8Array;
  /** Lower-case names, added once per machine on its first request. */
  private readonly machines = new Set<string>();
  private readonly hosts = new Map<string, HostAcc>();
  private readonly hostByIndex: HostAcc[];
  private readonly hostNames: readonly string[];
  private readonly applications = new Map<string, ApplicationTables>();
  /** (host, application) pairs in the order their first counted success came, as "host index:application". */
  private readonly countedOrder: { host: number; tables: ApplicationTables }[] = [];
  /** cmid → machine number and name as written in its first request; names of a CMID once a second name shows up. */
  private readonly firstMachine: Int32Array;
  private readonly firstWritten: string[];
  private readonly cloneNames = new Map<string, Map<string, string>>();
  private readonly failures = new Map<string, { machine: string; cmid: string; host: string; result: number; requests: number; lastAt: number }>();
  private readonly clears: { host: string; channel: string; at: number }[] = [];

  constructor(
    private readonly at: number,
    private readonly options: Record<string, unknown>,
    fleet: TruthFleetShape,
    private readonly expiringDays = 14,
  ) {
    this.from = at - COUNT_WINDOW_MS;
    this.hostNames = fleet.hosts;
    this.hostByIndex = fleet.hosts.map((h) => this.hostAcc(h));
    this.cmidSeen = new Uint8Array(fleet.cmidCount);
    this.machineSeen = new Uint8Array(fleet.machineCount);
    this.firstMachine = new Int32Array(fleet.cmidCount).fill(-1);
    this.firstWritten = new Array<string>(fleet.cmidCount);
  }

  addHost(host: string): void {
    if (!this.hosts.has(host)) this.hosts.set(host, { requests: 0, first: null, last: null, events: new Map(), logClears: 0 });
  }

  /**
   * One 12290 the simulator logged on host number `hostIndex` for machine number `machineId`
   * (CMID number `cmidIndex`); `f.machine` is the name as written in this request.
   */
  request(hostIndex: number, time: number, f: RequestFields, product: SimProduct, machineId: number, cmidIndex: number): void {
    if (time > this.at) return;
    this.requests++;
    if (this.cmidSeen[cmidIndex] === 0) {
      this.cmidSeen[cmidIndex] = 1;
      this.clientCount++;
    }
    if (this.machineSeen[machineId] === 0) {
      this.machineSeen[machineId] = 1;
      this.machines.add(f.machine.toLowerCase());
    }
    const h = this.hostByIndex[hostIndex];
    h.requests++;
    if (h.first === null) h.first = time;
    h.last = time;

    const first = this.firstMachine[cmidIndex];
    if (first === -1) {
      this.firstMachine[cmidIndex] = machineId;
      this.firstWritten[cmidIndex] = f.machine;
    } else if (first !== machineId) {
      // Another machine with this CMID: names differing beyond case make a clone.
      const firstWritten = this.firstWritten[cmidIndex];
      const firstLower = firstWritten.toLowerCase();
      const lower = f.machine.toLowerCase();
      if (firstLower !== lower) {
        let names = this.cloneNames.get(f.cmid);
        if (!names) this.cloneNames.set(f.cmid, (names = new Map([[firstLower, firstWritten]])));
        if (!names.has(lower)) names.set(lower, f.machine);
      }
    }

    const app = this.tables(product.application);
    if (time > this.from) {
      if (f.result === 0) {
        let counted = app.countedMin[hostIndex];
        if (counted === null) {
          counted = app.countedMin[hostIndex] = new Uint16Array(this.cmidSeen.length);
          this.countedOrder.push({ host: hostIndex, tables: app });
        }
        if (counted[cmidIndex] === 0) app.countedSize[hostIndex]++;
        counted[cmidIndex] = f.minimumCount;
      } else {
        const host = this.hostNames[hostIndex];
        const lower = f.machine.toLowerCase();
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
    if (Number.isNaN(app.latestAt[cmidIndex])) app.latestCount++;
    app.latestAt[cmidIndex] = time;
    app.latestState[cmidIndex] = f.licenseState;
    app.latestMinutes[cmidIndex] = f.minutesLeft;
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
    let total = 0;
    for (const app of this.applications.values()) {
      total += app.latestCount;
      for (let i = 0; i < app.latestAt.length; i++) {
        const at = app.latestAt[i];
        if (Number.isNaN(at)) continue;
        const state = app.latestState[i];
        const minutes = app.latestMinutes[i];
        const silent = this.at - at;
        if (silent > 30 * DAY) {
          lapsed++;
          continue;
        }
        byState[state] = (byState[state] ?? 0) + 1;
        if (silent > 8 * DAY) overdue++;
        if (state === 2 || state === 3 || state === 4 || state === 6) grace++;
        if (state === 5) notification++;
        if (minutes > 0 && at + minutes * 60_000 <= this.at + this.expiringDays * DAY) expiring++;
      }
    }

    return {
      generator: 'kmswatch simulate',
      options: this.options,
      at: iso(this.at),
      window: { from: iso(this.from), to: iso(this.at), days: 30 },
      totals: {
        requests: this.requests,
        clients: this.clientCount,
        machines: this.machines.size,
        hosts: [...this.hosts.values()].filter((h) => h.requests > 0).length,
        anomalies: this.anomalies,
      },
      hosts,
      clones,
      failures,
      clients: {
        total,
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
    for (const { host: hostIndex, tables } of this.countedOrder) {
      if (this.hostNames[hostIndex] !== host) continue;
      const mins = tables.countedMin[hostIndex]!;
      const active = tables.countedSize[hostIndex];
      const perMin = new Map<number, number>();
      for (const min of mins) if (min !== 0) perMin.set(min, (perMin.get(min) ?? 0) + 1);
      const maxMin = Math.max(...perMin.keys());
      const cap = 2 * maxMin;
      const current = Math.min(active, cap);
      out.push({
        application: tables.application,
        current,
        active,
        cap,
        thresholds: [...perMin]
          .sort(([a], [b]) => b - a)
          .map(([minimum, clients]) => ({ minimum, clients, met: current >= minimum })),
      });
    }
    return out.sort((a, b) => a.application.localeCompare(b.application));
  }

  private tables(application: KmsApplication): ApplicationTables {
    let t = this.applications.get(application);
    if (!t) this.applications.set(application, (t = new ApplicationTables(application, this.cmidSeen.length, this.hostNames.length)));
    return t;
  }

  private hostAcc(host: string): HostAcc {
    this.addHost(host);
    return this.hosts.get(host)!;
  }
}
