import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestEvents, ingestFiles, type IngestProgress } from '../../src/ingest/ingest.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { SourceItem } from '../../src/sources/types.js';
import type { Store } from '../../src/store/types.js';
import { T0, foreignEvent, ok, request12290, strangeKmsEvent } from './fixtures.js';

const AT = Date.UTC(2027, 0, 1);

describe('ingestEvents', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
  });
  afterEach(() => store.close());

  it('counts events, new requests, ignored events, anomalies and passes issues through', async () => {
    const issue: SourceItem = { ok: false, issue: { file: 'export.xml', format: 'xml', line: 7, reason: 'unclosed tag' } };
    const items: SourceItem[] = [
      ok(request12290(0)), ok(request12290(1)), issue, ok(request12290(2)),
      ok(foreignEvent(3)), ok(strangeKmsEvent(3)),
    ];
    const summary = await ingestEvents(store, items, { batchSize: 2 });
    expect(summary).toEqual({
      files: 2, events: 5, requests: 3, hostEvents: 0, clientEvents: 0, anomalies: 1,
      duplicates: 0, ignored: 1, logClears: 0, issues: [issue.ok ? null : issue.issue], notes: [], damagedKept: 0, damagedSkipped: 0,
      ambiguousByOrder: 0, ambiguousEarlier: 0, shifted: 0, withheld: 0,
    });
    expect((await store.totals(AT)).requests).toBe(3);
  });

  it('a second run over the same events adds nothing and counts duplicates', async () => {
    const items = () => Array.from({ length: 25 }, (_, n) => ok(request12290(n)));
    await ingestEvents(store, items(), { batchSize: 10 });
    const again = await ingestEvents(store, items(), { batchSize: 7 });
    expect(again).toMatchObject({ events: 25, requests: 0, duplicates: 25 });
    expect((await store.totals(AT)).requests).toBe(25);
  });

  it('counts a log clear between two exports', async () => {
    const before = Array.from({ length: 5 }, (_, n) => ok(request12290(n)));
    // ids restart at 1 a day later
    const after = Array.from({ length: 3 }, (_, n) => ok(request12290(n, { time: T0 + 86_400_000 + n * 1000 })));
    await ingestEvents(store, before, {});
    expect(await ingestEvents(store, after, {})).toMatchObject({ requests: 3, logClears: 1 });
  });

  it('a record the store rejects becomes an issue naming its file and line; the rest of its batch is kept', async () => {
    const items = Array.from({ length: 10 }, (_, n) => ok(request12290(n)));
    // the reader produced an impossible time for the event on line 7 (n = 5)
    items[5] = ok(request12290(5, { time: Number.NaN }));
    const summary = await ingestEvents(store, items, { batchSize: 10 });
    expect(summary.requests).toBe(9);
    expect(summary.issues).toHaveLength(1);
    expect(summary.issues[0]).toMatchObject({ file: 'export.xml', format: 'xml', line: 7, record: 5 });
    expect(summary.issues[0].reason).toMatch(/time NaN/);
    expect((await store.totals(AT)).requests).toBe(9);
  });

  it('a broken store is an error, not a pile of issues', async () => {
    await store.close();
    await expect(ingestEvents(store, [ok(request12290(0))], {})).rejects.toThrow();
  });
});

describe('ingestFiles', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-ingest-'));
    store = await openSqliteStore(':memory:');
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A wevtutil-style XML export of 12290 events n = from..to-1 (kms-events.md §1.2, formats.md). */
  function xmlExport(name: string, from: number, to: number): string {
    const events: string[] = [];
    for (let n = from; n < to; n++) {
      const info = ['0x0', '25', `pc${n}.corp.example`, `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`, '2026/11/1 8:00', '0', '1', '259200', '2de67392-b7a7-462a-b1ca-108dd189f588'];
      const data = [info.join(','), ...info].map((d) => `<Data>${d}</Data>`).join('');
      events.push(`<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Security-SPP" Guid="{E23B33B0-C8C9-472C-A5F9-F2BDFEA0F156}" EventSourceName="KmsRequests"/><EventID Qualifiers="16384">12290</EventID><Level>4</Level><TimeCreated SystemTime="${new Date(T0 + n * 1000).toISOString()}"/><EventRecordID>${n + 1}</EventRecordID><Channel>Key Management Service</Channel><Computer>KMS01.corp.example</Computer></System><EventData>${data}</EventData></Event>`);
    }
    const file = path.join(dir, name);
    writeFileSync(file, `<?xml version="1.0" encoding="utf-8"?>\n<Events>\n${events.join('\n')}\n</Events>\n`);
    return file;
  }

  it('reads files, reports progress and keeps going after an unreadable file', async () => {
    const a = xmlExport('a.xml', 0, 30);
    const b = xmlExport('b.xml', 20, 50); // overlaps a by 10 events
    const missing = path.join(dir, 'missing.xml');
    const updates: IngestProgress[] = [];
    const summary = await ingestFiles(store, [a, missing, b], { timezone: 'UTC', batchSize: 8 }, (p) => updates.push({ ...p }));
    expect(summary).toMatchObject({ files: 3, events: 60, requests: 50, duplicates: 10, ignored: 0, anomalies: 0 });
    expect(summary.issues).toHaveLength(1);
    expect(summary.issues[0]).toMatchObject({ file: missing, fatal: true });
    expect(updates.at(-1)).toEqual({ file: b, events: 60, filesDone: 3, files: 3 });
    expect(updates.some((u) => u.file === a && u.events > 0 && u.events < 30)).toBe(true);
    const latest = await store.latestClients(AT, { search: 'pc42.' });
    expect(latest.map((c) => [c.machine, c.lastSeen, c.productName])).toEqual([['pc42.corp.example', T0 + 42_000, 'Windows 10/11 Pro']]);
  });
});
