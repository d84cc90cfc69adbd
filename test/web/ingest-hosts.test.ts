// POST /api/ingest and exports that name no computer (Event Viewer saves): refused without
// ?host=, nothing stored; ?host= matched to the stored host it means; wevtutil text with ?encoding=.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/analysis/report.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/types.js';
import { createApp } from '../../src/web/app.js';
import { repoRoot } from '../helpers/paths.js';
import { TOKEN } from './helpers.js';

const AT = Date.parse('2026-02-10T00:00:00Z');
const fixture = (name: string) => readFileSync(path.join(repoRoot, 'test/fixtures/sources', name));
const open: { app: FastifyInstance; store: Store }[] = [];

async function setup() {
  const store = createMemoryStore();
  await store.migrate();
  const app = createApp({ store, timezone: 'Europe/Berlin', now: () => AT, staticDir: null, token: TOKEN });
  open.push({ app, store });
  return { app, store };
}

afterEach(async () => {
  for (const { app, store } of open.splice(0)) {
    await app.close();
    await store.close();
  }
});

function post(app: FastifyInstance, payload: Buffer, query = '', contentType = 'text/plain') {
  return app.inject({ method: 'POST', url: `/api/ingest${query}`, payload, headers: { 'content-type': contentType, authorization: `Bearer ${TOKEN}` } });
}

describe('POST /api/ingest: exports that name no computer', () => {
  it.each(['eventviewer-kms01.csv', 'eventviewer-kms01.txt'])('%s without ?host=: 400 naming the host field, nothing stored', async (name) => {
    const { app, store } = await setup();
    const res = await post(app, fixture(name), '', 'text/csv');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'WEB_BAD_REQUEST', field: 'host', message: expect.stringContaining('?host=NAME') });
    expect((await store.totals(AT)).requests).toBe(0);
    expect(await store.checkpoints()).toEqual([]);
  });

  it('?host=KMS01 joins the stored KMS01.corp.contoso.com, kept as its alias; an ambiguous short name is a 400', async () => {
    const { app, store } = await setup();
    expect((await post(app, fixture('wevtutil-kms01.xml'), '', 'application/xml')).statusCode).toBe(200);
    const res = await post(app, fixture('eventviewer-kms01.csv'), '?host=KMS01', 'text/csv');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, requests: 3 });
    const report = await buildReport(store, { at: AT, timezone: 'Europe/Berlin' });
    expect(report.hosts).toMatchObject([{ host: 'KMS01.corp.contoso.com', aliases: ['KMS01'], requests: 9 }]);

    const other = fixture('wevtutil-kms01.xml').toString('utf8').replaceAll('KMS01.corp.contoso.com', 'kms01.lab.contoso.com');
    expect((await post(app, Buffer.from(other), '', 'application/xml')).statusCode).toBe(200);
    const ambiguous = await post(app, fixture('eventviewer-kms01.txt'), '?host=kms01', 'text/csv');
    expect(ambiguous.statusCode).toBe(400);
    expect(ambiguous.json()).toMatchObject({ error: 'WEB_BAD_REQUEST', field: 'host', message: expect.stringContaining('KMS01.corp.contoso.com, kms01.lab.contoso.com') });
  });

  it('reads wevtutil /f:text, in a code page with ?encoding=', async () => {
    const { app, store } = await setup();
    const res = await post(app, fixture('wevtutil-kms01-cp850.txt'), '?encoding=cp850');
    expect(res.json()).toMatchObject({ ok: true, requests: 6, hostEvents: 4 });
    expect((await store.latestClients(AT)).map((c) => c.machine)).toContain('BÜRO-PC04');
    const bad = await post(app, fixture('wevtutil-kms01-cp850.txt'), '?encoding=nope');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'WEB_BAD_REQUEST', field: 'encoding' });
  });
});
