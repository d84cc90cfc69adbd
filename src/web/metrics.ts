/**
 * Prometheus metrics (names of shared docs formats.md §2 and issue 27). Every series is per host,
 * application, result, HRESULT, DNS domain or a published host's address: never per client. The gauges belong to the registry passed in, and each
 * scrape replaces all their values from a fresh snapshot, so series of vanished hosts disappear.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { buildReport, type Report } from '../analysis/report.js';
import type { DiscoveryReport } from '../analysis/types.js';
import { clientEventsCollected } from '../report/client-events.js';
import { formatHresult } from '../kms/codes.js';
import { withSharedReads } from '../store/shared-reads.js';
import type { Store } from '../store/types.js';

/** src/collect/collect.ts LAST_SUCCESS_KEY: the last collection that read every source. */
export const COLLECT_SUCCESS_KEY = 'collect.last_success';
/** The last HTTP ingest batch that stored without a bad record. */
export const HTTP_INGEST_SUCCESS_KEY = 'web.ingest.last_success';

export interface MetricsSnapshot {
  report: Report;
  /** Per host and HRESULT: failed requests over all time up to `at`. */
  failures: { host: string; result: number; requests: number }[];
  /** Clone CMIDs per host (a CMID counts for each host that served it). */
  duplicateCmids: Map<string, number>;
  /** Epoch ms of the last successful collection, or null. */
  collectorLastSuccess: number | null;
}

export interface Metrics {
  update(snapshot: MetricsSnapshot): void;
}

export function createMetrics(registry: Registry, version: string): Metrics {
  const registers = [registry];
  const current = new Gauge({ name: 'kms_current_count', help: 'Current count as the KMS host reports it: distinct CMIDs activated in the last 30 days, capped at 2 x the highest minimum count', labelNames: ['host', 'application'], registers });
  const required = new Gauge({ name: 'kms_required_count', help: 'Highest minimum count (25 or 5) requested by the clients counted in the last 30 days', labelNames: ['host', 'application'], registers });
  const requests = new Counter({ name: 'kms_requests_total', help: 'Activation requests (event 12290) processed by the host, by outcome', labelNames: ['host', 'result'], registers });
  const errors = new Counter({ name: 'kms_request_errors_total', help: 'Failed activation requests by HRESULT', labelNames: ['host', 'hresult'], registers });
  const lastRequest = new Gauge({ name: 'kms_last_request_timestamp_seconds', help: 'Time of the last activation request the host processed', labelNames: ['host'], registers });
  const dnsFailures = new Counter({ name: 'kms_dns_publishing_failures_total', help: 'Failed DNS SRV publishing attempts (event 12293)', labelNames: ['host'], registers });
  const duplicates = new Gauge({ name: 'kms_duplicate_cmids', help: 'CMIDs reported under two or more machine names (cloned images)', labelNames: ['host'], registers });
  const expiring = new Gauge({ name: 'kms_clients_expiring', help: 'Clients whose activation expires within the given period (or has expired) and that are still in contact', labelNames: ['host', 'within'], registers });
  // a series of its own rather than a label on kms_current_count: a new label would change that series
  const partial = new Gauge({ name: 'kms_count_partial', help: '1 when kms_current_count of the host and application is computed from less than the 30-day window (the stored log does not cover it: the count may be too low), else 0', labelNames: ['host', 'application'], registers });
  const collector = new Gauge({ name: 'kms_collector_last_success_timestamp_seconds', help: 'Time of the last collection or HTTP ingest that completed without errors', registers });
  // issue 27: the newest `kmswatch discover` check and the clients' own events
  const srvRecords = new Gauge({ name: 'kms_srv_records', help: 'SRV records (_vlmcs._tcp) found for the domain in the newest discovery check; 0 when the DNS server answered that there is none; absent when the lookup failed (see kms_discovery_lookup_failed)', labelNames: ['domain'], registers });
  const lookupFailed = new Gauge({ name: 'kms_discovery_lookup_failed', help: '1 when the newest discovery check could not look up the SRV records of the domain (timeout, SERVFAIL, unreachable DNS server): whether a record exists is not known; else 0', labelNames: ['domain'], registers });
  const reachable = new Gauge({ name: 'kms_host_reachable', help: '1 when a TCP connection to the address and port of a published KMS host (SRV target) was accepted in the newest discovery check, 0 when refused, timed out or failed; seen from the machine that ran the check', labelNames: ['host', 'address', 'port'], registers });
  const checkTime = new Gauge({ name: 'kms_discovery_check_timestamp_seconds', help: 'Time of the newest discovery check (kmswatch discover); absent when none is stored', registers });
  const unanswered = new Gauge({ name: 'kms_clients_unanswered', help: "Clients whose newest activation attempt in the window got no answer from a KMS host (the clients' own 12288 without 12289, or 0xC004F074); absent when no client events are collected", registers });
  const build = new Gauge({ name: 'kms_build_info', help: 'kmswatch build information', labelNames: ['version'], registers });
  build.set({ version }, 1);

  return {
    update(snap) {
      for (const m of [current, required, partial, requests, errors, lastRequest, dnsFailures, duplicates, expiring, collector, srvRecords, lookupFailed, reachable, checkTime, unanswered]) m.reset();
      const { report } = snap;
      const failedByHost = new Map<string, number>();
      for (const f of snap.failures) {
        errors.inc({ host: f.host, hresult: formatHresult(f.result) }, f.requests);
        failedByHost.set(f.host.toLowerCase(), (failedByHost.get(f.host.toLowerCase()) ?? 0) + f.requests);
      }
      for (const h of report.hosts) {
        const failed = failedByHost.get(h.host.toLowerCase()) ?? 0;
        requests.inc({ host: h.host, result: 'success' }, Math.max(0, h.requests - failed));
        requests.inc({ host: h.host, result: 'failure' }, failed);
        if (h.lastRequestAt) lastRequest.set({ host: h.host }, Date.parse(h.lastRequestAt) / 1000);
        dnsFailures.inc({ host: h.host }, h.dnsPublishFailures);
        duplicates.set({ host: h.host }, snap.duplicateCmids.get(h.host.toLowerCase()) ?? 0);
        expiring.set({ host: h.host, within: `${report.clients.expiringDays}d` }, 0);
        for (const c of h.counts) {
          current.set({ host: h.host, application: c.application }, c.current);
          required.set({ host: h.host, application: c.application }, c.thresholds[0]?.minimum ?? 0);
          partial.set({ host: h.host, application: c.application }, c.partial ? 1 : 0);
        }
      }
      const expiringByHost = new Map<string, { host: string; n: number }>();
      for (const c of report.clients.expiring) {
        const e = expiringByHost.get(c.host.toLowerCase()) ?? { host: c.host, n: 0 };
        e.n++;
        expiringByHost.set(c.host.toLowerCase(), e);
      }
      for (const h of report.hosts) {
        const e = expiringByHost.get(h.host.toLowerCase());
        if (e) expiring.set({ host: h.host, within: `${report.clients.expiringDays}d` }, e.n);
      }
      if (snap.collectorLastSuccess !== null) collector.set(snap.collectorLastSuccess / 1000);
      setDiscovery(report.discovery ?? null, { srvRecords, lookupFailed, reachable, checkTime });
      // an unlabelled gauge shows 0 after reset(): removed, so "not collected" is not read as "none"
      if (clientEventsCollected(report.clientSide)) unanswered.set(report.clientSide.unanswered.length);
      else unanswered.remove();
    },
  };
}

