/**
 * The dashboard's compact overview and what came with it (issue 25): /api/overview, `at=latest`,
 * a client's requests paged and as of `at`, the alert rules of serve --config, compressed answers.
 * Expected values come from fleet.ts by hand (said where) or from buildReport over the same store.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/alerts/load-config.js';
import type { Report } from '../../src/analysis/report.js';
import type { Store } from '../../src/store/types.js';
import { createApp } from '../../src/web/app.js';
import type { Overview } from '../../src/web/overview.js';
import { AT, fleetEvents } from './fleet.js';
import { fleetStore, referenceReport } from './helpers.js';

const DAY = 86_400_000;
/** fleet.ts: PC000 is cmid(0), renewing weekly from AT − 40 d: AT − 40, 33, 26, 19, 12, 5 d → 6 requests. */
const PC000 = '00000000-1111-4222-8333-000000000000';
const WIN11_PRO = '2de67392-b7a7-462a-b1ca-108dd189f588';

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

async function get<T>(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: T; raw: Buffer; headers: Record<string, unknown> }> {
  const res = await app.inject({ method: 'GET', url, headers });
  const json = res.headers['content-type']?.toString().startsWith('application/json') && !res.headers['content-encoding'];
  return { status: res.statusCode, body: (json ? res.json() : res.body) as T, raw: res.rawPayload, headers: res.headers };
}

describe('GET /api/overview', () => {
  it('carries the report\'s totals, health and counts, without the client lists', async () => {
    const { status, body } = await get<Overview>('/api/overview?at=2026-03-01T00:00:00Z');
    expect(status).toBe(200);
    expect(body.at).toBe(report.at);
    expect(body.totals).toEqual(report.totals);
    expect(body.health).toEqual(report.health);
    expect(body.stale).toEqual(report.stale);
    expect(body.hosts.map((h) => [h.host, h.counts])).toEqual(report.hosts.map((h) => [h.host, h.counts]));
    expect(body.clients.total).toBe(report.clients.total);
    expect(body.clients.lapsed).toBe(report.clients.lapsed.length);
    expect(JSON.stringify(body)).not.toContain('"expiring":[');
    // fleet.ts: KMS01 published DNS failures at AT − 3 d and AT − 2 d
    expect(body.hosts.find((h) => h.host === 'KMS01')?.lastDnsFailureAt).toBe(new Date(AT - 2 * DAY).toISOString());
  });

  it('lists the products of the report (read without their counts), by name', async () => {
    for (const at of ['2026-03-01T00:00:00Z', new Date(AT - 30 * DAY).toISOString(), '2020-01-01T00:00:00Z']) {
      const { body } = await get<Overview>(`/api/overview?at=${at}`);
      const r = (await get<Report>(`/api/report?at=${at}`)).body;
      const expected = r.products.map((p) => ({ activationId: p.activationId, product: p.product })).sort((a, b) => (a.product < b.product ? -1 : a.product > b.product ? 1 : a.activationId < b.activationId ? -1 : 1));
      expect(body.products, at).toEqual(expected);
    }
    // the fleet asks for more than one product; nothing before its first request
    expect((await get<Overview>('/api/overview?at=2026-03-01T00:00:00Z')).body.products.length).toBeGreaterThan(1);
    expect((await get<Overview>('/api/overview?at=2020-01-01T00:00:00Z')).body.products).toEqual([]);
  });

  it('lists the alerts with a title and a remedy, and the failing product', async () => {
    const { body } = await get<Overview>('/api/overview?at=2026-03-01T00:00:00Z');
    expect(body.alerts?.length).toBeGreaterThan(0);
    for (const a of body.alerts ?? []) {
      expect(a.title, a.id).not.toBe('');
      expect(a.remedy, a.id).not.toBe('');
    }
    // fleet.ts: BADPC asked for Windows 11 Pro (WIN11_PRO) and got 0xC004F042 three times
    const product = report.products.find((p) => p.activationId === WIN11_PRO)?.product;
    expect(product).toBeTruthy();
    expect(body.failures.rows.map((f) => [f.machine, f.result, f.product])).toEqual([['BADPC', '0xC004F042', product]]);
    expect(body.failures).toMatchObject({ machines: 1, requests: 3 });
  });

  it('at=latest is the newest stored event (here before now)', async () => {
    // the newest event of fleet.ts up to AT, computed from the events themselves
    const newest = Math.max(...fleetEvents().map((e) => e.time).filter((t) => t <= AT));
    const { body } = await get<Overview>('/api/overview?at=latest');
    expect(body.at).toBe(new Date(newest).toISOString());
    expect(body.newestEventAt).toBe(new Date(newest).toISOString());
    const r = await get<Report>('/api/report?at=latest');
    expect(r.body.at).toBe(new Date(newest).toISOString());
  });

  it('answers a bad at with 400 and a message naming it', async () => {
    const res = await get<{ error: string; message: string; field: string }>('/api/overview?at=yesterday');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'WEB_BAD_REQUEST', field: 'at' });
    expect(res.body.message).toMatch(/"yesterday"/);
    expect(res.body.message).toMatch(/latest/);
  });
});

