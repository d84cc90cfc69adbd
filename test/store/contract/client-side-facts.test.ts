/**
 * Store.clientSideFacts and Store.clientsNaming on every backend: the SQL backends group the
 * window's 12288s in SQL (queries/client-side-facts.ts); what they return must equal the rule
 * (rules/client-side-facts.ts) over the same window's pairedClientRequests, by hand for a small
 * fleet and for random ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KmsClientEvent } from '../../../src/kms/types.js';
import { clientSideFactsOf, clientsNamingOf } from '../../../src/store/rules/client-side-facts.js';
import type { Store } from '../../../src/store/types.js';
import { seededRandom } from '../../helpers/seeded-random.js';
import { clientEvent } from '../fixtures/records.js';
import { backendFactory, selectedBackends, type BackendFactory } from './backends.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);
const F074 = 0xc004f074;
const F038 = 0xc004f038;
const WIN = 'ed655016-a9e8-4434-95d9-4345352c2552';
const SRV = 'c52ed0b9-3b8d-4d4d-9e7d-a0b0a1b2c3d4';

interface Sent {
  kmsHost?: string;
  activationId?: string;
  minimumCount?: string;
  result?: number;
  recordId?: number | null;
  ms?: number;
}

function sent(host: string, minute: number, over: Sent = {}): KmsClientEvent {
  const result = over.result ?? 0;
  const fields: Record<string, string> = { cmid: `cmid-${host}` };
  if (over.kmsHost !== undefined) fields.kmsHost = over.kmsHost;
  if (over.activationId !== undefined) fields.activationId = over.activationId;
  if (over.minimumCount !== undefined) fields.minimumCount = over.minimumCount;
  return clientEvent({
    host, eventId: 12288, recordId: over.recordId ?? null, time: T0 + minute * MINUTE + (over.ms ?? 0), result,
    resultHex: `0x${result.toString(16).toUpperCase()}`, fields,
  });
}

function answer(host: string, minute: number, count: string | null, over: { result?: number; recordId?: number | null; ms?: number } = {}): KmsClientEvent {
  const result = over.result ?? 0;
  return clientEvent({
    host, eventId: 12289, recordId: over.recordId ?? null, time: T0 + minute * MINUTE + (over.ms ?? 0), result,
    resultHex: `0x${result.toString(16).toUpperCase()}`, fields: count === null ? { activated: '1' } : { currentCount: count, activated: '1' },
  });
}

/** The rule over the store's own pairedClientRequests of the window. */
async function byRule(store: Store, from: number, to: number, limit: number) {
  const { requests, responses } = await store.pairedClientRequests(from, to);
  return clientSideFactsOf(requests, responses, to, limit);
}

