/**
 * Issue 27 on every backend: Store.clientEvents (the clients' own 12288/12289 events of a window,
 * as stored by writeBatch) and the discovery checks of `kmswatch discover` (saveDiscovery,
 * latestDiscovery); both readable from a store opened read-only, the checks kept by `db copy`.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveryCheck } from '../../../src/discover/index.js';
import { CLIENT_REQUEST_FIELDS, CLIENT_RESPONSE_FIELDS } from '../../../src/kms/events/client-events.js';
import type { KmsClientEvent, KmsRecord } from '../../../src/kms/types.js';
import { copySqliteToPostgres } from '../../../src/store/copy-store.js';
import { openStore } from '../../../src/store/index.js';
import { clientEventsQuery, clientResponsesQuery } from '../../../src/store/queries/client-events.js';
import type { SqlStore } from '../../../src/store/sql-store.js';
import type { ClientEventRow, Store } from '../../../src/store/types.js';
import { anomaly, clientEvent, hostEvent, request } from '../fixtures/records.js';
import { backendFactory, freshStoreUrls, selectedBackends, type BackendFactory } from './backends.js';

const HOUR = 3_600_000;
/** The window every clientEvents test reads: (FROM, TO]. */
const FROM = Date.UTC(2026, 10, 10, 0, 0, 0);
const TO = Date.UTC(2026, 10, 11, 0, 0, 0);

const PC1 = 'PC1.Corp.Example';
const PC2 = 'pc2.corp.example';

/** The Info values of kms-events.md §1.3's 12288 sample, named as client-events.ts names them. */
const requestFields = (result = '0x0'): Record<string, string> =>
  Object.fromEntries(CLIENT_REQUEST_FIELDS.map((name, i) => [name, [
    result, '0x00000000', 'kms01.corp.example:1688', '36f27b39-2fd5-440b-be67-a09996d27a38', '2026/11/10 1:00', '0', '2', '41760',
    '68531fb9-5511-4989-97be-d11a0f55633f', '5',
  ][i]]));
const responseFields = (): Record<string, string> =>
  Object.fromEntries(CLIENT_RESPONSE_FIELDS.map((name, i) => [name, ['0x0', '0x00000000', '1', '0', '25', '120', '10080', '2026/11/10 1:00'][i]]));

/** A client event as src/kms/events/client-events.ts decodes one from a client's Application log. */
function clientRecord(host: string, eventId: 12288 | 12289, recordId: number | null, time: number, result = 0): KmsClientEvent {
  const resultHex = result === 0 ? '0x0' : `0x${result.toString(16).toUpperCase()}`;
  return clientEvent({
    host, channel: 'Application', eventId, recordId, time, source: `${host}.evtx (evtx)`, result, resultHex,
    fields: eventId === 12288 ? requestFields(resultHex) : responseFields(),
  });
}

/**
 * Client events around the window, each labelled; `inWindow` lists, by hand, the labels clientEvents
 * must return, in its order: time, then computer (by key: pc1 < pc2), then record id (none last).
 */
function windowDataset() {
  const e = {
    atFrom: clientRecord(PC2, 12288, 7, FROM), // time == from: excluded
    first: clientRecord(PC1, 12289, 3, FROM + 1),
    pc2Hour: clientRecord(PC2, 12288, 5, FROM + HOUR),
    pc1Hour9: clientRecord(PC1, 12288, 9, FROM + HOUR),
    pc1Hour4: clientRecord(PC1, 12288, 4, FROM + HOUR, 0xc004f06c),
    pc1HourNoId: clientRecord(PC1, 12289, null, FROM + HOUR),
    atTo: clientRecord(PC1, 12289, 10, TO), // time == to: included
    afterTo: clientRecord(PC1, 12288, 11, TO + 1),
  };
  const others: KmsRecord[] = [
    // in the window but not client events: a host event, a 12290, a malformed 12288 kept as an anomaly
    hostEvent({ host: PC1, channel: 'Application', recordId: 20, time: FROM + 2 * HOUR }),
    request({ host: 'KMS01.corp.example', recordId: 21, time: FROM + 2 * HOUR }),
    anomaly({ host: PC1, channel: 'Application', eventId: 12288, recordId: 22, time: FROM + 2 * HOUR, reason: '12288 has 3 fields; expected 10' }),
    // a client record of another event id (no decoder makes one): only 12288/12289 are asked for
    { ...clientRecord(PC1, 12288, 23, FROM + 2 * HOUR), eventId: 12290 },
  ];
  const inWindow = ['first', 'pc1Hour4', 'pc1Hour9', 'pc1HourNoId', 'pc2Hour', 'atTo'] as const;
  return { e, others, records: [...Object.values(e), ...others], expected: inWindow.map((k) => rowOf(e[k])) };
}

