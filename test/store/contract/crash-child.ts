/**
 * Child process of crash.test.ts: writes a generated series of requests into a store (a SQLite
 * file or a postgres:// URL) in batches and prints "batch <n>" after each committed one, so the
 * parent can SIGKILL it mid-run.
 *
 *   node --import tsx crash-child.ts <db> <total> <batch>
 *
 * The series has a log clear in the middle: the second half restarts record ids a day later.
 */
import { openStore } from '../../../src/store/index.js';
import { requestSeries } from '../fixtures/records.js';
import type { KmsRecord } from '../../../src/kms/types.js';

const [db, totalText, batchText] = process.argv.slice(2);
const total = Number(totalText);
const batchSize = Number(batchText);
const T0 = Date.UTC(2026, 9, 1);

function* series(): Generator<KmsRecord> {
  const half = Math.floor(total / 2);
  yield* requestSeries(half, { t0: T0, clients: 3000 });
  yield* requestSeries(total - half, { t0: T0 + 30 * 86_400_000, clients: 3000 });
}

const store = await openStore(db);
let batch: KmsRecord[] = [];
let n = 0;
for (const record of series()) {
  batch.push(record);
  if (batch.length === batchSize) {
    await store.writeBatch(batch);
    batch = [];
    process.stdout.write(`batch ${++n}\n`);
  }
}
if (batch.length > 0) {
  await store.writeBatch(batch);
  process.stdout.write(`batch ${++n}\n`);
}
await store.close();
process.stdout.write('done\n');
