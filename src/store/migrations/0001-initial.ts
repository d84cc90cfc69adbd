import type { Migration } from './types.js';

/*
 * Column conventions shared by the event tables:
 *   host      as written by the export; host_key = host lower-cased (dedup, grouping)
 *   time      event time, epoch ms UTC
 *   dedup_key record id + event second, or a content hash when the export has no record id
 *             (see src/store/dedup.ts); unique per (host_key, channel)
 *   epoch     log epoch of the (host, channel) when the row was stored (+1 per log clear)
 *   source    "<file> (<format>)"
 */

const sqlite: string[] = [
  `CREATE TABLE requests (
    id               INTEGER PRIMARY KEY,
    host             TEXT    NOT NULL,
    host_key         TEXT    NOT NULL,
    channel          TEXT    NOT NULL,
    record_id        INTEGER,
    time             INTEGER NOT NULL,
    dedup_key        TEXT    NOT NULL,
    epoch            INTEGER NOT NULL,
    source           TEXT    NOT NULL,
    result           INTEGER NOT NULL,
    result_hex       TEXT    NOT NULL,
    minimum_count    INTEGER NOT NULL,
    machine          TEXT    NOT NULL,
    machine_key      TEXT    NOT NULL,
    cmid             TEXT    NOT NULL,
    client_time_text TEXT    NOT NULL,
    client_time      INTEGER,
    is_vm            INTEGER NOT NULL,
    license_state    INTEGER NOT NULL,
    minutes_left     INTEGER NOT NULL,
    activation_id    TEXT    NOT NULL,
    product_name     TEXT    NOT NULL,
    application      TEXT    NOT NULL
  )`,
  // dedup; its leading host_key also serves per-host grouping (host activity)
  `CREATE UNIQUE INDEX requests_dedup ON requests (host_key, channel, dedup_key)`,
  // window counts, daily activity and per-host timelines and daily activity: successful requests by time
  `CREATE INDEX requests_ok_time ON requests (time, host_key, application, cmid) WHERE result = 0`,
  // latest state per (cmid, application), clones by cmid, one client's history
  `CREATE INDEX requests_cmid ON requests (cmid, application, time)`,
  // failures in a window (few rows)
  `CREATE INDEX requests_failed_time ON requests (time) WHERE result <> 0`,

  `CREATE TABLE host_events (
    id         INTEGER PRIMARY KEY,
    host       TEXT    NOT NULL,
    host_key   TEXT    NOT NULL,
    channel    TEXT    NOT NULL,
    record_id  INTEGER,
    time       INTEGER NOT NULL,
    dedup_key  TEXT    NOT NULL,
    epoch      INTEGER NOT NULL,
    source     TEXT    NOT NULL,
    event_id   INTEGER NOT NULL,
    type       TEXT    NOT NULL,
    result_hex TEXT,
    domain     TEXT,
    detail     TEXT    NOT NULL
  )`,
  `CREATE UNIQUE INDEX host_events_dedup ON host_events (host_key, channel, dedup_key)`,
  `CREATE INDEX host_events_host_type ON host_events (host_key, type, time)`,

  `CREATE TABLE client_events (
    id         INTEGER PRIMARY KEY,
    host       TEXT    NOT NULL,
    host_key   TEXT    NOT NULL,
    channel    TEXT    NOT NULL,
    record_id  INTEGER,
    time       INTEGER NOT NULL,
    dedup_key  TEXT    NOT NULL,
    epoch      INTEGER NOT NULL,
    source     TEXT    NOT NULL,
    event_id   INTEGER NOT NULL,
    result     INTEGER NOT NULL,
    result_hex TEXT    NOT NULL,
    fields     TEXT    NOT NULL
  )`,
  `CREATE UNIQUE INDEX client_events_dedup ON client_events (host_key, channel, dedup_key)`,
  `CREATE INDEX client_events_host_time ON client_events (host_key, time)`,

  `CREATE TABLE anomalies (
    id         INTEGER PRIMARY KEY,
    host       TEXT    NOT NULL,
    host_key   TEXT    NOT NULL,
    channel    TEXT    NOT NULL,
    record_id  INTEGER,
    time       INTEGER NOT NULL,
    dedup_key  TEXT    NOT NULL,
    epoch      INTEGER NOT NULL,
    source     TEXT    NOT NULL,
    event_id   INTEGER NOT NULL,
    provider   TEXT    NOT NULL,
    reason     TEXT    NOT NULL,
    raw        TEXT    NOT NULL
  )`,
  `CREATE UNIQUE INDEX anomalies_dedup ON anomalies (host_key, channel, dedup_key)`,
  `CREATE INDEX anomalies_time ON anomalies (time)`,

  `CREATE TABLE checkpoints (
    host_key       TEXT    NOT NULL,
    channel        TEXT    NOT NULL,
    host           TEXT    NOT NULL,
    last_record_id INTEGER,
    last_time      INTEGER,
    epoch          INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (host_key, channel)
  )`,

  `CREATE TABLE log_clears (
    id                      INTEGER PRIMARY KEY,
    host                    TEXT    NOT NULL,
    host_key                TEXT    NOT NULL,
    channel                 TEXT    NOT NULL,
    epoch                   INTEGER NOT NULL,
    detected_at             INTEGER NOT NULL,
    previous_last_record_id INTEGER,
    previous_last_time      INTEGER,
    first_record_id         INTEGER,
    UNIQUE (host_key, channel, epoch)
  )`,

  // one display name per host (as first written), shared by every query that groups hosts
  `CREATE VIEW host_names AS SELECT host_key, MIN(host) AS host FROM checkpoints GROUP BY host_key`,
];