/** The row clientEvents gives for a record, written out from the record (its host as written: one spelling per host here). */
function rowOf(r: KmsClientEvent): ClientEventRow {
  return { computer: r.host, eventId: r.eventId as 12288 | 12289, time: r.time, recordId: r.recordId, result: r.result, resultHex: r.resultHex, fields: { ...r.fields } };
}

const domain = (name: string, target: string) => ({
  domain: name, name: `_vlmcs._tcp.${name}`, dnsServer: '10.0.0.53:53', status: 'found' as const, detail: null, failure: null, tookMs: 12,
  records: [{
    target, port: 1688, priority: 0, weight: 0, ttl: 3600, cnames: [], resolveStatus: 'resolved' as const, resolveDetail: null,
    addresses: [{ address: '10.0.0.10', family: 4 as const, port: 1688, status: 'reachable' as const, tookMs: 3, error: null }],
  }],
});

function check(checkedAt: number, seenFrom: string, target = 'kms01.corp.example'): DiscoveryCheck {
  return {
    checkedAt, seenFrom, dnsServers: ['10.0.0.53:53'], timeoutMs: 2000,
    domains: [domain('corp.example', target), {
      domain: 'lab.example', name: '_vlmcs._tcp.lab.example', dnsServer: '10.0.0.53:53', status: 'failed', detail: 'timed out after 2000 ms',
      failure: 'timeout', records: [], tookMs: 2000,
    }],
  };
}

const T1 = Date.UTC(2026, 10, 20, 9, 0, 0);
const T2 = T1 + HOUR;

for (const backend of selectedBackends()) {
  describe(`${backend}: client events and discovery checks`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    }, 120_000);
    afterAll(async () => factory?.dispose());

    it('clientEvents: exactly (from, to], oldest first, fields parsed, nothing else mixed in', async () => {
      const store = await factory.open();
      const { records, expected } = windowDataset();
      const written = await store.writeBatch(records);
      // by hand: the 8 labelled client events and the client record with event id 12290
      expect(written.clientEvents).toBe(9);
      expect(await store.clientEvents(FROM, TO)).toEqual(expected);
      // an empty window and a window of one instant
      expect(await store.clientEvents(TO, TO)).toEqual([]);
      expect((await store.clientEvents(TO - 1, TO)).map((r) => r.recordId)).toEqual([10]);
    });

    it('clientEvents: an event written twice is stored and returned once; the host shown as stored', async () => {
      const store = await factory.open();
      const { e, expected } = windowDataset();
      await store.writeBatch([e.first, e.pc2Hour]);
      // the same events again, one of them under its host's name in capitals
      const again = await store.writeBatch([e.first, { ...e.pc2Hour, host: PC2.toUpperCase() }]);
      expect(again).toMatchObject({ clientEvents: 0, duplicates: 2 });
      const rows = await store.clientEvents(FROM, TO);
      expect(rows).toEqual([expected[0], expected[4]]);
    });

    it('saveDiscovery / latestDiscovery: none, the newest up to at, replaced by the same key, ties by seenFrom', async () => {
      const store = await factory.open();
      expect(await store.latestDiscovery(T2)).toBeNull();
      const a = check(T1, 'mon01');
      const b = check(T2, 'mon01');
      await store.saveDiscovery(a);
      await store.saveDiscovery(b);
      expect(await store.latestDiscovery(T1 - 1)).toBeNull();
      expect(await store.latestDiscovery(T1)).toEqual(a);
      expect(await store.latestDiscovery(T2 - 1)).toEqual(a);
      expect(await store.latestDiscovery(T2 + HOUR)).toEqual(b);
      // the same checkedAt and seenFrom: replaced
      const a2 = check(T1, 'mon01', 'kms02.corp.example');
      await store.saveDiscovery(a2);
      expect(await store.latestDiscovery(T1)).toEqual(a2);
      // started at the same instant from other machines: the first by seenFrom in byte order
      // ('Z' 0x5A < 'a' 0x61 < 'm' 0x6D), whichever was saved last
      await store.saveDiscovery(check(T2, 'alpha'));
      expect((await store.latestDiscovery(T2))?.seenFrom).toBe('alpha');
      await store.saveDiscovery(check(T2, 'Zeta'));
      expect((await store.latestDiscovery(T2))?.seenFrom).toBe('Zeta');
      expect(await store.latestDiscovery(T2 - 1)).toEqual(a2);
      // prune deletes events, not checks: they are kept as alert states are
      await store.prune(T2 + HOUR);
      expect(await store.latestDiscovery(T2 - 1)).toEqual(a2);
    });

    it('saveDiscovery refuses a checkedAt that is not a whole number of ms', async () => {
      const store = await factory.open();
      await expect(store.saveDiscovery(check(T1 + 0.5, 'mon01'))).rejects.toMatchObject({ name: 'StoreError', code: 'STORE_WRITE' });
      expect(await store.latestDiscovery(T2)).toBeNull();
    });
  });
}

