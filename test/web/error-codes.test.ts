/**
 * One truth for the web layer's errors: every `WEB_*` row of docs/errors.md is triggered against
 * a listening server, and the answer must carry that code as `error` with the status the row
 * names. A code added to the doc without a trigger here fails, as does an answer with another
 * code (fastify's FST_*, say) or status.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/types.js';
import { startServer, type RunningServer } from '../../src/web/server.js';
import { repoRoot } from '../helpers/paths.js';
import { fleetEvents, winlogbeatLine } from './fleet.js';
import { TOKEN } from './helpers.js';
import { rawRequest, slowUpload, type RawAnswer } from './raw-http.js';

const MB = 1024 * 1024;
const documented = [...readFileSync(path.join(repoRoot, 'docs/errors.md'), 'utf8').matchAll(/^\| `(WEB_[A-Z0-9_]+)` \|[^|]*\| HTTP (\d{3})\b/gm)].map((m) => ({
  code: m[1],
  status: Number(m[2]),
}));

let store: Store;
let server: RunningServer;
let port: number;
/** Released to let the first stored batch finish (WEB_BUSY holds one batch in the store meanwhile). */
let releaseWrite: () => void = () => undefined;

beforeAll(async () => {
  store = createMemoryStore();
  await store.migrate();
  const write = store.writeBatch.bind(store);
  store.writeBatch = async (records) => {
    await new Promise<void>((resolve) => (releaseWrite = resolve));
    return write(records);
  };
  store.clientRequests = async () => {
    throw new Error('the disk is on fire');
  };
  server = await startServer({ store, port: 0, token: TOKEN, staticDir: null, timezone: 'UTC', bodyLimit: MB, bodyTimeoutMs: 300, ingestWorkers: 0, ingestQueueBytes: 10 });
  port = Number(new URL(server.url).port);
});

afterAll(async () => {
  releaseWrite();
  await server?.close();
  await store?.close();
});

const host = () => `127.0.0.1:${port}`;
const get = (url: string, headers = '') => rawRequest(port, `GET ${url} HTTP/1.1\r\nHost: ${host()}\r\n${headers}Connection: close\r\n\r\n`);
function post(body: string, headers = `Authorization: Bearer ${TOKEN}\r\nContent-Type: application/x-ndjson\r\n`, p = port): Promise<RawAnswer> {
  return rawRequest(p, `POST /api/ingest HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\n${headers}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`, body);
}
const batch = () => fleetEvents().filter((e) => e.eventId === 12290).slice(0, 2).map(winlogbeatLine).join('\n');

/** Each code's triggers: requests that must be answered with it. */
const TRIGGERS: Record<string, (() => Promise<RawAnswer>)[]> = {
  WEB_BAD_REQUEST: [
    () => get('/api/report?at=yesterday'),
    // not HTTP at all: answered by the HTTP parser's handler
    () => rawRequest(port, 'HELLO THERE\r\n\r\n'),
    // a URL that does not decode (fastify's own FST_ERR_BAD_URL)
    () => get('/api/clients/%zz/requests'),
  ],
  WEB_UNAUTHORIZED: [() => post(batch(), 'Content-Type: application/x-ndjson\r\n')],
  WEB_FORBIDDEN: [() => post(batch(), 'Authorization: Bearer wrong\r\nContent-Type: application/x-ndjson\r\n')],
  WEB_NOT_FOUND: [
    () => get('/no/such/page'),
    () => rawRequest(port, `DELETE /api/report HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`),
    // a body for no route is not read (let alone parsed as JSON) to answer 404
    () => rawRequest(port, `POST /api/report HTTP/1.1\r\nHost: ${host()}\r\nContent-Type: application/json\r\nContent-Length: 1\r\nConnection: close\r\n\r\n`, '{'),
  ],
  WEB_TIMEOUT: [async () => (await slowUpload({ port, headers: `Authorization: Bearer ${TOKEN}\r\n`, total: MB - 1, piece: 100, pauseMs: 100, timeoutMs: 10_000 })).answer],
  WEB_PAYLOAD_TOO_LARGE: [
    () => post('x'.repeat(MB + 1)),
    // chunked: no Content-Length to refuse on, so the limit is met while reading
    () => rawRequest(port, `POST /api/ingest HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`, `${(MB + 1).toString(16)}\r\n${'x'.repeat(MB + 1)}\r\n0\r\n\r\n`),
  ],
  WEB_UNSUPPORTED_MEDIA: [() => post(batch(), `Authorization: Bearer ${TOKEN}\r\nContent-Type: image/png\r\n`)],
  WEB_HOST_NOT_ALLOWED: [() => rawRequest(port, `GET /api/health HTTP/1.1\r\nHost: evil.example:${port}\r\nConnection: close\r\n\r\n`)],
  WEB_BUSY: [
    async () => {
      // the first batch is held in the store, so its bytes stay in the queue (limit 10 bytes)
      const first = post(batch());
      await vi.waitFor(() => expect(releaseWrite).not.toBe(noop), { timeout: 5_000 });
      const second = await post(batch());
      releaseWrite();
      expect((await first).status).toBe(200);
      return second;
    },
  ],
  WEB_HEADERS_TOO_LARGE: [() => get('/api/health', `X-Padding: ${'a'.repeat(20_000)}\r\n`)],
  WEB_INTERNAL: [() => get('/api/clients/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee/requests')],
  WEB_INGEST_WORKER: [
    async () => {
      // a worker thread that dies while it holds the body (a bug or a crash, not bad input)
      const s = createMemoryStore();
      await s.migrate();
      const pooled = await startServer({ store: s, port: 0, token: TOKEN, staticDir: null, timezone: 'UTC', ingestWorkers: 1 });
      const spy = vi.spyOn(Worker.prototype, 'postMessage').mockImplementation(function (this: Worker) {
        void this.terminate();
      });
      try {
        return await post(batch(), undefined, Number(new URL(pooled.url).port));
      } finally {
        spy.mockRestore();
        await pooled.close();
        await s.close();
      }
    },
  ],
  WEB_NO_DASHBOARD: [() => get('/')],
  // a store opened read-only (serve's reads) refuses an authenticated upload before reading it
  WEB_READ_ONLY: [
    async () => {
      const s = createMemoryStore();
      await s.migrate();
      Object.defineProperty(s, 'readOnly', { value: true });
      const readOnly = await startServer({ store: s, port: 0, token: TOKEN, staticDir: null, timezone: 'UTC', ingestWorkers: 0 });
      try {
        return await post(batch(), undefined, Number(new URL(readOnly.url).port));
      } finally {
        await readOnly.close();
        await s.close();
      }
    },
  ],
};
const noop = releaseWrite;

describe('docs/errors.md WEB_* codes', () => {
  it('documents the web codes with their HTTP status', () => {
    expect(documented.length).toBeGreaterThanOrEqual(14);
    expect(documented.map((d) => d.code).sort()).toEqual(Object.keys(TRIGGERS).sort());
  });

  for (const { code, status } of documented) {
    it(`${code}: answered ${status} with error ${code}`, async () => {
      const triggers = TRIGGERS[code];
      expect(triggers, `no trigger for ${code}`).toBeDefined();
      for (const trigger of triggers) {
        const answer = await trigger();
        expect(answer.status, answer.body).toBe(status);
        expect(answer.json, answer.body).toMatchObject({ error: code });
        expect(typeof answer.json?.message).toBe('string');
      }
    });
  }
});
