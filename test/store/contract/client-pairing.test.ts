/**
 * Store.pairedClientRequests on every backend: each 12288 of a window with the 12289 that answers
 * it, paired over every stored event of its computer (SQL: kept by each batch, queries/
 * client-pairing.ts, and set by migration 1700; memory: rules/client-pairing.ts when read). The
 * outcomes as of a time must equal the pairing of the window's events alone, written out below as
 * the specification (docs/definitions.md "pairing window"), whatever order the batches came in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomesAt } from '../../../src/analysis/client-pairing.js';
import type { KmsClientEvent } from '../../../src/kms/types.js';
import type { Store } from '../../../src/store/types.js';
import { seededRandom } from '../../helpers/seeded-random.js';
import { clientEvent } from '../fixtures/records.js';
import { backendFactory, selectedBackends, type BackendFactory } from './backends.js';
import { rawRun } from './raw-sql.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);
const F074 = 0xc004f074;
const F038 = 0xc004f038;

function sent(host: string, minute: number, recordId: number | null, over: { result?: number; kmsHost?: string; ms?: number } = {}): KmsClientEvent {
  const result = over.result ?? 0;
  return clientEvent({
    host, eventId: 12288, recordId, time: T0 + minute * MINUTE + (over.ms ?? 0), result, resultHex: `0x${result.toString(16).toUpperCase()}`,
    fields: { kmsHost: over.kmsHost ?? 'kms01.corp.example:1688', activationId: 'ed655016-a9e8-4434-95d9-4345352c2552', minimumCount: '25', cmid: `cmid-${minute}` },
  });
}

function answer(host: string, minute: number, recordId: number | null, count: number, over: { result?: number; ms?: number } = {}): KmsClientEvent {
  const result = over.result ?? 0;
  return clientEvent({
    host, eventId: 12289, recordId, time: T0 + minute * MINUTE + (over.ms ?? 0), result, resultHex: `0x${result.toString(16).toUpperCase()}`,
    fields: { currentCount: String(count), activated: '1' },
  });
}

/**
 * The specification: the window's events alone (from < time <= at), per computer (case-insensitive)
 * in order of time, record id (none last), 12288 before 12289, then input order; a 12288 takes the
 * next event if that is a 12289 at most 5 minutes later and it is not 0xC004F074.
 */
function expected(events: readonly KmsClientEvent[], from: number, at: number): string[] {
  const byComputer = new Map<string, { e: KmsClientEvent; i: number }[]>();
  events.forEach((e, i) => {
    if (e.time <= from || e.time > at) return;
    const key = e.host.toLowerCase();
    byComputer.set(key, [...(byComputer.get(key) ?? []), { e, i }]);
  });
  const out: string[] = [];
  for (const list of byComputer.values()) {
    list.sort((a, b) => a.e.time - b.e.time
      || (a.e.recordId === b.e.recordId ? 0 : a.e.recordId === null ? 1 : b.e.recordId === null ? -1 : a.e.recordId - b.e.recordId)
      || a.e.eventId - b.e.eventId || a.i - b.i);
    list.forEach(({ e }, k) => {
      if (e.eventId !== 12288) return;
      const next = list[k + 1]?.e;
      let outcome: string;
      let answered = '';
      if (e.result === F074) outcome = 'not-contacted';
      else if (next && next.eventId === 12289 && next.time - e.time <= 5 * MINUTE) {
        outcome = 'answered';
        answered = ` ${(next.time - T0) / MINUTE}/${next.fields.currentCount}/${next.result}`;
      } else outcome = e.time > at - 5 * MINUTE ? 'pending' : 'no-response';
      out.push(`${e.host.toLowerCase()}@${(e.time - T0) / MINUTE}#${e.recordId}:${outcome}${answered}`);
    });
  }
  return out.sort();
}

