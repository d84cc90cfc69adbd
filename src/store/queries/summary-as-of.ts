import { afterAt, secondRange } from './names.js';

/**
 * SQLite: client_summary as of a past instant `at`, built in a temporary table `asof_summary`
 * (same columns), so that the "now" forms of latestClients and clientOverview answer for `at`.
 *
 *   - rows whose requests are all up to `at` are copied;
 *   - rows with requests on both sides of `at` ("stale") keep their first request and count
 *     their requests minus those after `at` (the tail, through the dedup index); their latest
 *     request up to `at` is found by reading time windows backwards from `at` (8 days, then each
 *     twice as long before it): a client renews weekly, so the first windows find almost all;
 *   - rows whose first request is after `at` are left out.
 * last_ok (window counts) is not needed by these two and is left null for stale rows.
 */
const KEY = ['cmid_id', 'product_id', 'host_id', 'machine_key_id', 'minimum_count'] as const;
const keyList = KEY.join(', ');
const keyMatch = (a: string, b: string) => KEY.map((k) => `${a}.${k} = ${b}.${k}`).join(' AND ');

const create = [
  `CREATE TEMP TABLE IF NOT EXISTS asof_summary (
    cmid_id INTEGER NOT NULL, product_id INTEGER NOT NULL, host_id INTEGER NOT NULL, machine_key_id INTEGER NOT NULL,
    minimum_count INTEGER NOT NULL, requests INTEGER NOT NULL, first_seen INTEGER NOT NULL, first_id INTEGER NOT NULL,
    first_machine_id INTEGER NOT NULL, last_seen INTEGER NOT NULL, last_rec INTEGER NOT NULL, last_id INTEGER NOT NULL,
    machine_id INTEGER NOT NULL, result INTEGER NOT NULL, license_state INTEGER NOT NULL, minutes_left INTEGER NOT NULL,
    is_vm INTEGER NOT NULL, last_ok INTEGER,
    PRIMARY KEY (${keyList})
  ) WITHOUT ROWID`,
  `CREATE TEMP TABLE IF NOT EXISTS asof_open (
    cmid_id INTEGER NOT NULL, product_id INTEGER NOT NULL, host_id INTEGER NOT NULL, machine_key_id INTEGER NOT NULL,
    minimum_count INTEGER NOT NULL, requests INTEGER NOT NULL, first_seen INTEGER NOT NULL, first_id INTEGER NOT NULL,
    first_machine_id INTEGER NOT NULL,
    PRIMARY KEY (${keyList})
  ) WITHOUT ROWID`,
];

const reset = ['DELETE FROM asof_summary', 'DELETE FROM asof_open'];

/** Rows wholly up to `at`, then the stale ones (their counts corrected) left open. */
const seed = [
  `INSERT INTO asof_summary SELECT * FROM client_summary WHERE first_seen <= @at AND last_seen <= @at`,
  `INSERT INTO asof_open
     SELECT s.cmid_id, s.product_id, s.host_id, s.machine_key_id, s.minimum_count,
            s.requests - COALESCE(t.n, 0), s.first_seen, s.first_id, s.first_machine_id
     FROM client_summary s
     LEFT JOIN (SELECT ${keyList}, COUNT(*) AS n FROM requests r WHERE ${afterAt('r', '@atSecond', '@at')} GROUP BY ${keyList}) t
       ON ${keyMatch('t', 's')}
     WHERE s.first_seen <= @at AND s.last_seen > @at`,
];

/** The latest request in (@lo, @hi] of each open row found there becomes its summary row. */
const resolveWindow = `
  INSERT INTO asof_summary
  SELECT ${keyList}, requests, first_seen, first_id, first_machine_id, time, rec_order, id,
         machine_id, result, license_state, minutes_left, is_vm, NULL
  FROM (
    SELECT o.cmid_id, o.product_id, o.host_id, o.machine_key_id, o.minimum_count, o.requests, o.first_seen, o.first_id,
           o.first_machine_id, r.time, CASE WHEN r.rec >= 0 THEN r.rec ELSE -1 END AS rec_order, r.id, r.machine_id,
           r.result, r.license_state, r.minutes_left, r.is_vm,
           ROW_NUMBER() OVER (PARTITION BY ${KEY.map((k) => `o.${k}`).join(', ')}
                              ORDER BY r.time DESC, CASE WHEN r.rec >= 0 THEN r.rec ELSE -1 END DESC, r.id DESC) AS n
    FROM requests r JOIN asof_open o ON ${keyMatch('o', 'r')}
    WHERE ${secondRange('r', '@loSecond', '@hiSecond')} AND r.time > @lo AND r.time <= @hi
  )
  WHERE n = 1`;

const closeResolved = `DELETE FROM asof_open WHERE EXISTS (SELECT 1 FROM asof_summary a WHERE ${keyMatch('a', 'asof_open')})`;

/** Open rows that can still have a request at or before `lo`: the earliest first request among them. */
const openFrom = `SELECT COUNT(*) AS n, MIN(first_seen) AS first FROM asof_open`;

export const summaryAsOfSql = { create, reset, seed, resolveWindow, closeResolved, openFrom } as const;

export const AS_OF_FIRST_WINDOW_MS = 8 * 86_400_000;