describe('GET /api/clients/:cmid/requests', () => {
  it('pages the requests newest first, with the expiry as a date', async () => {
    const p1 = await get<{ total: number; pages: number; page: number; requests: { time: string; expiresAt: string | null; minutesLeft: number }[] }>(`/api/clients/${PC000}/requests?at=2026-03-01T00:00:00Z&pageSize=4`);
    expect(p1.status).toBe(200);
    expect([p1.body.total, p1.body.pages, p1.body.page, p1.body.requests.length]).toEqual([6, 2, 1, 4]);
    // newest first: AT − 5 d, then a week earlier each
    expect(p1.body.requests.map((r) => r.time)).toEqual([5, 12, 19, 26].map((d) => new Date(AT - d * DAY).toISOString()));
    // fleet.ts: minutesLeft 249,120 on every request
    expect(p1.body.requests[0].expiresAt).toBe(new Date(AT - 5 * DAY + 249_120 * 60_000).toISOString());
    const p2 = await get<{ requests: unknown[]; page: number }>(`/api/clients/${PC000}/requests?at=2026-03-01T00:00:00Z&pageSize=4&page=2`);
    expect([p2.body.page, p2.body.requests.length]).toEqual([2, 2]);
  });

  it('follows at: nothing after it is listed', async () => {
    // at AT − 20 d only the requests of AT − 40, 33 and 26 d had been made
    const res = await get<{ total: number; requests: { time: string }[] }>(`/api/clients/${PC000}/requests?at=${new Date(AT - 20 * DAY).toISOString()}`);
    expect(res.body.total).toBe(3);
    expect(res.body.requests.map((r) => r.time)).toEqual([26, 33, 40].map((d) => new Date(AT - d * DAY).toISOString()));
  });

  it('keeps the older limit parameter as the page size', async () => {
    const res = await get<{ requests: unknown[] }>(`/api/clients/${PC000}/requests?limit=2`);
    expect(res.body.requests).toHaveLength(2);
  });
});

describe('serve --config alert rules', () => {
  it('drive /api/alerts and the overview (a rule switched off is gone, the idle limit applies)', async () => {
    const defaults = await get<{ current: { rule: string }[] }>('/api/alerts');
    expect(defaults.body.current.map((a) => a.rule)).toContain('clone');
    const config = parseConfigText('alerts:\n  clone:\n    enabled: false\n  idleHost:\n    hours: 72\n', 'kmswatch.yaml');
    const configured = createApp({ store, timezone: 'UTC', now: () => AT, staticDir: null, alertRules: config.alerts });
    try {
      const alerts = (await configured.inject({ url: '/api/alerts' })).json() as { current: { rule: string }[] };
      expect(alerts.current.map((a) => a.rule)).not.toContain('clone');
      expect(alerts.current.length).toBe(defaults.body.current.length - defaults.body.current.filter((a) => a.rule === 'clone').length);
      const overview = (await configured.inject({ url: '/api/overview' })).json() as Overview;
      expect(overview.idleHours).toBe(72);
      expect(overview.alerts?.map((a) => a.rule)).not.toContain('clone');
    } finally {
      await configured.close();
    }
  });
});

describe('compressed answers', () => {
  it('sends br or gzip when asked, the same JSON inside', async () => {
    const plain = await get<Report>('/api/report?at=2026-03-01T00:00:00Z');
    const br = await get<Buffer>('/api/report?at=2026-03-01T00:00:00Z', { 'accept-encoding': 'br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(br.raw).toString('utf8'))).toEqual(plain.body);
    expect(br.raw.length).toBeLessThan(JSON.stringify(plain.body).length);
    const gz = await get<Buffer>('/api/report?at=2026-03-01T00:00:00Z', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gz.raw).toString('utf8'))).toEqual(plain.body);
  });
});
