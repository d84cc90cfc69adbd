/**
 * POST /api/ingest of a bit-flipped EVTX (test/helpers/damaged-evtx.ts) stores the records of its
 * damaged chunks marked exactly as `kmswatch ingest` of the same file does, so the report has the
 * same "From damaged chunks" section and flags; `?skipDamaged=1` leaves them out as
 * `--skip-damaged` does. Inline parsing and an ingest worker thread alike.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { createApp } from '../../src/web/app.js';
import { damagedFleet, type DamagedFleet } from '../helpers/damaged-evtx.js';
import { TOKEN } from './helpers.js';
import { runCliOnDb } from '../cli/helpers.js';

let dir: string;
let fleet: DamagedFleet;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-web-damaged-'));
  fleet = damagedFleet(path.join(dir, 'fleet'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (db: string, ...args: string[]) => runCliOnDb(path.join(dir, db), ...args);

interface ReportJson {
  totals: unknown;
  damaged: { requests: number; events: number; chunks: { file: string }[] };
  hosts: { host: string; requests: number; damagedOnly: boolean }[];
  clones: { cmid: string; machines: string[]; damagedOnly: boolean }[];
  failures: { machine: string; host: string; result: string; damagedOnly: boolean }[];
}

/**
 * The parts of `report --json` (as of the log's newest request) that damage marks change: totals,
 * the damaged section (its file names, the path or `http`, replaced by `<file>`), hosts (name,
 * requests, flag), clones and failures with their flags.
 */
async function reportOf(db: string): Promise<ReportJson> {
  const r = await cli(db, 'report', '--json', '--at', new Date(fleet.newest).toISOString(), '--timezone', 'UTC');
  expect(r.code, r.stderr).toBe(0);
  const { totals, damaged, hosts, clones, failures } = JSON.parse(r.stdout) as ReportJson;
  for (const c of damaged.chunks) c.file = '<file>';
  return { totals, damaged, hosts: hosts.map(({ host, requests, damagedOnly }) => ({ host, requests, damagedOnly })), clones, failures };
}

/** The damaged file sent to POST /api/ingest of a server on the SQLite database `db`. */
async function upload(db: string, query: string, workers: number) {
  const store = await openStore(path.join(dir, db));
  await store.migrate();
  const app = createApp({ store, token: TOKEN, timezone: 'UTC', now: () => fleet.newest, staticDir: null, ingestWorkers: workers });
  try {
    return await app.inject({
      method: 'POST',
      url: `/api/ingest${query}`,
      payload: readFileSync(fleet.damaged),
      headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${TOKEN}` },
    });
  } finally {
    await app.close();
    await store.close();
  }
}

const flags = (r: ReportJson) => ({
  hosts: r.hosts.map((h) => [h.host, h.damagedOnly]),
  clones: r.clones.map((c) => [c.machines, c.damagedOnly]),
  failures: r.failures.filter((f) => f.damagedOnly).map((f) => [f.machine, f.host, f.result]),
});

describe('POST /api/ingest: records of damaged EVTX chunks', () => {
  it('are stored marked as `kmswatch ingest` marks them: the same damaged section and flags, inline and in a worker', async () => {
    expect((await cli('cli.db', 'ingest', '--timezone', 'UTC', fleet.damaged)).code).toBe(1);
    const expected = await reportOf('cli.db');
    // what makes the comparison worth something: both chunks, the false clone, the bogus host
    expect(expected.damaged.chunks).toHaveLength(2);
    expect(flags(expected).clones).toEqual([[[fleet.machine, fleet.flippedMachine], true]]);
    expect(flags(expected).hosts).toEqual([[fleet.host, false], [fleet.flippedHost, true]]);

    const kept = fleet.machineChunkRecords + fleet.hostChunkRecords;
    for (const workers of [0, 1]) {
      const db = `http-${workers}.db`;
      const res = await upload(db, '?timezone=UTC', workers);
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect([body.damagedKept, body.damagedSkipped]).toEqual([kept, 0]);
      expect(body.issues.map((i: { chunk?: number; check?: string }) => [i.chunk, i.check])).toEqual([
        [fleet.machineRecord.chunk, 'chunk data CRC'],
        [fleet.hostRecord.chunk, 'chunk data CRC'],
      ]);
      const got = await reportOf(db);
      expect(got.damaged).toEqual(expected.damaged);
      expect(flags(got)).toEqual(flags(expected));
      expect(got).toEqual(expected);
    }
  });

  it('?skipDamaged=1 leaves them out as `ingest --skip-damaged` does', async () => {
    await cli('cli-skip.db', 'ingest', '--timezone', 'UTC', '--skip-damaged', fleet.damaged);
    const expected = await reportOf('cli-skip.db');
    expect([expected.damaged.chunks, expected.clones, expected.hosts.map((h) => h.host)]).toEqual([[], [], [fleet.host]]);
    for (const workers of [0, 1]) {
      const db = `http-skip-${workers}.db`;
      const res = await upload(db, '?timezone=UTC&skipDamaged=1', workers);
      expect(res.statusCode).toBe(400); // the file is still damaged
      expect([res.json().damagedKept, res.json().damagedSkipped]).toEqual([0, fleet.machineChunkRecords + fleet.hostChunkRecords]);
      expect(await reportOf(db)).toEqual(expected);
    }
  });

  it('a skipDamaged that is no yes or no: 400 naming it, nothing stored', async () => {
    const res = await upload('http-bad.db', '?skipDamaged=maybe', 0);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'WEB_BAD_REQUEST', field: 'skipDamaged' });
    expect((await reportOf('http-bad.db')).hosts).toEqual([]);
  });
});
