import type { Migration } from './types.js';

/*
 * Events read from damaged EVTX chunks (docs/definitions.md "damaged chunk"): stored like any other
 * event, and named here by their dedup identity (host lower-case, channel, event second, record
 * id) so the report can tell them apart without a column on the 10 M-row requests table. A row is
 * written before its event's batch (src/ingest/batcher.ts); a row whose event was never stored
 * matches nothing. Where the event was read (file, chunk slot, the checks it failed) is kept for
 * the report; the first mark of an event wins.
 */
const table = (text: string, int: string) => [
  `CREATE TABLE damaged_records (
    host_key ${text} NOT NULL,
    channel  ${text} NOT NULL,
    second   ${int} NOT NULL,
    rec      ${int} NOT NULL,
    file     ${text} NOT NULL,
    chunk    INTEGER NOT NULL,
    checks   ${text} NOT NULL,
    PRIMARY KEY (host_key, channel, second, rec)
  )`,
];

export const damagedRecords: Migration = {
  id: '1000-damaged-records',
  sqlite: table('TEXT', 'INTEGER'),
  // COLLATE "C" as every text column of 0001, so the keys compare with host_events' and strings'
  postgres: table('TEXT COLLATE "C"', 'BIGINT'),
};
