import type { Migration } from './types.js';

/*
 * One schema, two dialects, written once: `Dialect` supplies the few type names that differ.
 *
 * Requests are the bulk of every store (10 M+ rows), so their table is narrow: every repeated
 * string (host, channel, source, machine, CMID, result text) is an integer id into `strings`, the
 * product (activation id, name, application) an id into `products`. Writers keep both lookups in
 * memory. Columns:
 *   host_id        strings id of the host lower-cased (dedup, grouping); host_name_id as written
 *   second         event time truncated to the second; rec the record id, or -1 - a 52-bit content
 *                  hash when the export has none (src/store/dedup.ts). (host_id, second, channel_id,
 *                  rec) is the dedup key and, by its order, also the per-host time index.
 *   epoch          log epoch of the (host, channel) when the row was stored (+1 per log clear)
 *
 * Summaries, maintained in the batch's own transaction, answer the full-history questions without
 * reading the history (valid when `at` is at or after the newest request: see queries/freshness):
 *   request_hosts  per host: requests, first and last request time
 *   client_summary one row per (cmid, product, host, machine lower-case, minimum count): count,
 *                  first request (time, id, machine as written), latest request (time, record id,
 *                  id and its state) and the newest successful request time (window counts)
 *
 * The other event tables are small and keep their text columns; `dedup_key` there is the text key
 * of src/store/dedup.ts, unique per (host_key, channel).
 */
interface Dialect {
  /** 64-bit integer column. */
  int: string;
  /** Auto-assigned 64-bit primary key. */
  serial: string;
  /** Text compared byte-wise (PostgreSQL: COLLATE "C", as SQLite's BINARY). */
  text: string;
  bool: string;
  withoutRowid: string;
}

const SQLITE: Dialect = { int: 'INTEGER', serial: 'INTEGER PRIMARY KEY', text: 'TEXT', bool: 'INTEGER', withoutRowid: ' WITHOUT ROWID' };
const POSTGRES: Dialect = { int: 'BIGINT', serial: 'BIGSERIAL PRIMARY KEY', text: 'TEXT COLLATE "C"', bool: 'BOOLEAN', withoutRowid: '' };

const eventColumns = (d: Dialect) => `
    id         ${d.serial},
    host       ${d.text} NOT NULL,
    host_key   ${d.text} NOT NULL,
    channel    ${d.text} NOT NULL,
    record_id  ${d.int},
    time       ${d.int} NOT NULL,
    dedup_key  ${d.text} NOT NULL,
    epoch      INTEGER NOT NULL,
    source     ${d.text} NOT NULL,
    event_id   INTEGER NOT NULL`;

