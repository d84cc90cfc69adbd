/**
 * The server's memory stays flat under uploads it refuses: 20 uploads of 30 MB without a token,
 * sent slowly with `Connection: close`, all at once, to a server in a child process
 * (serve-child.ts) whose resident set size is read before and after, now and at its peak.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';
import { TOKEN } from './helpers.js';
import { slowUpload } from './raw-http.js';

const MB = 1024 * 1024;
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGKILL');
});

interface Memory {
  rss: number;
  maxRss: number;
}

function nextMessage<T>(c: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type: string }) => {
      if (m.type !== type) return;
      c.off('message', onMessage);
      resolve(m as T);
    };
    c.on('message', onMessage);
    c.once('exit', (code) => reject(new Error(`server child exited with ${code}`)));
  });
}

async function memory(c: ChildProcess): Promise<Memory> {
  const answer = nextMessage<Memory>(c, 'memory');
  c.send({ type: 'memory' });
  return answer;
}

describe('kmswatch serve under refused uploads', () => {
  it('keeps its memory flat across 20 slow 30 MB uploads without a token', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test/web/serve-child.ts')], {
      cwd: repoRoot,
      env: { ...process.env, CHILD_TOKEN: TOKEN },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const { url } = await nextMessage<{ url: string }>(child, 'url');
    const port = Number(new URL(url).port);
    // warm-up before the baseline: the ingest worker thread has loaded its readers (one accepted
    // batch went through it) and the code paths of a refusal have run once
    await fetch(`${url}/api/health`);
    const batch = await fetch(`${url}/api/ingest`, { method: 'POST', body: '{}\n', headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${TOKEN}` } });
    expect(batch.status).toBe(400);
    await slowUpload({ port, headers: 'Connection: close\r\n', total: 30 * MB, piece: 16 * 1024, pauseMs: 20, timeoutMs: 45_000 });
    const before = await memory(child);

    const uploads = await Promise.all(
      Array.from({ length: 20 }, () =>
        slowUpload({ port, headers: 'Connection: close\r\n', total: 30 * MB, piece: 16 * 1024, pauseMs: 20, timeoutMs: 45_000 }),
      ),
    );
    const after = await memory(child);
    console.log(`serve memory: rss ${(before.rss / MB).toFixed(1)} → ${(after.rss / MB).toFixed(1)} MB, peak ${(before.maxRss / MB).toFixed(1)} → ${(after.maxRss / MB).toFixed(1)} MB`);

    for (const u of uploads) {
      expect(u.answer.status).toBe(401);
      expect(u.answer.json).toMatchObject({ error: 'WEB_UNAUTHORIZED' });
      // seen from the client: the answer came while more than 29 of the 30 MB were unsent
      expect(u.sentBeforeAnswer).toBeGreaterThanOrEqual(0);
      expect(u.sentBeforeAnswer).toBeLessThan(MB);
    }
    // Tolerance 16 MB: a server that read one of these bodies would hold all 30 MB of it at once
    // (fastify keeps the pieces, then copies them into one buffer), so even a single read body
    // raises the peak by more than 30 MB; 16 MB leaves room for the allocator, the JIT and the
    // 20 connections' socket buffers (at most 64 KiB each).
    const growth = { rss: (after.rss - before.rss) / MB, peak: (after.maxRss - before.maxRss) / MB };
    expect(growth.peak, JSON.stringify({ before, after })).toBeLessThan(16);
    expect(growth.rss, JSON.stringify({ before, after })).toBeLessThan(16);
  }, 120_000);
});
