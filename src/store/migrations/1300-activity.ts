import type { Migration } from './types.js';

/*
 * Two tables the dashboard's timeline reads instead of scanning 30 to 120 days of requests, both
 * kept current by every batch (store/activity.ts, store/daily.ts) and filled here from the stored
 * requests with the rules as of this migration (copied, not imported: a migration never changes
 * once shipped):
 * - activity_spans: per host, application and CMID, the intervals over which the client counts as
 *   active (store/rules/activity.ts): a run of successes breaks where one comes more than 30 days
 *   (2592000000 ms) after the previous one; `minimum` and `minimum_low`
 *   are the highest and lowest minimum count of the run.
 * - daily_activity: per host, application and UTC day, all requests and the distinct CMIDs served
 *   with result 0.
 */
const fill = `INSERT INTO activity_spans (host_id, application, cmid_id, start, stop, minimum, minimum_low)
  SELECT host_id, application, cmid_id, MIN(time), MAX(time) + 2592000000, MAX(minimum_count), MIN(minimum_count)
  FROM (
    SELECT host_id, application, cmid_id, time, minimum_count,
           SUM(brk) OVER (PARTITION BY host_id, application, cmid_id ORDER BY time ROWS UNBOUNDED PRECEDING) AS run
    FROM (
      SELECT r.host_id, p.application, r.cmid_id, r.time, r.minimum_count,
             CASE WHEN r.time - LAG(r.time) OVER (PARTITION BY r.host_id, p.application, r.cmid_id ORDER BY r.time) > 2592000000
                  THEN 1 ELSE 0 END AS brk
      FROM requests r JOIN products p ON p.id = r.product_id
      WHERE r.result = 0
    ) g
  ) i
  GROUP BY host_id, application, cmid_id, run`;

const fillDaily = `INSERT INTO daily_activity (host_id, application, day, requests, clients)
  SELECT r.host_id, p.application, (r.time / 86400000) * 86400000, COUNT(*), COUNT(DISTINCT CASE WHEN r.result = 0 THEN r.cmid_id END)
  FROM requests r JOIN products p ON p.id = r.product_id
  GROUP BY r.host_id, p.application, (r.time / 86400000) * 86400000`;

const sqlite = [
  `CREATE TABLE activity_spans (
     host_id INTEGER NOT NULL, application TEXT NOT NULL, cmid_id INTEGER NOT NULL,
     start INTEGER NOT NULL, stop INTEGER NOT NULL, minimum INTEGER NOT NULL, minimum_low INTEGER NOT NULL,
     PRIMARY KEY (host_id, application, cmid_id, start)
   ) WITHOUT ROWID`,
  fill,
  `CREATE TABLE daily_activity (
     host_id INTEGER NOT NULL, application TEXT NOT NULL, day INTEGER NOT NULL,
     requests INTEGER NOT NULL, clients INTEGER NOT NULL,
     PRIMARY KEY (host_id, application, day)
   ) WITHOUT ROWID`,
  fillDaily,
];

const postgres = [
  `CREATE TABLE activity_spans (
     host_id BIGINT NOT NULL, application TEXT COLLATE "C" NOT NULL, cmid_id BIGINT NOT NULL,
     start BIGINT NOT NULL, stop BIGINT NOT NULL, minimum INTEGER NOT NULL, minimum_low INTEGER NOT NULL,
     PRIMARY KEY (host_id, application, cmid_id, start)
   )`,
  fill,
  `CREATE TABLE daily_activity (
     host_id BIGINT NOT NULL, application TEXT COLLATE "C" NOT NULL, day BIGINT NOT NULL,
     requests BIGINT NOT NULL, clients BIGINT NOT NULL,
     PRIMARY KEY (host_id, application, day)
   )`,
  fillDaily,
];

export const activity: Migration = { id: '1300-activity', sqlite, postgres };