function schema(d: Dialect): string[] {
  return [
    `CREATE TABLE strings (
      id    ${d.serial},
      value ${d.text} NOT NULL UNIQUE
    )`,
    `CREATE TABLE products (
      id            ${d.serial},
      activation_id ${d.text} NOT NULL,
      name          ${d.text} NOT NULL,
      application   ${d.text} NOT NULL,
      UNIQUE (activation_id, name, application)
    )`,

    `CREATE TABLE requests (
      id               ${d.serial},
      host_id          ${d.int} NOT NULL,
      second           ${d.int} NOT NULL,
      channel_id       ${d.int} NOT NULL,
      rec              ${d.int} NOT NULL,
      time             ${d.int} NOT NULL,
      epoch            INTEGER NOT NULL,
      host_name_id     ${d.int} NOT NULL,
      source_id        ${d.int} NOT NULL,
      result           ${d.int} NOT NULL,
      result_hex_id    ${d.int} NOT NULL,
      minimum_count    INTEGER NOT NULL,
      machine_id       ${d.int} NOT NULL,
      machine_key_id   ${d.int} NOT NULL,
      cmid_id          ${d.int} NOT NULL,
      product_id       ${d.int} NOT NULL,
      client_time_text ${d.text} NOT NULL,
      client_time      ${d.int},
      is_vm            ${d.bool} NOT NULL,
      license_state    INTEGER NOT NULL,
      minutes_left     ${d.int} NOT NULL
    )`,
    // dedup; its order also makes it the per-host time range index (daily activity, past windows)
    `CREATE UNIQUE INDEX requests_dedup ON requests (host_id, second, channel_id, rec)`,
    // one client's history (narrowed to (cmid_id) by migration 0300)
    `CREATE INDEX requests_cmid ON requests (cmid_id, time)`,
    // failures in a window (few rows)
    `CREATE INDEX requests_failed_time ON requests (time) WHERE result <> 0`,

    `CREATE TABLE request_hosts (
      host_id    ${d.int} PRIMARY KEY,
      requests   ${d.int} NOT NULL,
      first_seen ${d.int} NOT NULL,
      last_seen  ${d.int} NOT NULL
    )`,
    `CREATE TABLE client_summary (
      cmid_id          ${d.int} NOT NULL,
      product_id       ${d.int} NOT NULL,
      host_id          ${d.int} NOT NULL,
      machine_key_id   ${d.int} NOT NULL,
      minimum_count    INTEGER NOT NULL,
      requests         ${d.int} NOT NULL,
      first_seen       ${d.int} NOT NULL,
      first_id         ${d.int} NOT NULL,
      first_machine_id ${d.int} NOT NULL,
      last_seen        ${d.int} NOT NULL,
      last_rec         ${d.int} NOT NULL,
      last_id          ${d.int} NOT NULL,
      machine_id       ${d.int} NOT NULL,
      result           ${d.int} NOT NULL,
      license_state    INTEGER NOT NULL,
      minutes_left     ${d.int} NOT NULL,
      is_vm            ${d.bool} NOT NULL,
      last_ok          ${d.int},
      PRIMARY KEY (cmid_id, product_id, host_id, machine_key_id, minimum_count)
    )${d.withoutRowid}`,

    `CREATE TABLE host_events (${eventColumns(d)},
      type       ${d.text} NOT NULL,
      result_hex ${d.text},
      domain     ${d.text},
      detail     ${d.text} NOT NULL
    )`,
    `CREATE UNIQUE INDEX host_events_dedup ON host_events (host_key, channel, dedup_key)`,
    `CREATE INDEX host_events_host_type ON host_events (host_key, type, time)`,

    `CREATE TABLE client_events (${eventColumns(d)},
      result     ${d.int} NOT NULL,
      result_hex ${d.text} NOT NULL,
      fields     ${d.text} NOT NULL
    )`,
    `CREATE UNIQUE INDEX client_events_dedup ON client_events (host_key, channel, dedup_key)`,
    `CREATE INDEX client_events_host_time ON client_events (host_key, time)`,

    `CREATE TABLE anomalies (${eventColumns(d)},
      provider   ${d.text} NOT NULL,
      reason     ${d.text} NOT NULL,
      raw        ${d.text} NOT NULL
    )`,
    `CREATE UNIQUE INDEX anomalies_dedup ON anomalies (host_key, channel, dedup_key)`,
    `CREATE INDEX anomalies_time ON anomalies (time)`,

    `CREATE TABLE checkpoints (
      host_key       ${d.text} NOT NULL,
      channel        ${d.text} NOT NULL,
      host           ${d.text} NOT NULL,
      last_record_id ${d.int},
      last_time      ${d.int},
      epoch          INTEGER NOT NULL,
      updated_at     ${d.int} NOT NULL,
      PRIMARY KEY (host_key, channel)
    )`,

    `CREATE TABLE log_clears (
      id                      ${d.serial},
      host                    ${d.text} NOT NULL,
      host_key                ${d.text} NOT NULL,
      channel                 ${d.text} NOT NULL,
      epoch                   INTEGER NOT NULL,
      detected_at             ${d.int} NOT NULL,
      previous_last_record_id ${d.int},
      previous_last_time      ${d.int},
      first_record_id         ${d.int},
      UNIQUE (host_key, channel, epoch)
    )`,

    // one display name per host (as first written), shared by every query that groups hosts
    `CREATE VIEW host_names AS SELECT host_key, MIN(host) AS host FROM checkpoints GROUP BY host_key`,
  ];
}

export const initial: Migration = { id: '0001-initial', sqlite: schema(SQLITE), postgres: schema(POSTGRES) };
