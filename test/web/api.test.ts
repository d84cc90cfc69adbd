import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Report } from '../../src/analysis/report.js';
import type { Store } from '../../src/store/types.js';
import { alertRulesSchema } from '../../src/alerts/config.js';
import { createApp } from '../../src/web/app.js';
import type { ClientPage } from '../../src/web/clients-query.js';
import type { Timeline } from '../../src/web/timeline.js';
import { AT, XSS_NAME } from './fleet.js';
import { fleetStore, referenceReport } from './helpers.js';
import { recordingStore } from '../helpers/recording-store.js';

let store: Store;
let app: FastifyInstance;
let report: Report;

beforeAll(async () => {
  store = await fleetStore();
  app = createApp({ store, timezone: 'UTC', now: () => AT, staticDir: null });
  report = (await referenceReport(store)) as Report;
});
afterAll(async () => {
  await app.close();
  await store.close();
});

async function get<T>(url: string): Promise<{ status: number; body: T; headers: Record<string, unknown> }> {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.headers['content-type']?.toString().startsWith('application/json') ? (res.json() as T) : (res.body as T), headers: res.headers };
}

describe('GET /api/report', () => {
  it('is the report --json object at the given instant', async () => {
    const res = await get<Report>('/api/report?at=2026-03-01T00:00:00Z');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(report);
    // The fleet is what it claims to be (fleet.ts): two hosts, a clone, a failure, the XSS name.
    expect(report.hosts.map((h) => h.host)).toEqual(['KMS01', 'kms02']);
    expect(report.clones.map((c) => c.machines)).toEqual([['CLONE-A', 'CLONE-B']]);
    expect(report.failures.map((f) => [f.machine, f.result, f.requests])).toEqual([['BADPC', '0xC004F042', 3]]);
  });

  it('defaults at to now and accepts epoch milliseconds', async () => {
    expect((await get<Report>('/api/report')).body).toEqual(report);
    expect((await get<Report>(`/api/report?at=${AT}`)).body).toEqual(report);
  });

  it('rejects a time without a zone, naming the parameter', async () => {
    const res = await get<{ error: string; field: string }>('/api/report?at=2026-03-01T00:00:00');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'WEB_BAD_REQUEST', field: 'at' });
  });
});

describe('GET /api/clients', () => {
  it('pages all clients (lapsed included, as clients.total)', async () => {
    const all = await get<ClientPage>('/api/clients?pageSize=0');
    expect(all.body.total).toBe(report.clients.total);
    const page2 = await get<ClientPage>('/api/clients?pageSize=10&page=2');
    expect(page2.body.rows).toEqual(all.body.rows.slice(10, 20));
    expect(page2.body.pages).toBe(Math.ceil(report.clients.total / 10));
  });

  it('filters by host, state, VM and search', async () => {
    const nagged = await get<ClientPage>('/api/clients?host=KMS02&state=Notification');
    expect(nagged.body.rows.map((c) => c.machine)).toEqual(['NAGGED']);
    const byNumber = await get<ClientPage>('/api/clients?state=5');
    expect(byNumber.body.rows.map((c) => c.machine)).toEqual(['NAGGED']);
    // KMS01 PCs with c % 3 == 0 are VMs: c = 0, 3, ..., 27 → 10 (fleet.ts).
    const vms = await get<ClientPage>('/api/clients?host=KMS01&vm=true&pageSize=0');
    expect(vms.body.total).toBe(10);
    const search = await get<ClientPage>('/api/clients?search=clone');
    expect(search.body.rows.map((c) => c.machine)).toEqual(['CLONE-B']);
  });

  it('sorts by a named column, both ways', async () => {
    const asc = await get<ClientPage>('/api/clients?host=kms02&sort=lastSeen&pageSize=0');
    const desc = await get<ClientPage>('/api/clients?host=kms02&sort=lastSeen&dir=desc&pageSize=0');
    const times = asc.body.rows.map((c) => c.lastSeen);
    expect(times).toEqual([...times].sort());
    expect(desc.body.rows[0].lastSeen).toBe(times[times.length - 1]);
    expect(asc.body.rows[0].machine).toBe('GONE');
  });

  it('rejects unknown states and sort keys', async () => {
    expect((await get('/api/clients?state=Bogus')).status).toBe(400);
    expect((await get('/api/clients?sort=password')).status).toBe(400);
    expect((await get('/api/clients?application=Linux')).status).toBe(400);
  });

  it('exports the filtered table as CSV', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/clients.csv?host=kms02' });
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines[0].split(',').slice(0, 3)).toEqual(['machine', 'cmid', 'application']);
    const kms02 = await get<ClientPage>('/api/clients?host=kms02&pageSize=0');
    expect(lines.length - 1).toBe(kms02.body.total);
  });
});

