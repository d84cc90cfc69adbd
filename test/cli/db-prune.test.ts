// `kmswatch db prune`: --before parsing, output, --json, --dry-run, usage errors; then on a real SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import type { PruneResult, Store } from '../../src/store/types.js';
import { handDataset, t } from '../store/contract/dataset.js';
import { runCli, runCliOnDb } from './helpers.js';

/** A store that only answers prune, with fixed counts, and records how it was called. */
class PruneRecorder {
  readonly backend = 'memory' as const;
  readonly readOnly = false;
  readonly calls: { before: number; dryRun: boolean | undefined }[] = [];
  async prune(before: number, options: { dryRun?: boolean } = {}): Promise<PruneResult> {
    this.calls.push({ before, dryRun: options.dryRun });
    return { before, dryRun: options.dryRun === true, requests: 1200, hostEvents: 7, clientEvents: 0, anomalies: 3, damageMarks: 2, logSpans: 4, clientsRemoved: 15 };
  }
  async close(): Promise<void> {}
}

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

async function prune(...args: string[]) {
  const store = new PruneRecorder();
  const result = await runCli(['db', 'prune', ...args], { store: store as unknown as Store, now: NOW });
  return { ...result, calls: store.calls };
}

describe('db prune: the command line', () => {
  it('--before: a date is 00:00 UTC of that day; a time is UTC unless it has an offset', async () => {
    expect((await prune('--before', '2025-07-01')).calls).toEqual([{ before: Date.UTC(2025, 6, 1), dryRun: false }]);
    expect((await prune('--before', '2025-07-01T12:30')).calls).toEqual([{ before: Date.UTC(2025, 6, 1, 12, 30), dryRun: false }]);
    expect((await prune('--before', '2025-07-01T12:30:00+02:00')).calls).toEqual([{ before: Date.UTC(2025, 6, 1, 10, 30), dryRun: false }]);
    // up to now is allowed
    expect((await prune('--before', new Date(NOW).toISOString())).calls).toEqual([{ before: NOW, dryRun: false }]);
  });

  it('prints what went per kind, exit 0', async () => {
    const r = await prune('--before', '2025-07-01');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').map((l) => l.trimEnd())).toEqual([
      'events before 2025-07-01T00:00:00.000Z',
      'Kind                          Deleted',
      '────────────────────────────  ───────',
      'requests                         1200',
      'host events                         7',
      'client events                       0',
      'anomalies                           3',
      'damage marks                        2',
      'coverage stretches                  4',
      'clients left with no request       15',
      '',
    ]);
  });

  it('--dry-run asks for a dry run and says nothing was deleted', async () => {
    const r = await prune('--before', '2025-07-01', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([{ before: Date.UTC(2025, 6, 1), dryRun: true }]);
    expect(r.stdout).toContain('Would go');
    expect(r.stdout).toContain('requests                          1200\n');
    expect(r.stdout.endsWith('dry run: nothing deleted\n')).toBe(true);
  });

  it('--json prints the PruneResult', async () => {
    const r = await prune('--before', '2025-07-01', '--json', '--dry-run');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      before: Date.UTC(2025, 6, 1), dryRun: true, requests: 1200, hostEvents: 7, clientEvents: 0, anomalies: 3, damageMarks: 2, logSpans: 4, clientsRemoved: 15,
    });
  });

  it('--db names the store', async () => {
    const store = new PruneRecorder();
    const r = await runCli(['db', 'prune', '--db', 'history.db', '--before', '2025-07-01'], { store: store as unknown as Store, now: NOW });
    expect(r.code).toBe(0);
    expect(r.opened).toEqual(['history.db']);
  });

  it('usage errors (exit 2, nothing pruned): no --before, a date in the future, not a date', async () => {
    const missing = await prune();
    expect(missing).toMatchObject({ code: 2, stdout: '', calls: [] });
    expect(missing.stderr).toContain("required option '--before <date>' not specified");

    // NOW is 2026-01-15 12:00 UTC
    const future = await prune('--before', '2026-01-16');
    expect(future).toMatchObject({ code: 2, stdout: '', calls: [] });
    expect(future.stderr).toContain("option '--before <date>' argument '2026-01-16' is in the future");
    const laterToday = await prune('--before', '2026-01-15T12:00:01Z');
    expect(laterToday).toMatchObject({ code: 2, calls: [] });

    for (const bad of ['yesterday', '2025-13-01', '1.7e12']) {
      const r = await prune('--before', bad);
      expect(r, bad).toMatchObject({ code: 2, stdout: '', calls: [] });
      expect(r.stderr).toContain(`option '--before <date>' argument '${bad}' is invalid`);
    }
  });
});

describe('db prune on a SQLite file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-prune-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('dry run, prune, prune again; a missing file is not created', async () => {
    const file = path.join(dir, 'kms.db');
    const store = await openStore(file);
    await store.writeBatch(handDataset());
    await store.close();

    // By hand (test/store/contract/dataset.ts), before 2026-11-27: requests: HOST_A's 6 and
    // HOST_B's Oct 15, Nov 25, Nov 26 = 9; host events Nov 2, 5, 12 = 3; the client event Nov 20;
    // the anomaly Nov 10; stretches: PC1's Application log (Nov 20 only) = 1; clients C1…C5 = 5.
    const expected = { before: t(11, 27, 0), requests: 9, hostEvents: 3, clientEvents: 1, anomalies: 1, damageMarks: 0, logSpans: 1, clientsRemoved: 5 };
    const dry = await runCliOnDb(file, 'db', 'prune', '--before', '2026-11-27', '--dry-run', '--json');
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({ ...expected, dryRun: true });

    const real = await runCliOnDb(file, 'db', 'prune', '--before', '2026-11-27');
    expect(real.code).toBe(0);
    expect(real.stdout).toContain('requests                            9\n');
    expect(real.stdout).toContain('clients left with no request        5\n');

    const again = await runCliOnDb(file, 'db', 'prune', '--before', '2026-11-27', '--json');
    expect(JSON.parse(again.stdout)).toEqual({ before: t(11, 27, 0), dryRun: false, requests: 0, hostEvents: 0, clientEvents: 0, anomalies: 0, damageMarks: 0, logSpans: 0, clientsRemoved: 0 });

    // the report of what is left: PC6 on HOST_B (Dec 5)
    const report = await runCliOnDb(file, 'report', '--json', '--at', '2026-12-31T00:00:00Z');
    expect(JSON.parse(report.stdout).totals).toMatchObject({ requests: 1, clients: 1 });

    const missing = path.join(dir, 'typo.db');
    const r = await runCliOnDb(missing, 'db', 'prune', '--before', '2026-11-27');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('STORE_MISSING');
  });
});
