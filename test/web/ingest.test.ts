import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/types.js';
import { createApp } from '../../src/web/app.js';
import { AT, fleetEvents, winlogbeatLine } from './fleet.js';
import { fleetStore, referenceReport, TOKEN } from './helpers.js';

const open: { app: FastifyInstance; store: Store }[] = [];

async function setup(opts: { token?: string; bodyLimit?: number } = { token: TOKEN }) {
  const store = createMemoryStore();
  await store.migrate();
  const app = createApp({ store, timezone: 'UTC', now: () => AT, staticDir: null, ...opts });
  open.push({ app, store });
  return { app, store };
}

afterEach(async () => {
  for (const { app, store } of open.splice(0)) {
    await app.close();
    await store.close();
  }
});

function post(app: FastifyInstance, payload: string, headers: Record<string, string> = {}, url = '/api/ingest') {
  return app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${TOKEN}`, ...headers } });
}

const ndjson = () => fleetEvents().map(winlogbeatLine).join('\n') + '\n';

describe('POST /api/ingest: authorisation', () => {
  it('refuses every write when the server has no token', async () => {
    const { app, store } = await setup({});
    const res = await post(app, ndjson());
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'WEB_FORBIDDEN' });
    expect((await store.totals(AT)).requests).toBe(0);
  });

  it('asks for the bearer token (401) and refuses a wrong one (403)', async () => {
    const { app, store } = await setup();
    const none = await post(app, ndjson(), { authorization: '' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ error: 'WEB_UNAUTHORIZED', field: 'authorization' });
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    const wrong = await post(app, ndjson(), { authorization: 'Bearer nope' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({ error: 'WEB_FORBIDDEN', field: 'authorization' });
    expect((await store.totals(AT)).requests).toBe(0);
  });
});

describe('POST /api/ingest: batches', () => {
  it('stores Winlogbeat NDJSON with the same result as reading the EVTX file', async () => {
    const { app, store } = await setup();
    const res = await post(app, ndjson());
    expect(res.statusCode).toBe(200);
    const body = res.json() as { ok: boolean; events: number; requests: number; duplicates: number };
    expect(body.ok).toBe(true);
    expect(body.events).toBe(fleetEvents().length);
    const fromEvtx = await fleetStore();
    // the same report but for the sources its coverage names ("http (winlogbeat)", "fleet.evtx (evtx)")
    const sourcesOf = (r: unknown) => JSON.stringify(r).replace(/"source":"[^"]*"/g, '"source":""');
    expect(sourcesOf(await referenceReport(store))).toBe(sourcesOf(await referenceReport(fromEvtx)));
    await fromEvtx.close();
  });

  it('is idempotent: the same batch again adds nothing', async () => {
    const { app, store } = await setup();
    const first = (await post(app, ndjson())).json() as { requests: number };
    const before = await referenceReport(store);
    const again = await post(app, ndjson());
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ requests: 0, hostEvents: 0, duplicates: fleetEvents().length });
    expect(first.requests).toBeGreaterThan(0);
    expect(await referenceReport(store)).toEqual(before);
  });

  it('accepts a JSON array too', async () => {
    const { app, store } = await setup();
    const events = fleetEvents().filter((e) => e.eventId === 12290).slice(0, 5);
    const res = await post(app, `[${events.map(winlogbeatLine).join(',')}]`, { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(200);
    expect((await store.totals(AT)).requests).toBe(5);
  });

  it('answers 400 naming the bad lines while the good records land', async () => {
    const { app, store } = await setup();
    const good = fleetEvents().filter((e) => e.eventId === 12290).slice(0, 4).map(winlogbeatLine);
    const payload = [good[0], '{not json', good[1], '{"some":"thing"}', good[2], good[3]].join('\n');
    const res = await post(app, payload);
    expect(res.statusCode).toBe(400);
    const body = res.json() as { ok: boolean; requests: number; issueCount: number; issues: { line: number; reason: string }[] };
    expect(body.ok).toBe(false);
    expect(body.issueCount).toBe(2);
    expect(body.issues.map((i) => i.line)).toEqual([2, 4]);
    expect(body.issues[1].reason).toMatch(/no known shape/);
    expect((await store.totals(AT)).requests).toBe(4);
  });

  it('reads event XML sent as application/xml', async () => {
    const { app, store } = await setup();
    const xml = `<Events><Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Security-SPP"/><EventID Qualifiers="16384">12290</EventID><TimeCreated SystemTime="2026-02-27T10:00:00.000Z"/><EventRecordID>7</EventRecordID><Channel>Key Management Service</Channel><Computer>kms03</Computer></System><EventData><Data>0x0,25,PCX,aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee,2026/2/27 10:00,0,1,249120,2de67392-b7a7-462a-b1ca-108dd189f588</Data><Data>0x0</Data><Data>25</Data><Data>PCX</Data><Data>aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee</Data><Data>2026/2/27 10:00</Data><Data>0</Data><Data>1</Data><Data>249120</Data><Data>2de67392-b7a7-462a-b1ca-108dd189f588</Data></EventData></Event></Events>`;
    const res = await post(app, xml, { 'content-type': 'application/xml' });
    expect(res.statusCode, res.body).toBe(200);
    expect((await store.latestClients(AT)).map((c) => [c.host, c.machine])).toEqual([['kms03', 'PCX']]);
  });

  it('refuses a body over the limit and an unknown format', async () => {
    const { app } = await setup({ token: TOKEN, bodyLimit: 1000 });
    const large = await post(app, ndjson());
    expect(large.statusCode).toBe(413);
    expect(large.json()).toMatchObject({ error: 'WEB_PAYLOAD_TOO_LARGE' });
    const bad = await post(app, 'x', {}, '/api/ingest?format=evtx');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: 'format' });
    const unknown = await post(app, 'hello world\n');
    expect(unknown.statusCode).toBe(400);
    expect((unknown.json() as { issues: { fatal?: boolean }[] }).issues[0].fatal).toBe(true);
  });
});
