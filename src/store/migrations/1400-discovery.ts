import type { Migration } from './types.js';

/*
 * Issue 27 (`kmswatch discover`):
 * - discovery_checks: one row per check of the `_vlmcs._tcp` SRV records, keyed by when it started
 *   and the machine it ran on; `document` is the whole DiscoveryCheck as JSON text
 *   (queries/discovery.ts), as `fields` of client_events is.
 * - client_events_time: Store.clientEvents reads a time range over every host, which the
 *   (host_key, time) index of 0001 cannot serve without a full scan.
 */
const ddl = (text: string, int: string) => [
  `CREATE TABLE discovery_checks (
    checked_at ${int} NOT NULL,
    seen_from  ${text} NOT NULL,
    document   ${text} NOT NULL,
    PRIMARY KEY (checked_at, seen_from)
  )`,
  'CREATE INDEX client_events_time ON client_events (time)',
];

export const discovery: Migration = {
  id: '1400-discovery',
  sqlite: ddl('TEXT', 'INTEGER'),
  // COLLATE "C" as every text column of 0001
  postgres: ddl('TEXT COLLATE "C"', 'BIGINT'),
};
