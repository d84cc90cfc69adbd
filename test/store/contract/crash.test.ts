import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/store/index.js';
import { rawQuery } from './raw-sql.js';
import { freshStoreUrls, selectedBackends } from './backends.js';

/*
 * Crash safety (issue 2 §4): a real ingest process is SIGKILLed mid-run. The database must open,
 * hold a whole number of batches, and a re-run must end with exactly what a clean run stores.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const child = path.join(here, 'crash-child.ts');
const TOTAL = 24_000;
const BATCH = 1_500;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  batches: number;
  stderr: string;
}

/** Children still running: killed when the file ends, so a test that times out leaves none behind. */
const running = new Set<ReturnType<typeof spawn>>();
afterAll(() => {
  for (const proc of running) proc.kill('SIGKILL');
});

/** Runs the child; with killAfter, SIGKILLs it as soon as it has reported that many batches. */
function runChild(db: string, killAfter?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, db, String(TOTAL), String(BATCH)], { cwd: repo });
    running.add(proc);
    proc.on('exit', () => running.delete(proc));
    let batches = 0;
    let stderr = '';
    let buffered = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('batch ')) batches++;
        if (killAfter !== undefined && batches >= killAfter && !proc.killed) proc.kill('SIGKILL');
      }
    });
    proc.stderr.on('data', (chunk) => (stderr += String(chunk)));
    proc.on('error', reject);
    proc.on('close', (code, signal) => resolve({ code, signal, batches, stderr }));
  });
}

/**
 * Every stored request as the reader view resolves it (ids of rows and lookup strings aside), the
 * client summaries, checkpoints and log clears, in a fixed order.
 */
async function contents(url: string): Promise<{ requests: number; digest: string; checkpoints: unknown[]; clears: unknown[] }> {
  const store = await openStore(url, { readOnly: true });
  try {
    const hash = createHash('sha256');
    // event_time is text on SQLite and a timestamp on PostgreSQL: time_ms says the same
    const rows = await rawQuery(store, `SELECT * FROM kms_requests ORDER BY host_key, channel, record_id, time_ms, machine_key`);
    for (const { id: _id, event_time: _t, ...row } of rows) hash.update(JSON.stringify({ ...row, succeeded: Boolean(row.succeeded), is_vm: Boolean(row.is_vm) }));
    for (const { last_seen_at: _t, ...row } of await rawQuery(store, `SELECT * FROM kms_clients ORDER BY cmid, application`)) {
      hash.update(JSON.stringify({ ...row, is_vm: Boolean(row.is_vm) }));
    }
    const checkpoints = await rawQuery(store, `SELECT host_key, channel, host, last_record_id, last_time, epoch FROM checkpoints ORDER BY host_key, channel`);
    const clears = await rawQuery(store, `SELECT host_key, channel, epoch, detected_at, previous_last_record_id, previous_last_time, first_record_id FROM log_clears ORDER BY host_key, channel, epoch`);
    return { requests: rows.length, digest: hash.digest('hex'), checkpoints, clears };
  } finally {
    await store.close();
  }
}

for (const backend of selectedBackends().filter((b) => b !== 'memory')) describe(`${backend}: a SIGKILLed ingest`, () => {
  let urls: Awaited<ReturnType<typeof freshStoreUrls>>;
  beforeAll(async () => {
    urls = await freshStoreUrls(backend as 'sqlite' | 'postgres');
  });
  afterAll(async () => urls?.dispose());

  it('leaves whole batches only, and a re-run equals a clean run', async () => {
    const killedDb = await urls.fresh();
    const killed = await runChild(killedDb, 3);
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(killed.batches).toBeLessThan(TOTAL / BATCH);

    // the database opens, is intact, and holds a whole number of batches (the series has one
    // distinct request per record, so every committed batch added exactly BATCH rows)
    const opened = await openStore(killedDb);
    if (backend === 'sqlite') expect(await rawQuery(opened, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    const stored = (await opened.totals(Date.UTC(2100, 0, 1))).requests;
    await opened.close();
    expect(stored % BATCH).toBe(0);
    expect(stored).toBeGreaterThanOrEqual(killed.batches * BATCH);
    expect(stored).toBeLessThan(TOTAL);

    const rerun = await runChild(killedDb);
    expect(rerun.code, rerun.stderr).toBe(0);
    const cleanDb = await urls.fresh();
    const clean = await runChild(cleanDb);
    expect(clean.code, clean.stderr).toBe(0);

    const after = await contents(killedDb);
    const reference = await contents(cleanDb);
    expect(reference.requests).toBe(TOTAL);
    expect(reference.clears).toHaveLength(1);
    expect(after).toEqual(reference);
  });
});
