import { describe, expect, it } from 'vitest';
import { IngestBatcher } from '../../src/ingest/batcher.js';
import { emptySummary } from '../../src/ingest/types.js';
import type { KmsRecord } from '../../src/kms/types.js';
import type { SourceItem } from '../../src/sources/types.js';
import type { Store, WriteResult } from '../../src/store/types.js';
import { foreignEvent, ok, request12290 } from './fixtures.js';

/** A store that records the batches it is given (only writeBatch is used by the batcher). */
function recordingStore(): { store: Store; batches: KmsRecord[][] } {
  const batches: KmsRecord[][] = [];
  const store = {
    async writeBatch(records: readonly KmsRecord[]): Promise<WriteResult> {
      batches.push([...records]);
      return { requests: records.length, hostEvents: 0, clientEvents: 0, anomalies: 0, duplicates: 0, logClears: 0 };
    },
  } as unknown as Store;
  return { store, batches };
}

describe('IngestBatcher.addAll', () => {
  it('cuts store batches at batchSize across the reader\'s arrays, as add() one by one does', async () => {
    const issue: SourceItem = { ok: false, issue: { file: 'x.xml', format: 'xml', line: 3, reason: 'bad' } };
    // 11 requests, one ignored event and one issue, handed over in arrays of 4, 0, 6 and 3 items.
    const items: SourceItem[] = [
      ...Array.from({ length: 5 }, (_, n) => ok(request12290(n))), ok(foreignEvent(0)), issue,
      ...Array.from({ length: 6 }, (_, n) => ok(request12290(n + 5))),
    ];
    const arrays = [items.slice(0, 4), [], items.slice(4, 10), items.slice(10)];

    const byArrays = recordingStore();
    const summaryA = emptySummary();
    const a = new IngestBatcher(byArrays.store, summaryA, 4);
    for (const arr of arrays) await a.addAll(arr);
    await a.flush();

    const oneByOne = recordingStore();
    const summaryB = emptySummary();
    const b = new IngestBatcher(oneByOne.store, summaryB, 4);
    for (const item of items) await b.add(item);
    await b.flush();

    // 11 records in batches of 4: 4 + 4 + 3; 12 events read (the issue is not an event).
    expect(byArrays.batches.map((x) => x.length)).toEqual([4, 4, 3]);
    expect(summaryA).toMatchObject({ events: 12, requests: 11, ignored: 1, issues: [issue.ok ? null : issue.issue] });
    expect(byArrays.batches).toEqual(oneByOne.batches);
    expect(summaryA).toEqual(summaryB);
    expect(byArrays.batches.flat().map((r) => r.recordId)).toEqual(Array.from({ length: 11 }, (_, n) => n + 1));
  });
});
