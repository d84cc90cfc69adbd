/**
 * A collector process for the concurrency test: opens the store at argv[2] (a SQLite file or a
 * postgres:// URL, as `kmswatch --db` takes them) and writes
 * events start .. start+count-1 of collectorEvents() in batches, then prints its summed WriteResult
 * as JSON. Run with `node --import tsx collector-child.ts <url> <start> <count> <batch> [reverse]`.
 */
import { openStore } from '../../../src/store/index.js';
import type { WriteResult } from '../../../src/store/types.js';
import { collectorEvents } from './collector-events.js';

const [url, start, count, batch, order] = process.argv.slice(2);
const records = collectorEvents(Number(start), Number(count));
const batches: (typeof records)[] = [];
for (let i = 0; i < records.length; i += Number(batch)) batches.push(records.slice(i, i + Number(batch)));
if (order === 'reverse') batches.reverse();

const store = await openStore(url);
const sum: WriteResult = { requests: 0, hostEvents: 0, clientEvents: 0, anomalies: 0, duplicates: 0, logClears: 0 };
try {
  for (const b of batches) {
    const r = await store.writeBatch(b);
    for (const k of Object.keys(sum) as Exclude<keyof WriteResult, 'shifted' | 'withheld'>[]) sum[k] += r[k];
  }
} finally {
  await store.close();
}
process.stdout.write(JSON.stringify(sum));
