import { openSourceBatches } from '../sources/index.js';
import type { SourceItem } from '../sources/types.js';
import type { Store } from '../store/types.js';
import { IngestBatcher } from './batcher.js';
import { requireHostFor, resolveHostName, SeenHostNames } from './hosts.js';
import { emptySummary, type IngestOptions, type IngestSummary, type ProgressCallback } from './types.js';

export type { IngestOptions, IngestProgress, IngestSummary, ProgressCallback } from './types.js';
export { DEFAULT_BATCH_SIZE } from './batcher.js';

/**
 * Reads each file (format detected unless opts.format), decodes its events and stores them in
 * batches. A file or part of a file that cannot be read becomes an issue; the good events before
 * and after it are kept and the other files are still read. Re-ingesting adds nothing.
 * Files that name no computer need opts.host (else HostRequiredError before anything is read) and
 * are read last; opts.host is matched to the stored host it means (AmbiguousHostError when it could
 * be several).
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
  const hostless = new Set(await requireHostFor(files, opts));
  // --host is the host of the files that name none (for the others only a fallback, as given). It is
  // matched before anything is read (an ambiguous name stores nothing), and again once the files that
  // name their computer are stored, so that `KMS01` finds the KMS01.corp.contoso.com they bring along.
  let host = opts.host !== undefined && hostless.size > 0 ? await resolveHostName(store, opts.host) : opts.host;
  const ordered = hostless.size > 0 ? [...files.filter((f) => !hostless.has(f)), ...files.filter((f) => hostless.has(f))] : files;
  const seen = new SeenHostNames();
  const batcher = new IngestBatcher(store, summary, opts.batchSize, report, { skipDamaged: opts.skipDamaged });
  for (const file of ordered) {
    current = file;
    report();
    if (hostless.has(file) && opts.host !== undefined && host !== undefined && !seen.hasGiven()) {
      host = await resolveHostName(store, opts.host);
      seen.addGiven(host, opts.host);
    }
    for await (const items of openSourceBatches(file, { format: opts.format, timezone: opts.timezone, host, encoding: opts.encoding })) {
      seen.addItems(items);
      await batcher.addAll(items);
    }
    // each file ends with its batches written, so a file's summary line is final when it is reported
    await batcher.drain();
    summary.files++;
    filesDone++;
    report();
  }
  summary.issues.push(...(await batcher.shiftedProblems()));
  await seen.record(store);
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
  const batcher = new IngestBatcher(store, summary, opts.batchSize, undefined, { skipDamaged: opts.skipDamaged });
  const seen = new SeenHostNames();
  for await (const item of events) {
    origins.add(item.ok ? item.event.origin.file : item.issue.file);
    seen.addItem(item);
    await batcher.add(item);
  }
  await batcher.drain();
  summary.issues.push(...(await batcher.shiftedProblems()));
  await seen.record(store);
  summary.files = origins.size;
  return summary;
}
