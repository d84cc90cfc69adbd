import type { Migration } from './types.js';
import { initial } from './0001-initial.js';
import { alertState } from './0100-alert-state.js';
import { readerViews } from './0200-reader-views.js';
import { narrowCmidIndex } from './0300-narrow-cmid-index.js';
import { sqliteBulkLayout } from './0400-sqlite-bulk-layout.js';
import { postgresIngest } from './0500-postgres-ingest.js';
import { postgresFailureIndex } from './0600-postgres-failure-index.js';
import { postgresWindowDays } from './0700-postgres-window-days.js';
import { postgresCmidBuckets } from './0800-postgres-cmid-buckets.js';
import { postgresDeferredSummary } from './0900-postgres-deferred-summary.js';
import { damagedRecords } from './1000-damaged-records.js';
import { logSpans } from './1100-log-spans.js';
import { oneStore } from './1200-one-store.js';
import { activity } from './1300-activity.js';
import { discovery } from './1400-discovery.js';
import { spanStops } from './1500-span-stops.js';
import { failureCounts } from './1600-failure-counts.js';
import { clientPairing } from './1700-client-pairing.js';
import { clientSideIndexes } from './1800-client-side-indexes.js';
import { overviewReads } from './1900-overview-reads.js';

export type { Migration } from './types.js';
export { migrationVersion } from './types.js';
export { newestVersion, refuseNewerSchema, unknownNewerMigrations } from './newer.js';
export { pendingMigrations, refuseOlderSchema } from './older.js';

/** Every schema step in order. Append only: an applied migration is never edited. */
export const MIGRATIONS: readonly Migration[] = [initial, alertState, readerViews, narrowCmidIndex, sqliteBulkLayout, postgresIngest, postgresFailureIndex, postgresWindowDays, postgresCmidBuckets, postgresDeferredSummary, damagedRecords, logSpans, oneStore, activity, discovery, spanStops, failureCounts, clientPairing, clientSideIndexes, overviewReads];

/** Table that records applied migration ids (same name on both backends). */
export const MIGRATIONS_TABLE = 'schema_migrations';
