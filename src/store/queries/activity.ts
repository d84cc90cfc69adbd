import type { Sql } from '../driver.js';
import { ACTIVE_MS } from '../rules/activity.js';
import { hostJoin } from './names.js';
import { application, defineQuery, num, str } from './query.js';

/**
 * activity_spans (migration 1300): per host, application and CMID, the intervals over which the
 * client counts as active (rules/activity.ts), so the count at any instant, or at 90 instants for a
 * timeline, is one pass over about one row per client instead of a 30-day scan of requests each.
 */
export const ACTIVITY_COLUMNS = ['host_id', 'application', 'cmid_id', 'start', 'stop', 'minimum', 'minimum_low'] as const;

/** A merged span whose start a stored span already has replaces that span's stop. */
export const ACTIVITY_CONFLICT = 'ON CONFLICT (host_id, application, cmid_id, start) DO UPDATE SET stop = excluded.stop, minimum = excluded.minimum, minimum_low = excluded.minimum_low';

/**
 * The spans of every successful request, built in SQL: a run breaks where a success comes more
 * than ACTIVE_MS after the previous one (the same rule as rules/activity.ts mergeSpans). Migration
 * 1300 keeps a frozen copy; prune rebuilds with this after deleting old requests.
 */
const rebuildText = `INSERT INTO activity_spans (host_id, application, cmid_id, start, stop, minimum, minimum_low)
      SELECT host_id, application, cmid_id, MIN(time), MAX(time) + ${ACTIVE_MS}, MAX(minimum_count), MIN(minimum_count)
      FROM (
        SELECT host_id, application, cmid_id, time, minimum_count,
               SUM(brk) OVER (PARTITION BY host_id, application, cmid_id ORDER BY time ROWS UNBOUNDED PRECEDING) AS run
        FROM (
          SELECT r.host_id, p.application, r.cmid_id, r.time, r.minimum_count,
                 CASE WHEN r.time - LAG(r.time) OVER (PARTITION BY r.host_id, p.application, r.cmid_id ORDER BY r.time) > ${ACTIVE_MS}
                      THEN 1 ELSE 0 END AS brk
          FROM requests r JOIN products p ON p.id = r.product_id
          WHERE r.result = 0
        ) g
      ) i
      GROUP BY host_id, application, cmid_id, run`;

export const rebuildActivitySql: readonly Sql[] = [
  { name: 'clearActivity', params: [], sqlite: 'DELETE FROM activity_spans', postgres: 'DELETE FROM activity_spans' },
  { name: 'rebuildActivity', params: [], sqlite: rebuildText, postgres: rebuildText },
];

/** A JSON array of keys as rows: [host_id, application, cmid_id(, start)] each. */
const keyRows = {
  sqlite: (param: string) => `(SELECT value ->> 0 AS host_id, value ->> 1 AS application, value ->> 2 AS cmid_id, value ->> 3 AS start FROM json_each(${param}))`,
  postgres: (param: string) => `(SELECT (value ->> 0)::bigint AS host_id, value ->> 1 AS application, (value ->> 2)::bigint AS cmid_id,
      (value ->> 3)::bigint AS start FROM jsonb_array_elements(${param}::jsonb))`,
};

/** The stored spans of the batch's keys (`keys`: JSON [host_id, application, cmid_id] each). */
export const activityOfKeysSql: Sql = {
  name: 'activityOfKeys',
  params: ['keys'],
  sqlite: `SELECT s.host_id, s.application, s.cmid_id, s.start, s.stop, s.minimum, s.minimum_low
           FROM ${keyRows.sqlite('@keys')} k
           JOIN activity_spans s ON s.host_id = k.host_id AND s.application = k.application AND s.cmid_id = k.cmid_id`,
  postgres: `SELECT s.host_id, s.application, s.cmid_id, s.start, s.stop, s.minimum, s.minimum_low
             FROM ${keyRows.postgres('$1')} k
             JOIN activity_spans s ON s.host_id = k.host_id AND s.application = k.application AND s.cmid_id = k.cmid_id`,
};

