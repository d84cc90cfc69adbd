import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/analysis/report.js';
import { ingestFiles } from '../../../src/ingest/ingest.js';
import { openStore } from '../../../src/store/index.js';
import type { Store } from '../../../src/store/types.js';
import { repoRoot } from '../../helpers/paths.js';
import { rawQuery } from './raw-sql.js';

/*
 * A database the previous kmswatch wrote (schema 1100: request_cmids, client_summary folded behind
 * summary_mark; test/fixtures/store-0.1/README.md) is moved by migration 1200 and then answers as a
 * fresh ingest of the same files does, also when its writer died before folding its last requests
 * into client_summary (the deferred fold of that version).
 */
const fixture = path.join(repoRoot, 'test/fixtures/store-0.1');
const dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-old-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const truth = JSON.parse(readFileSync(path.join(fixture, 'truth.json'), 'utf8')) as { at: string };
const AT = Date.parse(truth.at);
const DAY = 86_400_000;

function unpack(name: string, to: string): string {
  const file = path.join(dir, to);
  writeFileSync(file, gunzipSync(readFileSync(path.join(fixture, name))));
  return file;
}

async function answers(store: Store) {
  const sorted = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();
  const report = await buildReport(store, { at: AT, timezone: 'UTC' });
  const past = await buildReport(store, { at: AT - 7 * DAY, timezone: 'UTC' });
  const clients = await store.latestClients(AT);
  return {
    report: JSON.parse(JSON.stringify({ ...report, generatedAt: null })),
    past: JSON.parse(JSON.stringify({ ...past, generatedAt: null })),
    clients: sorted(clients),
    history: await store.clientRequests(clients[0].cmid, 100),
    daily: sorted(await store.dailyActivity(null, AT - 30 * DAY, AT)),
  };
}

describe('sqlite: a store of the previous version', () => {
  const evtx = readdirSync(fixture).filter((f) => f.endsWith('.evtx.gz')).map((f) => unpack(f, f.replace(/\.gz$/, '')));

  it('is migrated by 1200 and answers as a fresh ingest of the same files', async () => {
    const fresh = await openStore(path.join(dir, 'fresh.db'));
    await ingestFiles(fresh, evtx, { timezone: 'UTC' });
    // sources are the paths ingest was given: the previous version was given `fleet/…`
    const expected = JSON.parse(JSON.stringify(await answers(fresh)).split(`${dir}/`).join('fleet/')) as unknown;
    await fresh.close();
    expect((expected as { report: { totals: { requests: number } } }).report.totals.requests).toBeGreaterThan(1000);

    for (const behind of [false, true]) {
      const file = unpack('kmswatch-1100.db.gz', `old-${behind}.db`);
      if (behind) {
        // as a writer that died with its last 200 requests not yet folded into client_summary
        // left it: the mark behind the requests, the rows those requests touched older or missing
        const raw = new Database(file);
        raw.exec(`UPDATE summary_mark SET upto = upto - 200;
                  DELETE FROM client_summary WHERE last_id > (SELECT upto FROM summary_mark)`);
        raw.close();
      }
      const readOnly = await openStore(file, { readOnly: true }).catch((e: unknown) => e);
      expect(readOnly).toMatchObject({ code: 'STORE_SCHEMA_OLDER' });
      const store = await openStore(file);
      const tables = (await rawQuery(store, `SELECT name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name`)).map((r) => r.name);
      expect(tables).toContain('requests_cmid_bucket');
      expect(tables).not.toContain('request_cmids');
      expect(tables).not.toContain('summary_mark');
      expect(await answers(store)).toEqual(expected);
      await store.close();
    }
  });
});
