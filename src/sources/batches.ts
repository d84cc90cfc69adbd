/**
 * Readers hand out events an array at a time (one array per chunk of input): one await per chunk
 * instead of one per event keeps promise and generator overhead off the ingest hot path.
 * `SourceItem` streams (the public contract) are these arrays flattened.
 */
import type { SourceItem } from './types.js';

export type SourceBatches = AsyncIterable<SourceItem[]>;

export async function* flattenBatches<T>(batches: AsyncIterable<T[]>): AsyncGenerator<T> {
  for await (const batch of batches) yield* batch;
}

/**
 * Groups an item stream into arrays of up to `size` items, for readers that produce one item per
 * await anyway (EVTX): consumers then see one shape.
 */
export async function* groupItems<T>(items: AsyncIterable<T> | Iterable<T>, size = 512): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