for (const backend of selectedBackends()) {
  describe(`${backend}: clientSideFacts`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    }, 120_000);
    afterAll(async () => factory?.dispose());

    it('groups a small fleet as worked out by hand', async () => {
      const store = await factory.open();
      const K1 = 'kms01.corp.example:1688';
      await store.writeBatch([
        // PC-A: two requests to K1, the second answered with a count (27) → newest count of (K1, WIN, 25)
        sent('PC-A.corp.example', 0, { kmsHost: K1, activationId: WIN, minimumCount: '25', recordId: 1 }),
        sent('PC-A.corp.example', 10, { kmsHost: K1, activationId: WIN, minimumCount: '25', recordId: 2 }),
        answer('PC-A.corp.example', 11, '27', { recordId: 3 }),
        // pc-b: K1 spelled in capitals, answered 28 at minute 12 → the newest count of its own spelling
        sent('pc-b.corp.example', 11, { kmsHost: 'KMS01.corp.example:1688', activationId: WIN, minimumCount: '25' }),
        answer('pc-b.corp.example', 12, '28'),
        // pc-c: no response twice (settled), then a pending one at minute 58: its newest settled decides
        sent('pc-c.corp.example', 20, { kmsHost: K1, activationId: WIN, minimumCount: '25' }),
        sent('pc-c.corp.example', 30, { kmsHost: K1, activationId: WIN, minimumCount: '25' }),
        sent('pc-c.corp.example', 58, { kmsHost: K1, activationId: WIN, minimumCount: '25' }),
        // pc-d: names no host, 0xC004F074
        sent('pc-d.corp.example', 40, { result: F074 }),
        // srv-e: a refusal with no count (0xC004F042) and a 0xC004F038 with one (3)
        sent('srv-e.corp.example', 41, { kmsHost: K1, activationId: SRV, minimumCount: '5' }),
        answer('srv-e.corp.example', 42, '0', { result: 0xc004f042 }),
        sent('srv-e.corp.example', 43, { kmsHost: K1, activationId: SRV, minimumCount: '5' }),
        answer('srv-e.corp.example', 44, '3', { result: F038 }),
        // an answer that pairs with nothing in the window
        answer('pc-f.corp.example', 50, '30'),
      ]);
      const at = T0 + 60 * MINUTE;
      const facts = await store.clientSideFacts(T0 - MINUTE, at, 2);
      // 12288s: A 2, b 1, c 3, d 1, e 2 = 9; 12289s: A, b, e 2, f = 5
      expect([facts.requests, facts.responses]).toEqual([9, 5]);
      expect(facts.computers).toEqual(['pc-a.corp.example', 'pc-b.corp.example', 'pc-c.corp.example', 'pc-d.corp.example', 'srv-e.corp.example']);
      expect(facts.named).toEqual([
        // null first; A@0 unanswered (its 12289 answers A@10), c@20 and c@30 no response, c@58 pending, e@41 answered (a refusal is an answer)
        { kmsHost: null, requests: 1, answered: 0, failed: 1, lastTime: T0 + 40 * MINUTE, machines: 1, clients: ['pc-d.corp.example'] },
        { kmsHost: 'KMS01.corp.example:1688', requests: 1, answered: 1, failed: 0, lastTime: T0 + 11 * MINUTE, machines: 1, clients: ['pc-b.corp.example'] },
        { kmsHost: K1, requests: 7, answered: 3, failed: 3, lastTime: T0 + 58 * MINUTE, machines: 3, clients: ['PC-A.corp.example', 'pc-c.corp.example'] },
      ]);
      expect(facts.unanswered).toEqual([
        { computer: 'pc-c.corp.example', kmsHost: K1, time: T0 + 30 * MINUTE, result: 0, outcome: 'no-response', attempts: 2 },
        { computer: 'pc-d.corp.example', kmsHost: null, time: T0 + 40 * MINUTE, result: F074, outcome: 'not-contacted', attempts: 1 },
      ]);
      expect(facts.reported).toEqual([
        { kmsHost: 'KMS01.corp.example:1688', activationId: WIN, minimumCount: '25', computer: 'pc-b.corp.example', answerTime: T0 + 12 * MINUTE, currentCount: '28' },
        { kmsHost: K1, activationId: SRV, minimumCount: '5', computer: 'srv-e.corp.example', answerTime: T0 + 44 * MINUTE, currentCount: '3' },
        { kmsHost: K1, activationId: WIN, minimumCount: '25', computer: 'PC-A.corp.example', answerTime: T0 + 11 * MINUTE, currentCount: '27' },
      ]);
      // both spellings of kms01: A, b, c, e; with none named also d; the first two by key
      expect(await store.clientsNaming(T0 - MINUTE, at, [K1, 'KMS01.corp.example:1688'], 2)).toEqual({ machines: 4, clients: ['PC-A.corp.example', 'pc-b.corp.example'] });
      expect(await store.clientsNaming(T0 - MINUTE, at, [null, 'KMS01.corp.example:1688'], 5)).toEqual({ machines: 2, clients: ['pc-b.corp.example', 'pc-d.corp.example'] });
      expect(await store.clientsNaming(T0 - MINUTE, at, ['kms09:1688'], 5)).toEqual({ machines: 0, clients: [] });
      // as of minute 12 exactly: b's answer is in, A@10's too; c has not sent; e not yet
      const early = await store.clientSideFacts(T0 - MINUTE, T0 + 12 * MINUTE, 0);
      expect(early.named.map((n) => [n.kmsHost, n.requests, n.answered, n.failed, n.machines, n.clients.length])).toEqual([
        ['KMS01.corp.example:1688', 1, 1, 0, 1, 0],
        [K1, 2, 1, 1, 1, 0],
      ]);
      expect(early).toEqual(await byRule(store, T0 - MINUTE, T0 + 12 * MINUTE, 0));
      expect(facts).toEqual(await byRule(store, T0 - MINUTE, at, 2));
      await store.close();
    });

    it('breaks ties of one second as pairedClientRequests orders them', async () => {
      const store = await factory.open();
      const K2 = 'kms02.corp.example:1688';
      await store.writeBatch([
        // pc-x and pc-y ask kms02 for the same product in the same second and are answered in the same
        // second: the later in the read order (time, then computer key) is the newest count: pc-y's 29
        sent('pc-x.corp.example', 0, { kmsHost: K2, activationId: WIN, minimumCount: '25', recordId: 1 }), answer('pc-x.corp.example', 1, '28', { recordId: 2 }),
        sent('pc-y.corp.example', 0, { kmsHost: K2, activationId: WIN, minimumCount: '25', recordId: 1 }), answer('pc-y.corp.example', 1, '29', { recordId: 2 }),
        // pc-z logs two 12288s in one second, one with a record id and one without (read after it): the
        // 12289 follows the second, which is then pc-z's newest settled 12288: answered, pc-z not unanswered
        sent('pc-z.corp.example', 10, { kmsHost: K2, recordId: 5 }),
        sent('pc-z.corp.example', 10, { kmsHost: K2, recordId: null }),
        answer('pc-z.corp.example', 11, '30', { recordId: 7 }),
      ]);
      const facts = await store.clientSideFacts(T0 - MINUTE, T0 + 30 * MINUTE, 10);
      expect(facts.reported.map((r) => [r.computer, r.currentCount])).toEqual([['pc-y.corp.example', '29']]);
      expect(facts.unanswered).toEqual([]);
      // pc-z's first 12288 got no answer: one of kms02's failures
      expect(facts.named.map((n) => [n.kmsHost, n.requests, n.answered, n.failed])).toEqual([[K2, 4, 3, 1]]);
      expect(facts).toEqual(await byRule(store, T0 - MINUTE, T0 + 30 * MINUTE, 10));
      await store.close();
    });

    it('equals the rule for random fleets, windows and limits', async () => {
      const next = seededRandom(20261208);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
      const hosts = ['kms01.corp.example:1688', 'KMS01.corp.example:1688', 'kms02.corp.example', '10.0.0.9:1688', undefined, ''];
      const events: KmsClientEvent[] = [];
      for (let c = 0; c < 12; c++) {
        const host = c % 3 === 0 ? `PC-${c}.corp.example` : `pc-${c}.site${c % 2}.example`;
        let rec = 1;
        for (let k = 0; k < 20; k++) {
          const minute = Math.floor(next() * 120);
          const recordId = next() < 0.2 ? null : rec++;
          const ms = Math.floor(next() * 3) * 1000;
          if (next() < 0.55) {
            events.push(sent(host, minute, {
              recordId, ms, result: next() < 0.1 ? F074 : 0, kmsHost: pick(hosts),
              activationId: pick([WIN, SRV, undefined]), minimumCount: pick(['25', '5', undefined]),
            }));
          } else {
            events.push(answer(host, minute, pick(['20', '31', null, 'x']), { recordId, ms, result: pick([0, 0, F038, 0xc004f042]) }));
          }
        }
      }
      events.forEach((e, i) => (e.fields = { ...e.fields, seq: String(i) }));
      const shuffled = [...events].sort(() => next() - 0.5);
      const store = await factory.open();
      for (let i = 0; i < shuffled.length; i += 23) await store.writeBatch(shuffled.slice(i, i + 23));
      for (let k = 0; k < 25; k++) {
        const at = T0 + Math.floor(next() * 125 * MINUTE);
        const from = at - Math.floor(next() * 125 * MINUTE);
        const limit = pick([0, 1, 3, 100]);
        expect(await store.clientSideFacts(from, at, limit)).toEqual(await byRule(store, from, at, limit));
        const asked = hosts.filter(() => next() < 0.4).map((h) => h ?? null);
        const { requests } = await store.pairedClientRequests(from, at);
        expect(await store.clientsNaming(from, at, asked, limit)).toEqual(clientsNamingOf(requests, asked, limit));
      }
      await store.close();
    });
  });
}