async function actual(store: Store, from: number, at: number): Promise<string[]> {
  const { requests } = await store.pairedClientRequests(from, at);
  return outcomesAt(requests, at).map(({ request: r, outcome }) => {
    const answered = outcome === 'answered' ? ` ${(r.answer!.time - T0) / MINUTE}/${r.answer!.currentCount}/${r.answer!.result}` : '';
    return `${r.computer.toLowerCase()}@${(r.time - T0) / MINUTE}#${r.recordId}:${outcome}${answered}`;
  }).sort();
}

for (const backend of selectedBackends()) {
  describe(`${backend}: pairedClientRequests`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    }, 120_000);
    afterAll(async () => factory?.dispose());

    it('pairs across batches: a late 12289, a 12288 stored between a request and its answer, the window edges', async () => {
      const store = await factory.open();
      const first = [
        sent('PC-A.corp.example', 0, 1), // answered at 2 by the first batch's 12289…
        answer('pc-a.corp.example', 2, 3, 30),
        sent('pc-b.corp.example', 0, 1), // unanswered until the second batch brings its 12289 at 5 exactly
        sent('pc-c.corp.example', 0, 1), answer('pc-c.corp.example', 5, 2, 31, { ms: 1 }), // 5 min + 1 ms: never paired
        sent('pc-d.corp.example', 0, 1, { result: F074 }), answer('pc-d.corp.example', 1, 2, 32), // not-contacted takes no 12289
        sent('pc-e.corp.example', 10, 1), answer('pc-e.corp.example', 11, 2, 33, { result: F038 }),
      ];
      const second = [
        sent('pc-a.corp.example', 1, 2), // …then a 12288 at 1 comes between: it takes the 12289, the first one is left without
        answer('pc-b.corp.example', 5, 2, 34),
      ];
      const everything = [...first, ...second];
      await store.writeBatch(first);
      await store.writeBatch(second);
      // by hand, as of T0 + 20 min over (T0 − 1 min, T0 + 20 min]: pc-a@0 no-response, pc-a@1 answered by 2 (30),
      // pc-b@0 answered by 5 (34), pc-c@0 no-response, pc-d@0 not-contacted, pc-e@10 answered by 11 (33, 0xC004F038)
      expect(await actual(store, T0 - MINUTE, T0 + 20 * MINUTE)).toEqual([
        'pc-a.corp.example@0#1:no-response',
        'pc-a.corp.example@1#2:answered 2/30/0',
        'pc-b.corp.example@0#1:answered 5/34/0',
        'pc-c.corp.example@0#1:no-response',
        'pc-d.corp.example@0#1:not-contacted',
        `pc-e.corp.example@10#1:answered 11/33/${F038}`,
      ]);
      // as of T0 + 4 min every 12288 of minute 0 without an answer yet is within the 5 minutes (0 > 4 − 5):
      // pending; pc-a@1's answer is in (2 <= 4); pc-e has not sent yet
      expect(await actual(store, T0 - MINUTE, T0 + 4 * MINUTE)).toEqual([
        'pc-a.corp.example@0#1:pending',
        'pc-a.corp.example@1#2:answered 2/30/0',
        'pc-b.corp.example@0#1:pending',
        'pc-c.corp.example@0#1:pending',
        'pc-d.corp.example@0#1:not-contacted',
      ]);
      // every instant of the first quarter hour, minute by minute, and two windows that cut the computers' runs
      for (let m = 0; m <= 15; m++) {
        expect(await actual(store, T0 - MINUTE, T0 + m * MINUTE)).toEqual(expected(everything, T0 - MINUTE, T0 + m * MINUTE));
      }
      expect(await actual(store, T0, T0 + 12 * MINUTE)).toEqual(expected(everything, T0, T0 + 12 * MINUTE));
      expect(await actual(store, T0 + 9 * MINUTE, T0 + 12 * MINUTE)).toEqual(expected(everything, T0 + 9 * MINUTE, T0 + 12 * MINUTE));
      // the 12289s of the window, answering a 12288 of it or not
      expect((await store.pairedClientRequests(T0 - MINUTE, T0 + 20 * MINUTE)).responses).toBe(5);
      expect((await store.pairedClientRequests(T0 + MINUTE, T0 + 20 * MINUTE)).responses).toBe(4);
      await store.close();
    });

    it('equals the specification for random computers, times, record ids and batch orders', async () => {
      const next = seededRandom(20261207);
      const events: KmsClientEvent[] = [];
      for (let c = 0; c < 6; c++) {
        const host = c % 2 === 0 ? `PC-${c}.corp.example` : `pc-${c}.corp.example`;
        let rec = 1;
        for (let k = 0; k < 25; k++) {
          const minute = Math.floor(next() * 90);
          // some events share a second (record ids decide), some have no record id, some carry 0xC004F074
          const recordId = next() < 0.15 ? null : rec++;
          const ms = Math.floor(next() * 3) * 1000;
          if (next() < 0.5) events.push(sent(host, minute, recordId, { ms, result: next() < 0.1 ? F074 : 0, kmsHost: `kms0${1 + (k % 2)}.corp.example:1688` }));
          else events.push(answer(host, minute, recordId, 20 + k, { ms }));
        }
      }
      // distinct contents for events without a record id (their dedup key is their content)
      events.forEach((e, i) => (e.fields = { ...e.fields, seq: String(i) }));
      const shuffled = [...events].sort(() => next() - 0.5);
      const store = await factory.open();
      for (let i = 0; i < shuffled.length; i += 17) await store.writeBatch(shuffled.slice(i, i + 17));
      // the stored order breaks ties among events without a record id: the specification reads them in storage order
      for (let k = 0; k < 30; k++) {
        const at = T0 + Math.floor(next() * 95 * MINUTE);
        const from = at - Math.floor(next() * 95 * MINUTE);
        expect(await actual(store, from, at)).toEqual(expected(shuffled, from, at));
      }
      await store.close();
    });
  });
}

