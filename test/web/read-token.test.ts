/**
 * A server with a read token (what `serve` insists on beyond loopback): every read needs it, as a
 * Bearer token or as the password of Basic authentication (a browser prompts for it); the write
 * token reads too; POST /api/ingest still takes the write token only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../src/store/types.js';
import { createApp } from '../../src/web/app.js';
import { AT } from './fleet.js';
import { fleetStore, referenceReport, TOKEN } from './helpers.js';

const READ = 'read-token-abcdef';
let store: Store;
let app: FastifyInstance;

beforeAll(async () => {
  store = await fleetStore();
  app = createApp({ store, token: TOKEN, readToken: READ, timezone: 'UTC', now: () => AT, staticDir: null });
});
afterAll(async () => {
  await app.close();
  await store.close();
});

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const get = (url: string, authorization?: string) => app.inject({ method: 'GET', url, headers: authorization === undefined ? {} : { authorization } });

describe('reads with a read token', () => {
  it('refuses a read without credentials: 401 with a Bearer and a Basic challenge', async () => {
    for (const url of ['/api/health', '/api/report', '/api/clients', '/api/clients.csv', '/api/timeline', '/api/alerts', '/metrics', '/']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(401);
      expect(res.json(), url).toMatchObject({ error: 'WEB_UNAUTHORIZED', field: 'authorization' });
      expect(res.headers['www-authenticate'], url).toEqual(['Bearer realm="kmswatch"', 'Basic realm="kmswatch", charset="UTF-8"']);
      expect(res.body, url).not.toMatch(/KMS01|PC0/);
    }
  });

  it('refuses a wrong Bearer token with 403 and a wrong Basic password with 401 (the browser asks again)', async () => {
    const bearer = await get('/api/report', 'Bearer nope');
    expect(bearer.statusCode).toBe(403);
    expect(bearer.json()).toMatchObject({ error: 'WEB_FORBIDDEN' });
    const password = await get('/api/report', basic('admin', 'nope'));
    expect(password.statusCode).toBe(401);
    expect(password.json()).toMatchObject({ error: 'WEB_UNAUTHORIZED' });
    expect(password.headers['www-authenticate']).toContain('Basic realm="kmswatch", charset="UTF-8"');
  });

  it('answers the read token as Bearer or Basic password (any user name), and the write token', async () => {
    const report = await referenceReport(store);
    for (const authorization of [`Bearer ${READ}`, basic('anyone', READ), basic('', READ), `Bearer ${TOKEN}`]) {
      const res = await get('/api/report?at=2026-03-01T00:00:00Z', authorization);
      expect(res.statusCode, authorization).toBe(200);
      expect(res.json()).toEqual(report);
    }
    const metrics = await get('/metrics', `Bearer ${READ}`);
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(/kms_current_count/);
  });

  it('keeps writes on the write token: the read token cannot ingest', async () => {
    const post = (authorization: string) =>
      app.inject({ method: 'POST', url: '/api/ingest', payload: '{}', headers: { 'content-type': 'application/json', authorization } });
    expect((await post(`Bearer ${READ}`)).statusCode).toBe(403);
    expect((await post(basic('x', TOKEN))).statusCode).toBe(401);
    // the write token is read as a token: `{}` is JSON of no known shape (400 naming it)
    expect((await post(`Bearer ${TOKEN}`)).statusCode).toBe(400);
  });
});

describe('createApp refuses tokens that could never match', () => {
  it('throws on a token or read token of white space', async () => {
    expect(() => createApp({ store, token: ' ', staticDir: null })).toThrow(/token is empty/);
    expect(() => createApp({ store, readToken: '\t', staticDir: null })).toThrow(/readToken is empty/);
    expect(() => createApp({ store, token: 'two words', staticDir: null })).toThrow(/white space/);
  });
});
