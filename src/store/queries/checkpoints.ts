import type { Checkpoint } from '../types.js';
import { defineQuery, num, numOrNull, str } from './query.js';

const COLUMNS = `host, host_key, channel, last_record_id, last_time, epoch, updated_at`;

export interface CheckpointWithKey extends Checkpoint {
  hostKey: string;
}

const mapRow = (r: Record<string, unknown>): CheckpointWithKey => ({
  host: str(r.host),
  hostKey: str(r.host_key),
  channel: str(r.channel),
  lastRecordId: numOrNull(r.last_record_id),
  lastTime: numOrNull(r.last_time),
  epoch: num(r.epoch),
  updatedAt: num(r.updated_at),
});

/** Every checkpoint (one per host and channel). */
export const checkpointsQuery = defineQuery<CheckpointWithKey>({
  name: 'checkpoints',
  params: [],
  sqlite: `SELECT ${COLUMNS} FROM checkpoints ORDER BY host_key, channel`,
  postgres: `SELECT ${COLUMNS} FROM checkpoints ORDER BY host_key, channel`,
  mapRow,
});

/** One checkpoint by host (compared lower-case) and channel. */
export const checkpointQuery = defineQuery<CheckpointWithKey>({
  name: 'checkpoint',
  params: ['hostKey', 'channel'],
  sqlite: `SELECT ${COLUMNS} FROM checkpoints WHERE host_key = @hostKey AND channel = @channel`,
  postgres: `SELECT ${COLUMNS} FROM checkpoints WHERE host_key = $1 AND channel = $2`,
  mapRow,
});

/** Writes a checkpoint (insert or replace the row of its host and channel). */
export const upsertCheckpointSql = {
  name: 'upsertCheckpoint',
  sqlite: `
    INSERT INTO checkpoints (host_key, channel, host, last_record_id, last_time, epoch, updated_at)
    VALUES (@hostKey, @channel, @host, @lastRecordId, @lastTime, @epoch, @updatedAt)
    ON CONFLICT (host_key, channel) DO UPDATE SET
      last_record_id = excluded.last_record_id, last_time = excluded.last_time,
      epoch = excluded.epoch, updated_at = excluded.updated_at`,
  postgres: `
    INSERT INTO checkpoints (host_key, channel, host, last_record_id, last_time, epoch, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT (host_key, channel) DO UPDATE SET
      last_record_id = excluded.last_record_id, last_time = excluded.last_time,
      epoch = excluded.epoch, updated_at = excluded.updated_at`,
  params: ['hostKey', 'channel', 'host', 'lastRecordId', 'lastTime', 'epoch', 'updatedAt'],
} as const;

/** Records one detected log clear; a repeat of the same (host, channel, epoch) is ignored. */
export const insertLogClearSql = {
  name: 'insertLogClear',
  sqlite: `
    INSERT OR IGNORE INTO log_clears
      (host, host_key, channel, epoch, detected_at, previous_last_record_id, previous_last_time, first_record_id)
    VALUES (@host, @hostKey, @channel, @epoch, @detectedAt, @previousLastRecordId, @previousLastTime, @firstRecordId)`,
  postgres: `
    INSERT INTO log_clears
      (host, host_key, channel, epoch, detected_at, previous_last_record_id, previous_last_time, first_record_id)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (host_key, channel, epoch) DO NOTHING`,
  params: ['host', 'hostKey', 'channel', 'epoch', 'detectedAt', 'previousLastRecordId', 'previousLastTime', 'firstRecordId'],
} as const;
