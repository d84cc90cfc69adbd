// `kmswatch db status` and every command on a SQLite database a newer kmswatch migrated.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/context.js';
import { processContext, run } from '../../src/cli/main.js';
import { MIGRATIONS, migrationVersion } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/index.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-db-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const ctx: CliContext = { ...processContext(), env: {}, stdout: { write: (t: string) => stdout.push(t) }, stderr: { write: (t: string) => stderr.push(t) } };
  const code = await run(['node', 'kmswatch', ...args], ctx);
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

describe('a SQLite database a newer kmswatch migrated', () => {
  it('db status lists the newer migration (exit 1); report and ingest refuse it naming both versions', async () => {
    const file = path.join(dir, 'newer.db');
    await (await openStore(file)).close();
    const newest = Math.max(...MIGRATIONS.map((m) => migrationVersion(m.id)));
    const future = `${String(newest + 1).padStart(4, '0')}-something-new`;
    const db = new Database(file);
    db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)').run(future, 1);
    db.close();

    const status = await cli('--db', file, 'db', 'status', '--json');
    expect(status.code).toBe(1);
    expect(JSON.parse(status.stdout)).toMatchObject({ backend: 'sqlite', pending: [], newer: [future] });

    for (const command of [['report', '--json'], ['ingest', path.join(dir, 'none.xml')], ['db', 'migrate']]) {
      const r = await cli('--db', file, ...command);
      expect(r.code, command[0]).toBe(1);
      expect(r.stderr).toBe(
        `kmswatch: StoreError STORE_SCHEMA_NEWER: SQLite database ${file} has schema version ${newest + 1} (migration ${future}), ` +
          `newer than version ${newest}, the newest this kmswatch knows: a newer kmswatch wrote it; use that version (or a newer one) with this database\n`,
      );
    }
  });
});
