/**
 * The ingest worker path (src/web/ingest/): parsing in a worker thread, moving the records back as
 * columns and storing them must give exactly what the one-thread path (readBytesSource →
 * ingestEvents) gives for the same body: the same records, summary, issues and issue order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ingestEvents } from '../../src/ingest/ingest.js';
import { decodeEvent } from '../../src/kms/decode.js';
import type { KmsRecord } from '../../src/kms/types.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { StoreError, type Store } from '../../src/store/types.js';
import { createApp } from '../../src/web/app.js';
import { readBytesSource } from '../../src/web/bytes-source.js';
import { parseBody, type ParsedBody } from '../../src/web/ingest/parse-body.js';
import { createBodyParser, IngestWorkerError, type BodyParser } from '../../src/web/ingest/pool.js';
import { decodeBody, encodeBody } from '../../src/web/ingest/record-codec.js';
import { writeParsed } from '../../src/web/ingest/write-parsed.js';
import { AT, fleetEvents, fleetEvtx, winlogbeatLine } from './fleet.js';
import { referenceReport, TOKEN } from './helpers.js';

const OPTS = { file: 'http', timezone: 'UTC' };
const enc = (text: string) => new TextEncoder().encode(text);

/** The fleet as NDJSON, plus lines the codec must carry exactly: no record id, an unparseable client time, bad lines. */
function mixedNdjson(): string {
  const lines = fleetEvents().map(winlogbeatLine);
  const first = JSON.parse(lines.find((l) => l.includes('"12290"'))!) as { winlog: { record_id?: number; event_data: Record<string, string> } };
  const noRecordId = structuredClone(first);
  delete noRecordId.winlog.record_id;
  const oddClientTime = structuredClone(first);
  oddClientTime.winlog.record_id = 99_999;
  oddClientTime.winlog.event_data.param6 = 'sometime';
  oddClientTime.winlog.event_data.param1 = oddClientTime.winlog.event_data.param1.replace(/,\d{4}\/[^,]+,/, ',sometime,');
  // a bad line right after a refused record (refusingStore): its issue must follow the refusal's
  const bad = lines.findIndex((l) => l.includes('BADPC'));
  const rest = [...lines.slice(20, bad + 1), '[1,2', ...lines.slice(bad + 1)];
  return [lines[0], '{broken', ...lines.slice(1, 20), JSON.stringify(noRecordId), '{"x":1}', JSON.stringify(oddClientTime), ...rest].join('\n');
}

/** What the one-thread path decodes, for comparison. */
async function referenceRecords(bytes: Uint8Array): Promise<KmsRecord[]> {
  const out: KmsRecord[] = [];
  for await (const item of readBytesSource(bytes, OPTS)) {
    const r = item.ok ? decodeEvent(item.event) : null;
    if (r) out.push(r);
  }
  return out;
}

function roundTrip(parsed: ParsedBody): ParsedBody {
  const { message, transfer } = encodeBody(parsed);
  return decodeBody(structuredClone(message, { transfer }));
}

const origins = (p: ParsedBody) => p.records.map((_, i) => p.originOf(i));

describe('parseBody and the record codec', () => {
  it('decodes the same records as readBytesSource + decodeEvent, NDJSON and EVTX', async () => {
    for (const bytes of [enc(mixedNdjson()), fleetEvtx()]) {
      const parsed = await parseBody(bytes, OPTS);
      expect(parsed.records).toEqual(await referenceRecords(bytes));
    }
  });

  it('carries records, origins and issues through encode/decode unchanged', async () => {
    const parsed = await parseBody(enc(mixedNdjson()), OPTS);
    // the crafted lines are really there: a request without record id, one without client time, two bad lines
    expect(parsed.records.some((r) => r.kind === 'request' && r.recordId === null)).toBe(true);
    expect(parsed.records.some((r) => r.kind === 'request' && r.clientTime === null)).toBe(true);
    expect(parsed.records.some((r) => r.kind === 'host')).toBe(true);
    expect(parsed.issues.length).toBe(3);
    expect(parsed.issues.slice(0, 2).map((i) => i.line)).toEqual([2, 23]);
    const back = roundTrip(parsed);
    expect(back.records).toEqual(parsed.records);
    expect(origins(back)).toEqual(origins(parsed));
    expect([back.events, back.ignored, back.issues, back.issueAt]).toEqual([parsed.events, parsed.ignored, parsed.issues, parsed.issueAt]);
  });

  it('keeps strings that contain the table separator', async () => {
    const line = JSON.parse(winlogbeatLine(fleetEvents().find((e) => e.eventId === 12290)!)) as { winlog: { computer_name: string } };
    line.winlog.computer_name = 'KMS\u000001';
    const parsed = await parseBody(enc(JSON.stringify(line)), OPTS);
    expect(parsed.records[0].host).toBe('KMS\u000001');
    expect(roundTrip(parsed).records).toEqual(parsed.records);
  });
});