describe('one client, timelines, alerts', () => {
  it('lists one client\'s requests, newest first', async () => {
    const failing = report.failures[0];
    const res = await get<{ requests: { time: string; resultHex: string }[] }>(`/api/clients/${failing.cmid}/requests`);
    expect(res.body.requests).toHaveLength(3);
    expect(res.body.requests.every((r) => r.resultHex === '0xC004F042')).toBe(true);
    expect(res.body.requests[0].time > res.body.requests[2].time).toBe(true);
    expect((await get('/api/clients/not-a-guid/requests')).status).toBe(400);
  });

  it('ends each host timeline at the report\'s current count', async () => {
    const res = await get<Timeline>('/api/timeline?days=30');
    expect(res.status).toBe(200);
    for (const h of report.hosts) {
      for (const c of h.counts) {
        const s = res.body.series.find((x) => x.host === h.host && x.application === c.application);
        expect(s, `${h.host} ${c.application}`).toBeDefined();
        expect(s!.points).toHaveLength(30);
        expect(s!.points[29]).toEqual({ t: report.at, current: c.current, active: c.active });
        expect(s!.thresholds).toEqual(c.thresholds.map((t) => t.minimum));
      }
    }
    const one = await get<Timeline>('/api/timeline?host=kms01&days=7');
    expect(new Set(one.body.series.map((s) => s.host))).toEqual(new Set(['KMS01']));
  });

  it('forecasts a count that never rises without new clients', async () => {
    const res = await get<Timeline>('/api/timeline?host=KMS01');
    const win = res.body.series.find((s) => s.application === 'Windows')!;
    const counts = win.forecast.map((f) => f.count);
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeLessThanOrEqual(counts[i - 1]);
    // With no new request every CMID leaves the 30-day window within 30 days.
    expect(counts[counts.length - 1]).toBe(0);
  });

  it('draws the forecast from the forecast rule of serve --config alone', async () => {
    const on = (await get<Timeline>('/api/timeline?host=KMS01')).body.series.find((s) => s.application === 'Windows')!;
    // the fleet's KMS01 counts Windows clients: with the rule on the first forecast day is above 0
    expect(on.forecast[0].count).toBeGreaterThan(0);
    const { store: watched, calls } = recordingStore(store);
    const rules = alertRulesSchema.parse({ forecast: { enabled: false } });
    const off = createApp({ store: watched, timezone: 'UTC', now: () => AT, staticDir: null, alertRules: rules });
    try {
      const body = (await off.inject({ method: 'GET', url: '/api/timeline?host=KMS01' })).json() as Timeline;
      const win = body.series.find((s) => s.application === 'Windows')!;
      // switched off: no counted client is read, so every forecast day is 0
      expect(win.forecast.every((f) => f.count === 0)).toBe(true);
      expect(win.points).toEqual(on.points);
      // the timeline reads what it draws, not every alert fact (client events, clones, failures)
      expect(calls).not.toContain('countedNewest');
      expect(calls.filter((c) => ['clientEvents', 'pairedClientRequests', 'clones', 'failures', 'latestClients'].includes(c))).toEqual([]);
    } finally {
      await off.close();
    }
  });

  it('evaluates the alert rules at the instant', async () => {
    const res = await get<{ current: { rule: string; summary: string }[] }>('/api/alerts');
    expect(res.status).toBe(200);
    expect(res.body.current.map((a) => a.rule)).toContain('clone');
  });
});

describe('headers and escaping', () => {
  it('sends a strict Content-Security-Policy and no-sniff on every answer', async () => {
    for (const url of ['/api/report', '/metrics', '/api/nothing']) {
      const res = await app.inject({ method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('returns the XSS machine name only as JSON data', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/clients?search=img' });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect((res.json() as ClientPage).rows.map((c) => c.machine)).toEqual([XSS_NAME]);
  });
});
