import { createReadStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InputIssue, RawEvent, ReadOptions, SourceItem } from '../../src/sources/types.js';

export const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/sources');
export const fixture = (name: string): string => path.join(fixturesDir, name);

export interface Collected {
  events: RawEvent[];
  issues: InputIssue[];
}

export async function collect(items: AsyncIterable<SourceItem>): Promise<Collected> {
  const out: Collected = { events: [], issues: [] };
  for await (const item of items) {
    if (item.ok) out.events.push(item.event);
    else out.issues.push(item.issue);
  }
  return out;
}

/** Streams a fixture in chunks of `chunkSize` bytes (small sizes exercise chunk boundaries). */
export function streamFixture(name: string, chunkSize = 65536): NodeJS.ReadableStream {
  return createReadStream(fixture(name), { highWaterMark: chunkSize });
}

/** Yields a buffer in chunks of `chunkSize` bytes. */
export async function* chunks(bytes: Uint8Array, chunkSize: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
}

export function readOptions(name: string, extra: Partial<ReadOptions> = {}): ReadOptions {
  return { file: name, timezone: 'UTC', ...extra };
}

/** The seed 12290 line of kms-events.md §1.3 / issue 2, and its nine fields in order. */
export const SEED_INFO =
  '0x0,25,pcname.domain.com,24ecc780-5463-4cfc-bc0c-71744241ee4f,2015/10/27 17:10,0,5,0,2de67392-b7a7-462a-b1ca-108dd189f588';
export const SEED_DATA = [SEED_INFO, ...SEED_INFO.split(',')];