const postgres: string[] = [
  `CREATE TABLE requests (
    id               BIGSERIAL PRIMARY KEY,
    host             TEXT     NOT NULL,
    host_key         TEXT     NOT NULL,
    channel          TEXT     NOT NULL,
    record_id        BIGINT,
    time             BIGINT   NOT NULL,
    dedup_key        TEXT     NOT NULL,
    epoch            INTEGER  NOT NULL,
    source           TEXT     NOT NULL,
    result           BIGINT   NOT NULL,
    result_hex       TEXT     NOT NULL,
    minimum_count    INTEGER  NOT NULL,
    machine          TEXT     NOT NULL,
    machine_key      TEXT     NOT NULL,
    cmid             TEXT     NOT NULL,
    client_time_text TEXT     NOT NULL,
    client_time      BIGINT,
    is_vm            BOOLEAN  NOT NULL,
    license_state    INTEGER  NOT NULL,
    minutes_left     BIGINT   NOT NULL,
    activation_id    TEXT     NOT NULL,
    product_name     TEXT     NOT NULL,
    application      TEXT     NOT NULL
  )`,
  `CREATE UNIQUE INDEX requests_dedup ON requests (host_key, channel, dedup_key)`,
  `CREATE INDEX requests_ok_time ON requests (time, host_key, application, cmid) WHERE result = 0`,
  `CREATE INDEX requests_cmid ON requests (cmid, application, time)`,
  `CREATE INDEX requests_failed_time ON requests (time) WHERE result <> 0`,

  `CREATE TABLE host_events (
    id         BIGSERIAL PRIMARY KEY,
    host       TEXT    NOT NULL,
    host_key   TEXT    NOT NULL,
    channel    TEXT    NOT NULL,
    record_id  BIGINT,
    time       BIGINT  NOT NULL,
    dedup_key  TEXT    NOT NULL,
    epoch      INTEGER NOT NULL,
    source     TEXT    NOT NULL,
    event_id   INTEGER NOT NULL,
    type       TEXT    NOT NULL,
    result_hex TEXT,
    domain     TEXT,
    detail     TEXT    NOT NULL
  )`,
  `CREATE UNIQUE INDEX host_events_dedup ON host_events (host_key, channel, dedup_key)`,
  `CREATE INDEX host_events_host_type ON host_events (host_key, type, time)`,

  `CREATE TABLE client_events (
    id         BIGSERIAL PRIMARY KEY,
    host       TEXT    NOT NULL,
    host_key   TEXT    NOT NULL,
    channel    TEXT    NOT NULL,
    record_id  BIGINT,
    time       BIGINT  NOT NULL,
    dedup_key  TEXT    NOT NULL,
    epoch      INTEGER NOT NULL,
    source     TEXT    NOT NULL,
    event_id   INTEGER NOT NULL,
    result     BIGINT  NOT NULL,
    result_hex TEXT    NOT NULL,
    fields     TEXT    NOT NULL
  )`,
  `CREATE UNIQUE INDEX client_events_dedup ON client_events (host_key, channel, dedup_key)`,
  `CREATE INDEX client_events_host_time ON client_events (host_key, time)`,

  `CREATE TABLE anomalies (
    id         BIGSERIAL PRIMARY KEY,
    host       TEXT    NOT NULL,
    host_key   TEXT    NOT NULL,
    channel    TEXT    NOT NULL,
    record_id  BIGINT,
    time       BIGINT  NOT NULL,
    dedup_key  TEXT    NOT NULL,
    epoch      INTEGER NOT NULL,
    source     TEXT    NOT NULL,
    event_id   INTEGER NOT NULL,
    provider   TEXT    NOT NULL,
    reason     TEXT    NOT NULL,
    raw        TEXT    NOT NULL
  )`,
  `CREATE UNIQUE INDEX anomalies_dedup ON anomalies (host_key, channel, dedup_key)`,
  `CREATE INDEX anomalies_time ON anomalies (time)`,

  `CREATE TABLE checkpoints (
    host_key       TEXT    NOT NULL,
    channel        TEXT    NOT NULL,
    host           TEXT    NOT NULL,
    last_record_id BIGINT,
    last_time      BIGINT,
    epoch          INTEGER NOT NULL,
    updated_at     BIGINT  NOT NULL,
    PRIMARY KEY (host_key, channel)
  )`,

  `CREATE TABLE log_clears (
    id                      BIGSERIAL PRIMARY KEY,
    host                    TEXT    NOT NULL,
    host_key                TEXT    NOT NULL,
    channel                 TEXT    NOT NULL,
    epoch                   INTEGER NOT NULL,
    detected_at             BIGINT  NOT NULL,
    previous_last_record_id BIGINT,
    previous_last_time      BIGINT,
    first_record_id         BIGINT,
    UNIQUE (host_key, channel, epoch)
  )`,
  `CREATE VIEW host_names AS SELECT host_key, MIN(host) AS host FROM checkpoints GROUP BY host_key`,
];

export const initial: Migration = { id: '0001-initial', sqlite, postgres };
