/**
 * DNS rebinding defence: a loopback server answers only Host headers that name it. A page of
 * evil.example that made its name resolve to 127.0.0.1 still sends `Host: evil.example`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/types.js';
import { createHostCheck, parseHostName } from '../../src/web/host-check.js';
import { hostPolicy, isLoopback, startServer, type RunningServer } from '../../src/web/server.js';
import { TOKEN } from './helpers.js';
import { rawRequest } from './raw-http.js';

describe('parseHostName', () => {
  it('reads names, addresses and ports, and nothing else', () => {
    expect(parseHostName('LocalHost:8427')).toEqual({ name: 'localhost', port: 8427 });
    expect(parseHostName('[::1]:80')).toEqual({ name: '[::1]', port: 80 });
    expect(parseHostName('::1')).toEqual({ name: '[::1]', port: undefined });
    expect(parseHostName('kms.example.')).toEqual({ name: 'kms.example', port: undefined });
    for (const bad of ['', 'evil@localhost', 'a/b', 'localhost:99999', 'local host', 'x:', '[zz]']) expect(parseHostName(bad), bad).toBeNull();
  });
});

describe('createHostCheck', () => {
  const check = createHostCheck({ local: ['localhost', '127.0.0.1', '[::1]'], allowed: ['kms.example', 'proxy.example:8443'] });
  it('takes the server\'s own names on the port the connection came in on', () => {
    expect(check('127.0.0.1:8427', 8427)).toBe(true);
    expect(check('localhost:8427', 8427)).toBe(true);
    expect(check('[::1]:8427', 8427)).toBe(true);
    expect(check('localhost', 80)).toBe(true);
    expect(check('localhost:9999', 8427)).toBe(false);
    expect(check('localhost', 8427)).toBe(false);
  });
  it('takes --allow-host names on any port unless one is given, and refuses the rest', () => {
    expect(check('kms.example', 8427)).toBe(true);
    expect(check('KMS.example:443', 8427)).toBe(true);
    expect(check('proxy.example:8443', 8427)).toBe(true);
    expect(check('proxy.example', 8427)).toBe(false);
    expect(check('evil.example', 8427)).toBe(false);
    expect(check('evil.example:8427', 8427)).toBe(false);
    expect(check('localhost.evil.example:8427', 8427)).toBe(false);
    expect(check(undefined, 8427)).toBe(false);
    expect(check('', 8427)).toBe(false);
  });
});

describe('hostPolicy', () => {
  it('checks Host on loopback, and beyond loopback only when names were given', () => {
    expect(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost') && isLoopback('127.3.4.5')).toBe(true);
    expect(isLoopback('0.0.0.0') || isLoopback('::') || isLoopback('10.0.0.5')).toBe(false);
    expect(hostPolicy('127.0.0.2')).toEqual({ local: ['localhost', '127.0.0.1', '[::1]', '127.0.0.2'], allowed: [] });
    expect(hostPolicy('0.0.0.0')).toBeUndefined();
    expect(hostPolicy('0.0.0.0', ['kms.example'])).toEqual({ local: [], allowed: ['kms.example'] });
  });
});

describe('a loopback server', () => {
  let store: Store;
  let plain: RunningServer;
  let proxied: RunningServer;
  const portOf = (s: RunningServer) => Number(new URL(s.url).port);
  const get = (s: RunningServer, host: string, path = '/api/health') => rawRequest(portOf(s), `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);

  beforeAll(async () => {
    store = createMemoryStore();
    await store.migrate();
    plain = await startServer({ store, port: 0, staticDir: null, token: TOKEN });
    proxied = await startServer({ store, port: 0, staticDir: null, token: TOKEN, allowHosts: ['kms.example'] });
  });
  afterAll(async () => {
    await plain?.close();
    await proxied?.close();
    await store?.close();
  });

  it('refuses a rebinding page: Host evil.example gets 421 WEB_HOST_NOT_ALLOWED and no data', async () => {
    const port = portOf(plain);
    for (const path of ['/api/health', '/api/report', '/metrics', '/api/clients.csv', '/nothing']) {
      const r = await get(plain, `evil.example:${port}`, path);
      expect(r.status, path).toBe(421);
      expect(r.json, path).toMatchObject({ error: 'WEB_HOST_NOT_ALLOWED', field: 'host' });
    }
    // a write is refused on the Host too, before its token is looked at
    const body = '{}';
    const w = await rawRequest(port, `POST /api/ingest HTTP/1.1\r\nHost: evil.example:${port}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n`, body);
    expect(w.status).toBe(421);
  });

  it('answers the names of itself on its own port', async () => {
    const port = portOf(plain);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const r = await get(plain, host);
      expect(r.status, host).toBe(200);
      expect(r.json, host).toMatchObject({ ok: true });
    }
    expect((await get(plain, `localhost:${port + 1}`)).status).toBe(421);
    expect((await get(plain, 'kms.example')).status).toBe(421);
    // fetch sends Host 127.0.0.1:port itself
    expect((await fetch(`${plain.url}/api/health`)).status).toBe(200);
  });

  it('answers the names given with --allow-host (a reverse proxy) on any port', async () => {
    expect((await get(proxied, 'kms.example')).status).toBe(200);
    expect((await get(proxied, 'kms.example:443')).status).toBe(200);
    expect((await get(proxied, `localhost:${portOf(proxied)}`)).status).toBe(200);
    expect((await get(proxied, 'evil.example')).status).toBe(421);
  });
});