interface DiscoveryGauges {
  srvRecords: Gauge;
  lookupFailed: Gauge;
  reachable: Gauge;
  checkTime: Gauge;
}

function setDiscovery(discovery: DiscoveryReport | null, g: DiscoveryGauges): void {
  if (discovery === null) {
    g.checkTime.remove();
    return;
  }
  g.checkTime.set(Date.parse(discovery.checkedAt) / 1000);
  for (const d of discovery.domains) {
    // a failed lookup is not "0 records": that series is left out and the failure said instead
    g.lookupFailed.set({ domain: d.domain }, d.status === 'failed' ? 1 : 0);
    if (d.status !== 'failed') g.srvRecords.set({ domain: d.domain }, d.records.length);
  }
  // a target published in two domains is one series: reachable only when no connection to it failed
  const seen = new Map<string, { labels: { host: string; address: string; port: string }; ok: boolean }>();
  for (const d of discovery.domains) {
    for (const r of d.records) {
      for (const a of r.addresses) {
        const labels = { host: r.target, address: a.address, port: String(a.port) };
        const key = `${labels.host}\u0000${labels.address}\u0000${labels.port}`;
        const ok = a.status === 'reachable' && (seen.get(key)?.ok ?? true);
        seen.set(key, { labels, ok });
      }
    }
  }
  for (const { labels, ok } of seen.values()) g.reachable.set(labels, ok ? 1 : 0);
}

async function metaTime(store: Store, key: string): Promise<number | null> {
  if (!store.getMeta) return null;
  const text = await store.getMeta(key);
  const n = text === null ? Number.NaN : Number(text);
  return Number.isFinite(n) ? n : null;
}

/** Everything one scrape needs, read from the store at `at`. */
export async function gatherMetrics(source: Store, at: number, timezone: string, knownHosts: readonly string[] = []): Promise<MetricsSnapshot> {
  // the report's reads shared within the scrape
  const store = withSharedReads(source);
  const [report, failures, collected, pushed] = await Promise.all([
    buildReport(store, { at, timezone, anomalyLimit: 0, knownHosts: [...knownHosts], listLapsed: false }),
    // every failure so far, per host and result code
    store.failureCounts(at),
    metaTime(store, COLLECT_SUCCESS_KEY),
    metaTime(store, HTTP_INGEST_SUCCESS_KEY),
  ]);
  const cloneCmids = report.clones.map((c) => c.cmid);
  const clients = cloneCmids.length > 0 ? await store.selectedClients(at, { cmids: cloneCmids }) : [];
  const hostsPerCmid = new Map<string, Set<string>>();
  for (const c of clients) {
    const set = hostsPerCmid.get(c.cmid) ?? new Set<string>();
    set.add(c.host.toLowerCase());
    hostsPerCmid.set(c.cmid, set);
  }
  const duplicateCmids = new Map<string, number>();
  for (const hosts of hostsPerCmid.values()) for (const h of hosts) duplicateCmids.set(h, (duplicateCmids.get(h) ?? 0) + 1);
  const times = [collected, pushed].filter((t): t is number => t !== null);
  return { report, failures, duplicateCmids, collectorLastSuccess: times.length ? Math.max(...times) : null };
}
