import type { Migration } from './types.js';

/*
 * What the stored log covers (docs/definitions.md "coverage"): one row per stretch of one host's
 * log read from one source, in one epoch. store/spans.ts writes them with every batch, merging a
 * stretch that overlaps or continues one of the same source (an export collected again, or the
 * next increment of a live collection), so a stretch stays apart from another one of the same
 * file only when record ids are missing between them: a log that wrapped between two collections.
 *   span_key   'r' + first record id, or 't' + first event second for sources without record ids
 *   zone       the IANA zone the source's times were read in (wall-clock times without an offset);
 *              NULL when its export carried UTC or offsets
 * Events stored before this migration are seeded as one stretch per host, log, epoch, source and
 * table (span_key 'stored:<table>'), without zone.
 */
const table = (text: string, int: string) => `CREATE TABLE log_spans (
    host_key        ${text} NOT NULL,
    channel         ${text} NOT NULL,
    epoch           INTEGER NOT NULL,
    source          ${text} NOT NULL,
    span_key        ${text} NOT NULL,
    first_time      ${int} NOT NULL,
    last_time       ${int} NOT NULL,
    first_record_id ${int},
    last_record_id  ${int},
    events          ${int} NOT NULL,
    zone            ${text},
    PRIMARY KEY (host_key, channel, epoch, source, span_key)
  )`;

const seedRequests = `INSERT INTO log_spans (host_key, channel, epoch, source, span_key, first_time, last_time, first_record_id, last_record_id, events, zone)
    SELECT hk.value, ch.value, r.epoch, src.value, 'stored:requests', MIN(r.time), MAX(r.time),
           MIN(CASE WHEN r.rec >= 0 THEN r.rec END), MAX(CASE WHEN r.rec >= 0 THEN r.rec END), COUNT(*), NULL
    FROM requests r
    JOIN strings hk ON hk.id = r.host_id
    JOIN strings ch ON ch.id = r.channel_id
    JOIN strings src ON src.id = r.source_id
    GROUP BY hk.value, ch.value, r.epoch, src.value`;

const seedEvents = (name: string) => `INSERT INTO log_spans (host_key, channel, epoch, source, span_key, first_time, last_time, first_record_id, last_record_id, events, zone)
    SELECT host_key, channel, epoch, source, 'stored:${name}', MIN(time), MAX(time), MIN(record_id), MAX(record_id), COUNT(*), NULL
    FROM ${name}
    GROUP BY host_key, channel, epoch, source`;

const ddl = (text: string, int: string) => [table(text, int), seedRequests, ...['host_events', 'client_events', 'anomalies'].map(seedEvents)];

export const logSpans: Migration = {
  id: '1100-log-spans',
  sqlite: ddl('TEXT', 'INTEGER'),
  // COLLATE "C" as every text column of 0001
  postgres: ddl('TEXT COLLATE "C"', 'BIGINT'),
};
