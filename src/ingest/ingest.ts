import { openSourceBatches } from '../sources/index.js';
import type { SourceItem } from '../sources/types.js';
import type { Store } from '../store/types.js';
import { IngestBatcher } from './batcher.js';
import { emptySummary, type IngestOptions, type IngestSummary, type ProgressCallback } from './types.js';

export type { IngestOptions, IngestProgress, IngestSummary, ProgressCallback } from './types.js';
export { DEFAULT_BATCH_SIZE } from './batcher.js';

/**
 * Reads each file (format detected unless opts.format), decodes its events and stores them in
 * batches. A file or part of a file that cannot be read becomes an issue; the good events before
 * and after it are kept and the other files are still read. Re-ingesting adds nothing.
 */
export async function ingestFiles(
  store: Store,
  files: readonly string[],
  opts: IngestOptions,
  progress?: ProgressCallback,
): Promise<IngestSummary> {
  const summary = emptySummary();
  let current = '';
  let filesDone = 0;
  const report = () => progress?.({ file: current, events: summary.events, filesDone, files: files.length });
  const batcher = new IngestBatcher(store, summary, opts.batchSize, report);
  for (const file of files) {
    current = file;
    report();
    for await (const items of openSourceBatches(file, { format: opts.format, timezone: opts.timezone, host: opts.host })) {
      await batcher.addAll(items);
    }
    // each file ends with its batches written, so a file's summary line is final when it is reported
    await batcher.drain();
    summary.files++;
    filesDone++;
    report();
  }
  return summary;
}

/** The same for an event stream (HTTP ingest, live collection); `files` counts distinct origins. */
export async function ingestEvents(
  store: Store,
  events: AsyncIterable<SourceItem> | Iterable<SourceItem>,
  opts: Pick<IngestOptions, 'batchSize'> & Partial<IngestOptions>,
): Promise<IngestSummary> {
  const summary = emptySummary();
  const origins = new Set<string>();
  const batcher = new IngestBatcher(store, summary, opts.batchSize);
  for await (const item of events) {
    origins.add(item.ok ? item.event.origin.file : item.issue.file);
    await batcher.add(item);
  }
  await batcher.drain();
  summary.files = origins.size;
  return summary;
}
