/**
 * POST /api/ingest with EVTX bodies: a chunk whose CRC fails is a problem (400, the good events
 * still land); a note (a file without CRCs, NO_CRC32) is none: 200.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createMemoryStore } from '../../src/store/memory.js';
import { createApp } from '../../src/web/app.js';
import { corpusDir } from '../helpers/paths.js';
import { AT } from './fleet.js';
import { TOKEN } from './helpers.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function post(file: string) {
  const app = createApp({ store: createMemoryStore(), timezone: 'UTC', now: () => AT, staticDir: null, token: TOKEN });
  apps.push(app);
  return app.inject({
    method: 'POST',
    url: '/api/ingest',
    payload: readFileSync(path.join(corpusDir, file)),
    headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${TOKEN}` },
  });
}

describe('POST /api/ingest: EVTX integrity', () => {
  it('a file without CRCs (a note, no problem): 200', async () => {
    const res = await post('evtxrs__Application_no_crc32.evtx');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, issueCount: 0 });
  });

  it('chunks whose data CRC fails: 400 naming them', async () => {
    const res = await post('evtxrs__2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx');
    expect(res.statusCode).toBe(400);
    const reasons = (res.json().issues as { reason: string }[]).map((i) => i.reason);
    expect(reasons.filter((r) => /data CRC mismatch/.test(r)).map((r) => r.split(':')[0])).toEqual(['chunk 0', 'chunk 13']);
  });
});
