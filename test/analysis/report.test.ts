import { beforeAll, describe, expect, it } from 'vitest';
import { buildReport, type Report } from '../../src/analysis/report.js';
import { AT, DAY } from './fleet.js';
import { fleetStore } from './fleet.js';

// Every expected number below is derived by hand from the fleet described in fleet.ts.
let report: Report;

beforeAll(async () => {
  const store = await fleetStore();
  report = await buildReport(store, { at: AT, timezone: 'Europe/Berlin' });
});

const iso = (ms: number) => new Date(ms).toISOString();
const host = (name: string) => {
  const h = report.hosts.find((x) => x.host === name);
  if (!h) throw new Error(`no host ${name}`);
  return h;
};
const count = (hostName: string, application: string) => host(hostName).counts.find((c) => c.application === application);

describe('buildReport on the fleet', () => {
  it('names the instant, the zone and the window', () => {
    expect(report.at).toBe('2026-03-01T00:00:00.000Z');
    expect(report.timezone).toBe('Europe/Berlin');
    expect(report.window).toEqual({ from: '2026-01-30T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z', days: 30 });
  });

  it('totals', () => {
    // requests: kms01 40 + 20 + 3 + 1 = 64; kms02 12 + 3 + 2 = 17; kms03 3 edges (e-future is after AT)
    //           + f-1 ×3 + f-2 + 7 k-* + k-history ×2 = 16 → 97.
    // clients: kms01 60 (w-01..03 Office share CMIDs) + g-1 = 61; kms02 12 + c-1 + x-case = 14;
    //          kms03 e-out, e-near, e-in, f-1, f-2, 7 k-*, k-history = 13 → 88.
    // machines: kms01 60 + PC-42 = 61; kms02 12 + SRV-A, srv-b + PC-X = 15; kms03 13 (PC-FAIL = pc-fail) → 89.
    // hosts with requests: kms01..kms03 = 3. anomalies up to AT: 2.
    expect(report.totals).toEqual({ requests: 97, clients: 88, machines: 89, hosts: 3, anomalies: 2 });
  });

  it('caps the count at 50 when a client OS asked for 25', () => {
    // kms01 Windows: 40 clients (N=25) + 20 servers (N=5) → active 60, cap 2 × 25 = 50, current 50.
    expect(count('kms01', 'Windows')).toEqual({
      application: 'Windows',
      active: 60,
      cap: 50,
      current: 50,
      thresholds: [
        { minimum: 25, clients: 40, met: true },
        { minimum: 5, clients: 20, met: true },
      ],
      // kms01's log begins at AT − 2 d, after the window's start (AT − 30 d): counted from 2 days only
      partial: true,
    });
  });

  it('counts Office apart from Windows, and failures not at all', () => {
    // kms01 Office: w-01..w-03 succeeded (g-1 failed) → active 3, cap 10, current 3 < 5.
    expect(count('kms01', 'Office')).toEqual({
      application: 'Office',
      active: 3,
      cap: 10,
      current: 3,
      thresholds: [{ minimum: 5, clients: 3, met: false }],
      partial: true,
    });
    expect(host('kms01').counts.map((c) => c.application)).toEqual(['Windows', 'Office']);
  });

  it('caps at 10 when only servers asked', () => {
    // kms02: x-01..x-12, c-1, x-case, all N=5 → active 14, cap 10, current 10.
    expect(count('kms02', 'Windows')).toEqual({
      application: 'Windows',
      active: 14,
      cap: 10,
      current: 10,
      thresholds: [{ minimum: 5, clients: 14, met: true }],
      // kms02's log begins at AT − 10 d
      partial: true,
    });
  });

  it('window edges: AT − 30 d excluded, AT included, after AT ignored', () => {
    // kms03 successes in (AT − 30 d, AT]: e-near, e-in, k-renew, k-overdue, k-8d, k-expiring,
    // k-exp-edge, k-zero, k-history = 9 (e-out sits on the open edge, k-lapsed is older, e-future later).
    expect(count('kms03', 'Windows')).toEqual({
      application: 'Windows',
      active: 9,
      cap: 50,
      current: 9,
      thresholds: [{ minimum: 25, clients: 9, met: false }],
      // kms03's log begins at AT − 31 d; the events read after its clear begin at AT − 1 d (an
      // anomaly), where those before it end: no hole, the whole window is covered
      partial: false,
    });
  });

  it('host activity, idle hosts, DNS counts and log clears', () => {
    expect(report.hosts.map((h) => h.host)).toEqual(['kms01', 'kms02', 'kms03', 'kms04']);
    // kms01's last request is exactly 24 h before AT: not idle (idle means more than 24 h).
    expect(host('kms01')).toMatchObject({ requests: 64, lastRequestAt: iso(AT - DAY), idle: false, dnsPublishFailures: 2, dnsPublishSuccesses: 1, logClears: 0 });
    expect(host('kms02')).toMatchObject({ requests: 17, lastRequestAt: iso(AT - 4 * DAY), idle: true, dnsPublishFailures: 0 });
    expect(host('kms03')).toMatchObject({ requests: 16, firstRequestAt: iso(AT - 31 * DAY), lastRequestAt: iso(AT), idle: false, logClears: 1 });
    expect(host('kms04')).toMatchObject({ requests: 0, lastRequestAt: null, idle: true, dnsPublishSuccesses: 1, counts: [] });
    const dnsFailed = host('kms01').events.find((e) => e.type === 'dns-publish-failed');
    expect(dnsFailed).toEqual({ type: 'dns-publish-failed', count: 2, lastAt: iso(AT - 4 * DAY), lastResult: '0x8007232A', lastDomain: 'contoso.com' });
    // kms03 has 15 requests before AT (16 up to AT minus e-in), ids 100..114; e-in restarts at 1.
    expect(report.logClears).toEqual([
      { host: 'kms03', channel: 'Key Management Service', epoch: 1, detectedAt: iso(AT), previousLastRecordId: 114, firstRecordId: 1 },
    ]);
  });

  it('idleHours moves the idle line', async () => {
    const store = await fleetStore();
    const r = await buildReport(store, { at: AT, timezone: 'UTC', idleHours: 23 });
    expect(r.hosts.find((h) => h.host === 'kms01')?.idle).toBe(true);
    expect(r.idleHours).toBe(23);
  });

  it('clones: one CMID under two names; case and Office sharing do not count', () => {
    expect(report.clones).toEqual([{ cmid: 'c-1', machines: ['SRV-A', 'srv-b'], firstSeen: iso(AT - 6 * DAY), lastSeen: iso(AT - 4 * DAY), damagedOnly: false }]);
  });

  it('failures in the window with meanings, grouped case-insensitively', () => {
    // f-1: PC-FAIL ×2 + pc-fail ×1 = 3 requests, last at AT − 2 d; g-1: 1; f-2 is outside the window.
    expect(report.failures.map((f) => [f.machine.toLowerCase(), f.cmid, f.host, f.result, f.requests, f.lastAt])).toEqual([
      ['pc-fail', 'f-1', 'kms03', '0xC004F06C', 3, iso(AT - 2 * DAY)],
      ['pc-42', 'g-1', 'kms01', '0xC004F042', 1, iso(AT - DAY)],
    ]);
    const [skew, cannotUse] = report.failures;
    expect(skew.meaning.toLowerCase()).toContain('timestamp');
    expect(cannotUse.meaning).toMatch(/cannot be used/i);
    expect(skew.known && cannotUse.known).toBe(true);
    expect(skew.remedy.length).toBeGreaterThan(0);
  });

  it('clients: states, overdue, lapsed, expiring', () => {
    const c = report.clients;
    // Latest per (CMID, application) up to AT: kms01 60 + 3 Office + g-1 = 64; kms02 14; kms03 13 → 91.
    expect(c.total).toBe(91);
    // Lapsed (> 30 d): k-lapsed and f-2 (both AT − 31 d); e-out at exactly 30 d is not lapsed.
    expect(c.lapsed.map((x) => x.cmid).sort()).toEqual(['f-2', 'k-lapsed']);
    // Non-lapsed 89: OOBGrace k-expiring, f-1, g-1; Notification k-exp-edge; Unlicensed k-zero; Licensed the other 84.
    expect(c.byState).toEqual({ Unlicensed: 1, Licensed: 84, OOBGrace: 3, Notification: 1 });
    // Overdue (> 8 d, not lapsed): x-01..x-12 (10 d), e-out (30 d), e-near (30 d − 1 ms),
    // k-overdue (9 d) = 15; k-8d is exactly 8 d, so not overdue.
    expect(c.overdueCount).toBe(15);
    expect(c.graceCount).toBe(3);
    expect(c.notificationCount).toBe(1);
    // Expiring (expiry ≤ AT + 14 d): k-expiring at AT + 9 d, k-exp-edge at AT + 14 d exactly.
    expect(c.expiring.map((x) => [x.cmid, x.expiresAt])).toEqual([
      ['k-expiring', iso(AT + 9 * DAY)],
      ['k-exp-edge', iso(AT + 14 * DAY)],
    ]);
    expect(c.expiringDays).toBe(14);
  });

  it('products and anomalies up to AT', () => {
    const office = report.products.find((p) => p.product === 'Office LTSC Professional Plus 2021');
    // w-01..w-03 and g-1 → 4 clients, 4 requests.
    expect(office).toMatchObject({ application: 'Office', clients: 4, requests: 4, lastSeen: iso(AT - DAY) });
    expect(report.anomalies.map((a) => a.raw)).toEqual(["'; DROP TABLE requests; --", 'deadbeef']);
    expect(report.anomalies[0]).toMatchObject({ host: 'kms03', eventId: 1337, time: iso(AT - DAY + 60_000) });
  });
});
