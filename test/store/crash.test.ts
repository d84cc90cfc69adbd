import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

/*
 * Crash safety (issue 2 §4): a real ingest process is SIGKILLed mid-run. The database must open,
 * hold a whole number of batches, and a re-run must end with exactly what a clean run stores.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const child = path.join(here, 'fixtures/crash-child.ts');
const TOTAL = 24_000;
const BATCH = 1_500;
const dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  batches: number;
  stderr: string;
}

/** Runs the child; with killAfter, SIGKILLs it as soon as it has reported that many batches. */
function runChild(db: string, killAfter?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, db, String(TOTAL), String(BATCH)], { cwd: repo });
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
function contents(file: string): { requests: number; digest: string; checkpoints: unknown[]; clears: unknown[] } {
  const db = new Database(file, { readonly: true });
  try {
    const hash = createHash('sha256');
    const rows = db.prepare(`SELECT * FROM kms_requests ORDER BY host_key, channel, record_id, time_ms, machine_key`).iterate() as Iterable<Record<string, unknown>>;
    let requests = 0;
    for (const { id: _id, ...row } of rows) {
      hash.update(JSON.stringify(row));
      requests++;
    }
    for (const row of db.prepare(`SELECT * FROM kms_clients ORDER BY cmid, application`).iterate()) hash.update(JSON.stringify(row));
    const checkpoints = db.prepare(`SELECT host_key, channel, host, last_record_id, last_time, epoch FROM checkpoints ORDER BY host_key, channel`).all();
    const clears = db.prepare(`SELECT host_key, channel, epoch, detected_at, previous_last_record_id, previous_last_time, first_record_id FROM log_clears ORDER BY host_key, channel, epoch`).all();
    return { requests, digest: hash.digest('hex'), checkpoints, clears };
  } finally {
    db.close();
  }
}

describe('sqlite: a SIGKILLed ingest', () => {
  it('leaves whole batches only, and a re-run equals a clean run', async () => {
    const killedDb = path.join(dir, 'killed.db');
    const killed = await runChild(killedDb, 3);
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(killed.batches).toBeLessThan(TOTAL / BATCH);

    // the database opens, is intact, and holds a whole number of batches (the series has one
    // distinct request per record, so every committed batch added exactly BATCH rows)
    const db = new Database(killedDb);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const stored = (db.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n;
    db.close();
    expect(stored % BATCH).toBe(0);
    expect(stored).toBeGreaterThanOrEqual(killed.batches * BATCH);
    expect(stored).toBeLessThan(TOTAL);

    const rerun = await runChild(killedDb);
    expect(rerun.code, rerun.stderr).toBe(0);
    const cleanDb = path.join(dir, 'clean.db');
    const clean = await runChild(cleanDb);
    expect(clean.code, clean.stderr).toBe(0);

    const after = contents(killedDb);
    const reference = contents(cleanDb);
    expect(reference.requests).toBe(TOTAL);
    expect(reference.clears).toHaveLength(1);
    expect(after).toEqual(reference);
  });
});