describe('the worker pool', () => {
  const parsers: BodyParser[] = [];
  afterEach(async () => {
    for (const p of parsers.splice(0)) await p.close();
  });

  it('parses in a worker thread to the same result as inline', async () => {
    const pool = createBodyParser(1);
    parsers.push(pool);
    for (const bytes of [enc(mixedNdjson()), fleetEvtx()]) {
      const [viaWorker, inline] = [await pool.parse(bytes, OPTS), await parseBody(bytes, OPTS)];
      expect(viaWorker.records).toEqual(inline.records);
      expect(origins(viaWorker)).toEqual(origins(inline));
      expect(viaWorker.issues).toEqual(inline.issues);
    }
  });

  it('fails the bodies of a worker that dies with IngestWorkerError and replaces the worker', async () => {
    const pool = createBodyParser(1);
    parsers.push(pool);
    await pool.parse(enc('{}'), OPTS); // started
    const body = enc(Array.from({ length: 40 }, () => mixedNdjson()).join('\n'));
    const pending = pool.parse(body, OPTS);
    const worker = (pool as unknown as { slots: { thread: { terminate(): Promise<number> } }[] }).slots[0];
    await worker.thread.terminate();
    await expect(pending).rejects.toBeInstanceOf(IngestWorkerError);
    const again = await pool.parse(enc(mixedNdjson()), OPTS);
    expect(again.records.length).toBeGreaterThan(0);
  });
});

/** A store that refuses (STORE_WRITE) any batch holding a request from a machine named BADPC. */
function refusingStore(): Store {
  const store = createMemoryStore();
  const write = store.writeBatch.bind(store);
  store.writeBatch = async (records) => {
    if (records.some((r) => r.kind === 'request' && r.machine === 'BADPC')) throw new StoreError('BADPC refused', 'STORE_WRITE');
    return write(records);
  };
  return store;
}

describe('writeParsed', () => {
  it('gives the summary of ingestEvents, refused records and issue order included', async () => {
    const bytes = enc(mixedNdjson());
    for (const batchSize of [1, 7, 50_000]) {
      const [a, b] = [refusingStore(), refusingStore()];
      const expected = await ingestEvents(a, readBytesSource(bytes, OPTS), { batchSize });
      const actual = await writeParsed(b, await parseBody(bytes, OPTS), batchSize);
      expect(expected.issues.filter((i) => i.reason.startsWith('not stored')).length).toBe(3);
      expect(actual).toEqual(expected);
      expect(await referenceReport(b)).toEqual(await referenceReport(a));
    }
  });
});

describe('POST /api/ingest through workers', () => {
  const apps: { app: FastifyInstance; store: Store }[] = [];
  afterEach(async () => {
    for (const { app, store } of apps.splice(0)) {
      await app.close();
      await store.close();
    }
  });
  async function setup(deps: { ingestWorkers: number; ingestQueueBytes?: number }) {
    const store = createMemoryStore();
    await store.migrate();
    const app = createApp({ store, token: TOKEN, timezone: 'UTC', now: () => AT, staticDir: null, ...deps });
    apps.push({ app, store });
    return { app, store };
  }
  const post = (app: FastifyInstance, payload: string) =>
    app.inject({ method: 'POST', url: '/api/ingest', payload, headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${TOKEN}` } });

  it('answers the same with 0 and 1 workers, first time and again', async () => {
    const payload = mixedNdjson();
    const inline = await setup({ ingestWorkers: 0 });
    const pooled = await setup({ ingestWorkers: 1 });
    for (let round = 0; round < 2; round++) {
      const [a, b] = [await post(inline.app, payload), await post(pooled.app, payload)];
      expect(a.statusCode).toBe(400);
      expect(b.statusCode).toBe(a.statusCode);
      expect(b.json()).toEqual(a.json());
    }
    expect(await referenceReport(pooled.store)).toEqual(await referenceReport(inline.store));
  });

  it('answers 429 with Retry-After while the queue is full, and the batch sent again lands once', async () => {
    const lines = fleetEvents().map(winlogbeatLine);
    const first = lines.slice(0, 40).join('\n');
    const second = lines.slice(40).join('\n');
    const { app, store } = await setup({ ingestWorkers: 1, ingestQueueBytes: 10 });
    const [a, b] = await Promise.all([post(app, first), post(app, second)]);
    expect(a.statusCode).toBe(200);
    expect(b.statusCode).toBe(429);
    expect(b.headers['retry-after']).toBe('1');
    expect(b.json()).toMatchObject({ error: 'WEB_BUSY' });
    expect((await post(app, second)).statusCode).toBe(200);
    const reference = createMemoryStore();
    await ingestEvents(reference, readBytesSource(enc(lines.join('\n')), OPTS), {});
    expect(await referenceReport(store)).toEqual(await referenceReport(reference));
  });
});
