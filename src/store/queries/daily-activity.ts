import type { Sql } from '../driver.js';
import type { DailyActivityRow } from '../types.js';
import { hostJoin } from './names.js';
import { application, defineQuery, num, str } from './query.js';

/**
 * daily_activity (migration 1300): per host, application and UTC day, all requests and the distinct
 * CMIDs served with result 0, kept current by every batch (store/daily.ts). dailyActivity reads it
 * for the whole days of a range and the requests (below) for the parts of days at its ends.
 */
export const DAILY_COLUMNS = ['host_id', 'application', 'day', 'requests', 'clients'] as const;
export const DAILY_CONFLICT = `ON CONFLICT (host_id, application, day) DO UPDATE
  SET requests = daily_activity.requests + excluded.requests, clients = daily_activity.clients + excluded.clients`;

const fillDaily = `INSERT INTO daily_activity (host_id, application, day, requests, clients)
  SELECT r.host_id, p.application, (r.time / 86400000) * 86400000, COUNT(*), COUNT(DISTINCT CASE WHEN r.result = 0 THEN r.cmid_id END)
  FROM requests r JOIN products p ON p.id = r.product_id
  GROUP BY r.host_id, p.application, (r.time / 86400000) * 86400000`;

/** The table from the stored requests (prune; migration 1300 keeps a frozen copy). */
export const rebuildDailySql: readonly Sql[] = [
  { name: 'clearDaily', params: [], sqlite: 'DELETE FROM daily_activity', postgres: 'DELETE FROM daily_activity' },
  { name: 'rebuildDaily', params: [], sqlite: fillDaily, postgres: fillDaily },
];

/**
 * Which of the CMIDs a batch brings for one host and day already had a success there that day in
 * the stored requests (ids below the batch's first), through the dedup index's (host, second)
 * order: only asked when the batch is older than what is stored for the client (store/daily.ts).
 */
export const servedBeforeSql: Sql = {
  name: 'servedBefore',
  params: ['cmidIds', 'hostId', 'fromSecond', 'toSecond', 'dayStart', 'firstId'],
  sqlite: `SELECT DISTINCT r.cmid_id, p.application FROM requests r JOIN products p ON p.id = r.product_id
           WHERE r.host_id = @hostId AND r.cmid_id IN (SELECT value FROM json_each(@cmidIds))
             AND r.second >= @fromSecond AND r.second <= @toSecond AND r.time >= @dayStart AND r.time < @dayStart + 86400000
             AND r.result = 0 AND r.id < @firstId`,
  postgres: `SELECT DISTINCT r.cmid_id, p.application FROM requests r JOIN products p ON p.id = r.product_id
             WHERE r.host_id = $2 AND r.cmid_id = ANY($1::bigint[])
               AND r.second >= $3 AND r.second <= $4 AND r.time >= $5::bigint AND r.time < $5::bigint + 86400000
               AND r.result = 0 AND r.id < $6`,
};

/** Whole days [fromDay, toDay) of daily_activity; `host` null = every host. */
const tableBody = (fromDay: string, toDay: string, host: string) => `
    SELECT h.host, d.application, d.day, d.clients, d.requests
    FROM daily_activity d
    ${hostJoin('d.host_id')}
    WHERE d.day >= ${fromDay} AND d.day < ${toDay} AND (${host} IS NULL OR hk.value = ${host})
    ORDER BY h.host_key, d.application, d.day`;

export const dailyTableQuery = defineQuery<DailyActivityRow>({
  name: 'dailyTable',
  params: ['fromDay', 'toDay', 'host'],
  sqlite: tableBody('@fromDay', '@toDay', '@host'),
  postgres: tableBody('$1::bigint', '$2::bigint', '$3::text'),
  mapRow: (r) => ({ host: str(r.host), application: application(r.application), day: num(r.day), clients: num(r.clients), requests: num(r.requests) }),
});

/**
 * Per host, application and UTC day in (from, to]: distinct CMIDs with result 0x0 that day and
 * all requests that day. `host` null = every host (compared lower-case). Reads the range through
 * the dedup index's (host, second) order.
 */
const body = (from: string, to: string, fromSecond: string, toSecond: string, host: string) => `
    SELECT h.host, d.application, d.day, d.clients, d.requests
    FROM (
      SELECT r.host_id, p.application, (r.time / 86400000) * 86400000 AS day,
             COUNT(DISTINCT CASE WHEN r.result = 0 THEN r.cmid_id END) AS clients, COUNT(*) AS requests
      FROM requests r JOIN products p ON p.id = r.product_id
      WHERE r.host_id IN (SELECT rh.host_id FROM request_hosts rh JOIN strings s ON s.id = rh.host_id
                          WHERE ${host} IS NULL OR s.value = ${host})
        AND r.second >= ${fromSecond} AND r.second <= ${toSecond} AND r.time > ${from} AND r.time <= ${to}
      GROUP BY r.host_id, p.application, (r.time / 86400000) * 86400000
    ) d
    ${hostJoin('d.host_id')}
    ORDER BY h.host_key, d.application, d.day`;

export const dailyActivityQuery = defineQuery<DailyActivityRow>({
  name: 'dailyActivity',
  params: ['from', 'to', 'fromSecond', 'toSecond', 'host'],
  sqlite: body('@from', '@to', '@fromSecond', '@toSecond', '@host'),
  postgres: body('$1', '$2', '$3', '$4', '$5::text'),
  mapRow: (r) => ({
    host: str(r.host),
    application: application(r.application),
    day: num(r.day),
    clients: num(r.clients),
    requests: num(r.requests),
  }),
});
