import type { Migration } from './types.js';

/*
 * PostgreSQL only: window_days answers the KMS count ("distinct CMIDs with a success in the last
 * 30 days") without visiting one row per client. client_summary holds one wide row per client,
 * kept half empty for its in-place updates, so reading every client's last_ok cost ≈ 45 ms of
 * scanning at 200 k clients before anything was counted; an index on last_ok would end those
 * in-place updates, since every success moves it.
 *
 * One row per UTC day (epoch ms / 86,400,000, floored), host, product and minimum count: the CMIDs
 * of that day's successful requests as 8-byte big-endian integers (int8send) and, in the same
 * order, each one's newest success time that day as milliseconds into the day (4-byte int4send).
 * The whole days inside a window are counted from the CMIDs alone; only the day the window starts
 * in needs the times. A window that ends before the newest request reads the day it ends in from
 * the requests instead (postgres/window-days.ts END_DAY_SQL). Every batch appends its new requests to the rows of their days
 * (postgres/window-days.ts): a CMID may appear more than once in a row, the reader counts it once.
 * STORAGE EXTERNAL: the lists are uncompressible integers, so PostgreSQL should not try.
 *
 * The backfill builds the rows of the requests already stored (48 s measured at 10 M requests).
 */
const WINDOW_DAYS_BACKFILL = `INSERT INTO window_days (day, host_id, product_id, minimum_count, cmids, offsets)
  SELECT day, host_id, product_id, minimum_count,
         string_agg(int8send(cmid_id), ''::bytea ORDER BY cmid_id),
         string_agg(int4send(ms), ''::bytea ORDER BY cmid_id)
    FROM (SELECT day, host_id, product_id, minimum_count, cmid_id, (MAX(time) - day::bigint * 86400000)::integer AS ms
            FROM (SELECT floor(time / 86400000.0)::integer AS day, host_id, product_id, minimum_count, cmid_id, time
                    FROM requests WHERE result = 0) r
           GROUP BY day, host_id, product_id, minimum_count, cmid_id) c
   GROUP BY day, host_id, product_id, minimum_count`;

const postgres = [
  `CREATE TABLE window_days (
    day           INTEGER NOT NULL,
    host_id       BIGINT NOT NULL,
    product_id    BIGINT NOT NULL,
    minimum_count INTEGER NOT NULL,
    cmids         BYTEA NOT NULL,
    offsets       BYTEA NOT NULL,
    PRIMARY KEY (day, host_id, product_id, minimum_count)
  )`,
  'ALTER TABLE window_days ALTER COLUMN cmids SET STORAGE EXTERNAL',
  'ALTER TABLE window_days ALTER COLUMN offsets SET STORAGE EXTERNAL',
  WINDOW_DAYS_BACKFILL,
];

export const postgresWindowDays: Migration = { id: '0700-postgres-window-days', sqlite: [], postgres };
