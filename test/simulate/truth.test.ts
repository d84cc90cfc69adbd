/**
 * The simulator's truth.json is the answer key: ingesting the simulated logs and building the
 * report must reproduce it exactly, for several seeds, sizes and every output format.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/analysis/report.js';
import type { Report } from '../../src/analysis/types.js';
import { ingestFiles } from '../../src/ingest/ingest.js';
import { simulate, type SimFormat, type Truth } from '../../src/simulate/index.js';
import { openStore } from '../../src/store/index.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'kmswatch-truth-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const lower = (s: string) => s.toLowerCase();

function reportView(r: Report) {
  return {
    totals: r.totals,
    hosts: r.hosts
      .map((h) => ({
        host: lower(h.host),
        requests: h.requests,
        dnsPublishFailures: h.dnsPublishFailures,
        dnsPublishSuccesses: h.dnsPublishSuccesses,
        logClears: h.logClears,
        counts: h.counts
          .map((c) => ({ application: c.application, current: c.current, active: c.active, cap: c.cap, thresholds: c.thresholds }))
          .sort((a, b) => a.application.localeCompare(b.application)),
      }))
      .sort((a, b) => a.host.localeCompare(b.host)),
    clones: r.clones.map((c) => ({ cmid: c.cmid, machines: c.machines.map(lower).sort() })).sort((a, b) => a.cmid.localeCompare(b.cmid)),
    failures: r.failures
      .map((f) => `${lower(f.machine)} ${f.cmid} ${lower(f.host)} ${f.result} ${f.requests}`)
      .sort(),
    clients: {
      total: r.clients.total,
      overdueCount: r.clients.overdueCount,
      graceCount: r.clients.graceCount,
      notificationCount: r.clients.notificationCount,
      lapsed: r.clients.lapsed.length,
      byStateTotal: Object.values(r.clients.byState).reduce((a, b) => a + b, 0),
    },
    // Export-Csv's #TYPE line carries the log name in lower case ("key management service").
    logClears: r.logClears.map((c) => `${lower(c.host)} ${lower(c.channel)}`).sort(),
  };
}

function truthView(t: Truth) {
  return {
    totals: t.totals,
    hosts: t.hosts
      .map((h) => ({
        host: lower(h.host),
        requests: h.requests,
        dnsPublishFailures: h.dnsPublishFailures,
        dnsPublishSuccesses: h.dnsPublishSuccesses,
        logClears: h.logClears,
        counts: [...h.counts].sort((a, b) => a.application.localeCompare(b.application)),
      }))
      .sort((a, b) => a.host.localeCompare(b.host)),
    clones: t.clones.map((c) => ({ cmid: c.cmid, machines: c.machines.map(lower).sort() })),
    failures: t.failures.map((f) => `${lower(f.machine)} ${f.cmid} ${lower(f.host)} ${f.result} ${f.requests}`).sort(),
    clients: {
      total: t.clients.total,
      overdueCount: t.clients.overdueCount,
      graceCount: t.clients.graceCount,
      notificationCount: t.clients.notificationCount,
      lapsed: t.clients.lapsedCount,
      byStateTotal: Object.values(t.clients.byState).reduce((a, b) => a + b, 0),
    },
    logClears: t.logClears.map((c) => `${lower(c.host)} ${lower(c.channel)}`).sort(),
  };
}

const CASES: { seed: number; clients: number; hosts: number; days: number; format: SimFormat }[] = [
  { seed: 1, clients: 60, hosts: 3, days: 45, format: 'evtx' },
  { seed: 2, clients: 150, hosts: 2, days: 40, format: 'evtx' },
  { seed: 3, clients: 40, hosts: 1, days: 35, format: 'xml' },
  { seed: 4, clients: 80, hosts: 3, days: 38, format: 'ndjson' },
  { seed: 5, clients: 50, hosts: 2, days: 33, format: 'csv' },
];

describe('ingest + report reproduce truth.json', () => {
  for (const c of CASES) {
    it(`seed ${c.seed}, ${c.clients} clients, ${c.hosts} hosts, ${c.days} days, ${c.format}`, async () => {
      const out = path.join(tmp, `s${c.seed}-${c.format}`);
      const sim = simulate({ out, ...c });
      const store = await openStore(':memory:');
      try {
        const summary = await ingestFiles(store, sim.files, { timezone: 'UTC' });
        expect(summary.issues).toEqual([]);
        expect(summary.requests).toBe(sim.truth.totals.requests);
        expect(summary.logClears).toBe(sim.truth.logClears.length);
        const report = await buildReport(store, { at: Date.parse(sim.truth.at), timezone: 'UTC' });
        expect(reportView(report)).toEqual(truthView(sim.truth));
      } finally {
        await store.close();
      }
    });
  }
});