for (const backend of selectedBackends().filter((b) => b !== 'memory')) {
  describe(`${backend}: migration 1700 (client pairing)`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    }, 120_000);
    afterAll(async () => factory?.dispose());

    it('sets the columns and answers of the client events stored before it', async () => {
      const store = await factory.open();
      const events = [
        sent('pc-a.corp.example', 0, 1), sent('pc-a.corp.example', 1, 2), answer('pc-a.corp.example', 2, 3, 30),
        sent('pc-b.corp.example', 0, 1), answer('pc-b.corp.example', 5, 2, 34),
        sent('pc-d.corp.example', 0, 1, { result: F074 }), answer('pc-d.corp.example', 1, 2, 32),
      ];
      await store.writeBatch(events);
      const before = await store.pairedClientRequests(T0 - MINUTE, T0 + 20 * MINUTE);
      await rawRun(
        store,
        ...['client_events_kind', 'client_events_named', 'client_events_unanswered', 'client_events_answers'].map((i) => `DROP INDEX ${i}`),
        ...['kms_host', 'activation_id', 'minimum_count', 'current_count', 'answer_count', 'answer_time', 'answer_result'].map((c) => `ALTER TABLE client_events DROP COLUMN ${c}`),
        "DELETE FROM schema_migrations WHERE id IN ('1700-client-pairing', '1800-client-side-indexes')",
      );
      expect(await store.migrate()).toMatchObject({ applied: ['1700-client-pairing', '1800-client-side-indexes'] });
      const after = await store.pairedClientRequests(T0 - MINUTE, T0 + 20 * MINUTE);
      expect(after).toEqual(before);
      // by hand: pc-a@1 answered by 2 (30), pc-b@0 by 5 (34); pc-a@0 and pc-d's 0xC004F074 without
      expect(after.requests.map((r) => [r.computer, (r.time - T0) / MINUTE, r.answer?.currentCount ?? null, r.kmsHost, r.minimumCount])).toEqual([
        ['pc-a.corp.example', 0, null, 'kms01.corp.example:1688', '25'],
        ['pc-b.corp.example', 0, '34', 'kms01.corp.example:1688', '25'],
        ['pc-d.corp.example', 0, null, 'kms01.corp.example:1688', '25'],
        ['pc-a.corp.example', 1, '30', 'kms01.corp.example:1688', '25'],
      ]);
      await store.close();
    });
  });
}
