import type { LogSpan, LogSpanRow } from '../types.js';
import { defineQuery, num, numOrNull, str, strOrNull, type RawRow } from './query.js';

/** log_spans (migration 1100): the stretches of each host's logs the store has read (store/spans.ts). */
const COLUMNS = 'host_key, channel, epoch, source, span_key, first_time, last_time, first_record_id, last_record_id, events, zone';

export function spanOf(r: RawRow): LogSpan {
  return {
    hostKey: str(r.host_key),
    channel: str(r.channel),
    epoch: num(r.epoch),
    source: str(r.source),
    spanKey: str(r.span_key),
    firstTime: num(r.first_time),
    lastTime: num(r.last_time),
    firstRecordId: numOrNull(r.first_record_id),
    lastRecordId: numOrNull(r.last_record_id),
    events: num(r.events),
    zone: strOrNull(r.zone),
  };
}

/** The stored spans of one host, log, epoch and source. */
export const spanGroupSql = {
  name: 'spanGroup',
  params: ['hostKey', 'channel', 'epoch', 'source'],
  sqlite: `SELECT ${COLUMNS} FROM log_spans WHERE host_key = @hostKey AND channel = @channel AND epoch = @epoch AND source = @source`,
  postgres: `SELECT ${COLUMNS} FROM log_spans WHERE host_key = $1 AND channel = $2 AND epoch = $3 AND source = $4`,
};

export const deleteSpanSql = {
  name: 'deleteSpan',
  params: ['hostKey', 'channel', 'epoch', 'source', 'spanKey'],
  sqlite: 'DELETE FROM log_spans WHERE host_key = @hostKey AND channel = @channel AND epoch = @epoch AND source = @source AND span_key = @spanKey',
  postgres: 'DELETE FROM log_spans WHERE host_key = $1 AND channel = $2 AND epoch = $3 AND source = $4 AND span_key = $5',
};

export const insertSpanSql = {
  name: 'insertSpan',
  params: ['hostKey', 'channel', 'epoch', 'source', 'spanKey', 'firstTime', 'lastTime', 'firstRecordId', 'lastRecordId', 'events', 'zone'],
  sqlite: `INSERT INTO log_spans (${COLUMNS}) VALUES (@hostKey, @channel, @epoch, @source, @spanKey, @firstTime, @lastTime, @firstRecordId, @lastRecordId, @events, @zone)`,
  postgres: `INSERT INTO log_spans (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
};

/** Positional values of insertSpanSql.postgres. */
export function spanValues(s: LogSpan): unknown[] {
  return [s.hostKey, s.channel, s.epoch, s.source, s.spanKey, s.firstTime, s.lastTime, s.firstRecordId, s.lastRecordId, s.events, s.zone];
}

/** Sources of one host whose times were read in a zone (store/copies.ts: only such times can be off by hours). */
export const localSourcesSql = {
  name: 'localSources',
  params: ['hostKey'],
  sqlite: 'SELECT DISTINCT source, zone FROM log_spans WHERE host_key = @hostKey AND zone IS NOT NULL',
  postgres: 'SELECT DISTINCT source, zone FROM log_spans WHERE host_key = $1 AND zone IS NOT NULL',
};

/** Every span with its host's display name. */
export const coverageQuery = defineQuery<LogSpanRow>({
  name: 'coverage',
  params: [],
  sqlite: `SELECT COALESCE(h.host, l.host_key) AS host, l.* FROM log_spans l LEFT JOIN host_names h ON h.host_key = l.host_key
           ORDER BY l.host_key, l.channel, l.epoch, l.first_time, l.source, l.span_key`,
  postgres: `SELECT COALESCE(h.host, l.host_key) AS host, l.* FROM log_spans l LEFT JOIN host_names h ON h.host_key = l.host_key
           ORDER BY l.host_key, l.channel, l.epoch, l.first_time, l.source, l.span_key`,
  mapRow: (r) => ({ host: str(r.host), ...spanOf(r) }),
});

/** coverageQuery for some hosts (`keys`: their host keys), each name looked up alone. */
const hostsBody = (keys: string) => `
    SELECT COALESCE((SELECT h.host FROM host_names h WHERE h.host_key = l.host_key), l.host_key) AS host, l.*
    FROM log_spans l WHERE l.host_key IN ${keys}
    ORDER BY l.host_key, l.channel, l.epoch, l.first_time, l.source, l.span_key`;

export const hostsCoverageQuery = defineQuery<LogSpanRow>({
  name: 'hostsCoverage',
  params: ['keys'],
  /** @keys JSON array of host keys */
  sqlite: hostsBody('(SELECT value FROM json_each(@keys))'),
  postgres: hostsBody('(SELECT unnest($1::text[]))'),
  mapRow: coverageQuery.mapRow,
});
