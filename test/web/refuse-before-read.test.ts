/**
 * POST /api/ingest is refused on its headers, before the body is read: a 30 MB upload without a
 * token, sent slowly, is answered 401 while almost all of it is still unsent, and the server
 * closes the connection instead of reading the rest. Bodies that are read have a read timeout.
 * Measured on the server side: the bytes its socket has read when the answer reaches the client.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory.js';
import { startServer, type RunningServer } from '../../src/web/server.js';
import { AT, fleetEvents, winlogbeatLine } from './fleet.js';
import { TOKEN } from './helpers.js';
import { rawRequest, slowUpload } from './raw-http.js';

const MB = 1024 * 1024;
const open: RunningServer[] = [];

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function serve(opts: { bodyTimeoutMs?: number; bodyLimit?: number; token?: string } = {}) {
  const store = createMemoryStore();
  await store.migrate();
  const server = await startServer({ store, port: 0, token: TOKEN, staticDir: null, timezone: 'UTC', ingestWorkers: 0, ...opts });
  open.push({ ...server, close: async () => { await server.close(); await store.close(); } });
  const sockets: Socket[] = [];
  server.app.server.on('connection', (s: Socket) => sockets.push(s));
  return { server, store, port: Number(new URL(server.url).port), sockets };
}

describe('POST /api/ingest refuses before it reads', () => {
  it('answers a slow 30 MB upload without a token with 401 before 1 MB is read, and closes', async () => {
    const { port, sockets } = await serve();
    let serverRead = -1;
    const r = await slowUpload({
      port,
      headers: 'Connection: close\r\n',
      total: 30 * MB,
      piece: 16 * 1024,
      pauseMs: 20,
      onAnswer: () => (serverRead = sockets[0].bytesRead),
      timeoutMs: 30_000,
    });
    expect(r.answer.status).toBe(401);
    expect(r.answer.json).toMatchObject({ error: 'WEB_UNAUTHORIZED' });
    expect(r.answer.headers.connection).toBe('close');
    // headers (~150 bytes) plus the pieces that were on the way: far below 1 MB
    expect(serverRead).toBeGreaterThan(0);
    expect(serverRead).toBeLessThan(MB);
    expect(r.sentBeforeAnswer).toBeLessThan(MB);
    // the server closed the connection rather than waiting for 30 MB at 16 KiB per 20 ms (> 38 s)
    expect(r.closeMs).toBeGreaterThanOrEqual(0);
    expect(r.closeMs).toBeLessThan(5_000);
    expect(r.sent).toBeLessThan(MB);
  });

  it('closes a keep-alive connection too, and never sends 100 Continue to a refused client', async () => {
    const { port, sockets } = await serve();
    for (const headers of ['', 'Expect: 100-continue\r\n', 'Authorization: Bearer wrong\r\nExpect: 100-continue\r\n']) {
      let serverRead = -1;
      const r = await slowUpload({ port, headers, total: 30 * MB, piece: 16 * 1024, pauseMs: 20, onAnswer: () => (serverRead = sockets.at(-1)!.bytesRead), timeoutMs: 30_000 });
      expect(r.answer.status, headers).toBe(headers.includes('wrong') ? 403 : 401);
      expect(r.answer.body).not.toMatch(/100 Continue/);
      expect(serverRead).toBeLessThan(MB);
      expect(r.closeMs).toBeLessThan(5_000);
    }
  });

  it('refuses a body over the limit on its Content-Length, before reading it', async () => {
    const { port, sockets } = await serve({ bodyLimit: 1 * MB });
    let serverRead = -1;
    const auth = `Authorization: Bearer ${TOKEN}\r\nConnection: close\r\n`;
    const r = await slowUpload({ port, headers: auth, total: 30 * MB, piece: 16 * 1024, pauseMs: 20, onAnswer: () => (serverRead = sockets[0].bytesRead), timeoutMs: 30_000 });
    expect(r.answer.status).toBe(413);
    expect(r.answer.json).toMatchObject({ error: 'WEB_PAYLOAD_TOO_LARGE' });
    expect(serverRead).toBeLessThan(MB);
  });

  it('answers a 30 MB body sent to no route with 404 before reading it', async () => {
    const { port, sockets } = await serve();
    let serverRead = -1;
    const r = await slowUpload({ port, path: '/api/report', total: 30 * MB, piece: 16 * 1024, pauseMs: 20, onAnswer: () => (serverRead = sockets[0].bytesRead), timeoutMs: 30_000 });
    expect(r.answer.status).toBe(404);
    expect(r.answer.json).toMatchObject({ error: 'WEB_NOT_FOUND' });
    expect(serverRead).toBeLessThan(MB);
    expect(r.closeMs).toBeLessThan(5_000);
  });

  it('answers 100 Continue to a client with the token, and stores its body', async () => {
    const { port, store } = await serve();
    const body = fleetEvents().filter((e) => e.eventId === 12290).slice(0, 3).map(winlogbeatLine).join('\n');
    const head = `POST /api/ingest HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/x-ndjson\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`;
    const answer = await rawRequest(port, head, body);
    // the interim 100 answer comes first, then the final one
    expect(answer.status).toBe(100);
    expect(answer.body).toMatch(/^HTTP\/1\.1 200 OK/);
    expect((await store.totals(AT)).requests).toBe(3);
  });
});

describe('connections of requests that were read', () => {
  it('stay open (keep-alive) for reads and accepted writes: only refusals close them', async () => {
    const { server } = await serve();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const request = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; connection: string | undefined; socket: unknown }>((resolve, reject) => {
        const req = http.request(`${server.url}${path}`, { method, agent, headers }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, socket: req.socket }));
        });
        req.on('error', reject);
        req.end(body);
      });
    const a = await request('GET', '/api/health');
    const body = winlogbeatLine(fleetEvents().find((e) => e.eventId === 12290)!);
    const b = await request('POST', '/api/ingest', body, { 'content-type': 'application/x-ndjson', authorization: `Bearer ${TOKEN}` });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.connection, b.connection]).toEqual(['keep-alive', 'keep-alive']);
    expect(b.socket).toBe(a.socket);
    agent.destroy();
  });
});

describe('body read timeout', () => {
  it('answers 408 WEB_TIMEOUT when a body with the right token stops arriving, and closes', async () => {
    const { port } = await serve({ bodyTimeoutMs: 400 });
    const t0 = Date.now();
    const r = await slowUpload({ port, headers: `Authorization: Bearer ${TOKEN}\r\n`, total: 30 * MB, piece: 1024, pauseMs: 50, timeoutMs: 20_000 });
    expect(r.answer.status).toBe(408);
    expect(r.answer.json).toMatchObject({ error: 'WEB_TIMEOUT', field: 'body' });
    // 400 ms after the headers, give or take the scheduling of a busy machine
    expect(r.answerMs).toBeGreaterThanOrEqual(350);
    expect(r.answerMs).toBeLessThan(5_000);
    expect(r.closeMs).toBeLessThan(6_000);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('takes a body that arrives in pieces within the timeout', async () => {
    const { port, store } = await serve({ bodyTimeoutMs: 5_000 });
    const body = Buffer.from(fleetEvents().filter((e) => e.eventId === 12290).slice(0, 3).map(winlogbeatLine).join('\n'));
    const r = await slowUpload({ port, headers: `Authorization: Bearer ${TOKEN}\r\nConnection: close\r\n`, body, total: body.length, piece: 200, pauseMs: 20, timeoutMs: 10_000 });
    expect(r.answer.status, r.answer.body).toBe(200);
    expect((await store.totals(AT)).requests).toBe(3);
  });
});