/** Deletes the stored spans a merge absorbed into one with another start (`keys`: JSON [host_id, application, cmid_id, start] each). */
export const deleteActivitySql: Sql = {
  name: 'deleteActivity',
  params: ['keys'],
  sqlite: `DELETE FROM activity_spans WHERE (host_id, application, cmid_id, start) IN (SELECT host_id, application, cmid_id, start FROM ${keyRows.sqlite('@keys')})`,
  postgres: `DELETE FROM activity_spans s USING ${keyRows.postgres('$1')} k
             WHERE s.host_id = k.host_id AND s.application = k.application AND s.cmid_id = k.cmid_id AND s.start = k.start`,
};

export interface ActivityDeltaRow {
  host: string;
  application: ReturnType<typeof application>;
  /** The spans' minimum count (rules/activity.ts). */
  minimum: number;
  /** Index of the instant (first + k × step) at which the count changes by `delta`. */
  k: number;
  delta: number;
}

/**
 * Store.activeSeries: +1 at the first instant each span covers, -1 at the first it no longer
 * covers (rules/activity.ts deltaIndex), summed per host, application and instant; the caller
 * adds them up. Reads the spans that cover any instant in [first, last].
 */
const seriesBody = (first: string, step: string, last: string) => `
    SELECT h.host, d.application, d.minimum, d.k, d.delta
    FROM (
      SELECT host_id, application, minimum, k, SUM(d) AS delta
      FROM (
        SELECT host_id, application, minimum, CASE WHEN start <= ${first} THEN 0 ELSE (start - ${first} + ${step} - 1) / ${step} END AS k, 1 AS d
        FROM activity_spans WHERE stop > ${first} AND start <= ${last}
        UNION ALL
        SELECT host_id, application, minimum, (stop - ${first} + ${step} - 1) / ${step} AS k, -1 AS d
        FROM activity_spans WHERE stop > ${first} AND stop <= ${last}
      ) x
      GROUP BY host_id, application, minimum, k
    ) d
    ${hostJoin('d.host_id')}
    ORDER BY h.host_key, d.application, d.minimum, d.k`;

export const activitySeriesQuery = defineQuery<ActivityDeltaRow>({
  name: 'activitySeries',
  params: ['first', 'step', 'last'],
  // SQLite binds a JS number as REAL: integer division needs integers
  sqlite: seriesBody('CAST(@first AS INTEGER)', 'CAST(@step AS INTEGER)', 'CAST(@last AS INTEGER)'),
  postgres: seriesBody('$1::bigint', '$2::bigint', '$3::bigint'),
  mapRow: (r) => ({ host: str(r.host), application: application(r.application), minimum: num(r.minimum), k: num(r.k), delta: num(r.delta) }),
});

export interface ActivityCountRow {
  host: string;
  application: ReturnType<typeof application>;
  minimum: number;
  clients: number;
  /** Clients whose run asked for more than one minimum count: then the counts per minimum are read from the requests. */
  mixed: number;
}

/**
 * The clients active at `at` (a success in (at - 30 days, at]) per host, application and minimum
 * count: the spans covering `at`, about one row per client. windowActive and windowCounts use it
 * for a 30-day window when no counted run mixes minimum counts.
 */
const countsBody = (at: string) => `
    SELECT h.host, c.application, c.minimum, c.clients, c.mixed
    FROM (
      SELECT host_id, application, minimum, COUNT(*) AS clients, SUM(CASE WHEN minimum_low < minimum THEN 1 ELSE 0 END) AS mixed
      FROM activity_spans WHERE start <= ${at} AND stop > ${at}
      GROUP BY host_id, application, minimum
    ) c
    ${hostJoin('c.host_id')}
    ORDER BY h.host_key, c.application, c.minimum DESC`;

export const activityCountsQuery = defineQuery<ActivityCountRow>({
  name: 'activityCounts',
  params: ['at'],
  sqlite: countsBody('@at'),
  postgres: countsBody('$1::bigint'),
  mapRow: (r) => ({ host: str(r.host), application: application(r.application), minimum: num(r.minimum), clients: num(r.clients), mixed: num(r.mixed) }),
});
