import type { Driver } from './driver.js';
import { sql } from './driver.js';

/** The dedup key of a request row: (host_id, second, channel_id, rec), as requests_dedup orders it. */
export interface RequestKey {
  hostId: number;
  second: number;
  channelId: number;
  rec: number;
}

const keysInRange = sql('requestKeysInRange', ['hostId', 'from', 'to', 'channelId', 'limit'], (p) => `
  SELECT second, rec FROM requests
  WHERE host_id = ${p.hostId} AND second >= ${p.from} AND second <= ${p.to} AND channel_id = ${p.channelId} LIMIT ${p.limit}`);
const keyExists = sql('requestKeyExists', ['hostId', 'second', 'channelId', 'rec'], (p) => `
  SELECT 1 AS found FROM requests WHERE host_id = ${p.hostId} AND second = ${p.second} AND channel_id = ${p.channelId} AND rec = ${p.rec}`);
// rows of the host the key cannot be compared with: without a record id, or of another log
const looseInRange = sql('requestLooseInRange', ['hostId', 'from', 'to', 'channelId', 'limit'], (p) => `
  SELECT second FROM requests
  WHERE host_id = ${p.hostId} AND second >= ${p.from} AND second <= ${p.to} AND (channel_id <> ${p.channelId} OR rec < 0) LIMIT ${p.limit}`);

export interface FreshRequests {
  /** Positions of the rows whose key is neither stored nor earlier in the batch, in batch order. */
  fresh: number[];
  /** Whether stored rows the key cannot be compared with share this row's second (copies.ts). */
  looseAt(row: number): boolean;
}

/**
 * Which requests of a batch are new by their dedup key: per (host, channel) of the batch one
 * range read of the stored keys of its seconds (an export appended to the log finds none), or
 * point lookups when the range holds far more rows than the batch (an old export into a long
 * history). Inside the batch's write transaction, so nothing changes meanwhile.
 */
export async function freshRequests(tx: Driver, keys: readonly RequestKey[]): Promise<FreshRequests> {
  const groups = new Map<string, KeyGroup>();
  const groupOfRow: KeyGroup[] = [];
  for (const k of keys) {
    const id = `${k.hostId}:${k.channelId}`;
    let g = groups.get(id);
    if (g === undefined) groups.set(id, (g = new KeyGroup(k.hostId, k.channelId, k.second)));
    g.min = Math.min(g.min, k.second);
    g.max = Math.max(g.max, k.second);
    g.count++;
    groupOfRow.push(g);
  }
  for (const g of groups.values()) {
    const range = { hostId: g.hostId, from: g.min, to: g.max, channelId: g.channelId, limit: g.count * 4 + 64 };
    const stored = await tx.rows(keysInRange, range);
    if (stored.length >= range.limit) g.pointLookup = true;
    else for (const r of stored) g.add(Number(r.second), Number(r.rec));
    const loose = await tx.rows(looseInRange, range);
    if (loose.length >= range.limit || g.pointLookup) g.looseEverywhere = true;
    else for (const r of loose) g.loose.add(Number(r.second));
  }
  const fresh: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const g = groupOfRow[i];
    if (!g.add(k.second, k.rec)) continue;
    if (g.pointLookup && (await tx.rows(keyExists, { ...k })).length > 0) continue;
    fresh.push(i);
  }
  return {
    fresh,
    looseAt: (row) => groupOfRow[row].looseEverywhere || groupOfRow[row].loose.has(keys[row].second),
  };
}

/** The dedup keys (second, rec) seen so far of one (host, channel). */
class KeyGroup {
  min: number;
  max: number;
  count = 0;
  pointLookup = false;
  readonly loose = new Set<number>();
  looseEverywhere = false;
  private readonly keys = new Set<string>();

  constructor(readonly hostId: number, readonly channelId: number, second: number) {
    this.min = second;
    this.max = second;
  }

  /** Adds the key; false when it was there already. */
  add(second: number, rec: number): boolean {
    const key = `${second}:${rec}`;
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    return true;
  }
}