const sqlBackends = selectedBackends().filter((b): b is 'sqlite' | 'postgres' => b !== 'memory');

for (const backend of sqlBackends) {
  describe(`${backend}: client events and discovery checks, read-only`, () => {
    let urls: Awaited<ReturnType<typeof freshStoreUrls>>;
    beforeAll(async () => {
      urls = await freshStoreUrls(backend);
    }, 120_000);
    afterAll(async () => urls?.dispose());

    it('a read-only store answers clientEvents and latestDiscovery, and refuses saveDiscovery', async () => {
      const url = await urls.fresh();
      const { records, expected } = windowDataset();
      const writer = await openStore(url);
      await writer.writeBatch(records);
      await writer.saveDiscovery(check(T1, 'mon01'));
      await writer.close();
      const reader = await openStore(url, { readOnly: true });
      try {
        expect(reader.readOnly).toBe(true);
        expect(await reader.clientEvents(FROM, TO)).toEqual(expected);
        expect(await reader.latestDiscovery(T2)).toEqual(check(T1, 'mon01'));
        await expect(reader.saveDiscovery(check(T2, 'mon01'))).rejects.toMatchObject({ code: 'STORE_READ_ONLY' });
        expect(await reader.latestDiscovery(T2)).toEqual(check(T1, 'mon01'));
      } finally {
        await reader.close();
      }
    });

    // by time range, never a scan of every client event: clientEvents through client_events_time or
    // client_events_kind (1700: event id, time), the 12289s of clientSideFacts through client_events_kind
    // (pairedClientRequests is the reference the report's grouped reads are tested against, not read by it)
    for (const [query, index] of [
      [clientEventsQuery, /client_events_(time|kind)/],
      [clientResponsesQuery, /client_events_kind/],
    ] as const) {
      it(`${query.name} reads the time range through ${String(index)}`, async () => {
        const url = await urls.fresh();
        const store = (await openStore(url)) as SqlStore;
        try {
          const params = { from: FROM, to: TO };
          let plan: string;
          if (backend === 'sqlite') {
            const db = new Database(url, { readonly: true });
            try {
              plan = (db.prepare(`EXPLAIN QUERY PLAN ${query.sqlite}`).all(params) as { detail: string }[]).map((r) => r.detail).join(' | ');
            } finally {
              db.close();
            }
          } else {
            // an empty table is scanned whatever its indexes: ask what the planner would use if it may not
            const sql = (text: string, names: string[] = []) => ({ name: 'plan', params: names, sqlite: '', postgres: text });
            plan = await store.db.transaction(async (tx) => {
              await tx.run(sql('SET LOCAL enable_seqscan = off'));
              const rows = await tx.rows(sql(`EXPLAIN ${query.postgres}`, ['from', 'to']), params);
              return rows.map((r) => String(r['QUERY PLAN'])).join(' | ');
            });
          }
          expect(plan).toMatch(index);
        } finally {
          await store.close();
        }
      });
    }
  });
}

if (sqlBackends.length === 2) {
  describe('db copy: discovery checks', () => {
    let sqlite: Awaited<ReturnType<typeof freshStoreUrls>>;
    let postgres: Awaited<ReturnType<typeof freshStoreUrls>>;
    beforeAll(async () => {
      [sqlite, postgres] = await Promise.all([freshStoreUrls('sqlite'), freshStoreUrls('postgres')]);
    }, 120_000);
    afterAll(async () => Promise.all([sqlite?.dispose(), postgres?.dispose()]));

    it('moves every check and the client events of a SQLite store into PostgreSQL', async () => {
      const from = await sqlite.fresh();
      const to = await postgres.fresh();
      const { records, expected } = windowDataset();
      const source: Store = await openStore(from);
      await source.writeBatch(records);
      await source.saveDiscovery(check(T1, 'mon01'));
      await source.saveDiscovery(check(T2, 'mon01', 'kms02.corp.example'));
      await source.close();
      const copied = await copySqliteToPostgres(from, to);
      expect(copied.find((t) => t.table === 'discovery_checks')).toEqual({ table: 'discovery_checks', rows: 2 });
      const target = await openStore(to, { readOnly: true });
      try {
        expect(await target.latestDiscovery(T2 - 1)).toEqual(check(T1, 'mon01'));
        expect(await target.latestDiscovery(T2)).toEqual(check(T2, 'mon01', 'kms02.corp.example'));
        expect(await target.clientEvents(FROM, TO)).toEqual(expected);
      } finally {
        await target.close();
      }
    });
  });
}
