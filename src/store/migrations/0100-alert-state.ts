import type { Migration } from './types.js';

/*
 * Alert state for src/alerts (one row per alert id, upserted each evaluation) and a small
 * key/value table for collector bookkeeping (last successful run, file fingerprints).
 * Times are epoch ms UTC; details is JSON text.
 */

const sqlite: string[] = [
  `CREATE TABLE alert_states (
    id                   TEXT    PRIMARY KEY,
    rule                 TEXT    NOT NULL,
    severity             TEXT    NOT NULL,
    host                 TEXT,
    summary              TEXT    NOT NULL,
    details              TEXT    NOT NULL,
    status               TEXT    NOT NULL,
    first_seen           INTEGER NOT NULL,
    last_seen            INTEGER NOT NULL,
    resolved_at          INTEGER,
    notified_at          INTEGER,
    resolved_notified_at INTEGER
  )`,
  `CREATE INDEX alert_states_status ON alert_states (status)`,
  `CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  )`,
];

const postgres: string[] = [
  `CREATE TABLE alert_states (
    id                   TEXT   PRIMARY KEY,
    rule                 TEXT   NOT NULL,
    severity             TEXT   NOT NULL,
    host                 TEXT,
    summary              TEXT   NOT NULL,
    details              TEXT   NOT NULL,
    status               TEXT   NOT NULL,
    first_seen           BIGINT NOT NULL,
    last_seen            BIGINT NOT NULL,
    resolved_at          BIGINT,
    notified_at          BIGINT,
    resolved_notified_at BIGINT
  )`,
  `CREATE INDEX alert_states_status ON alert_states (status)`,
  `CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  )`,
];

export const alertState: Migration = { id: '0100-alert-state', sqlite, postgres };
