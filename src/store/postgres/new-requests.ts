import type { PgClient } from './driver.js';
import type { RequestColumns } from './request-columns.js';

/**
 * Which requests of a batch are new: their dedup key (host, second, channel, rec) is neither
 * stored already nor that of an earlier request of the batch (the first of two repeats wins).
 *
 * Run under the batch's (host, channel) advisory locks: every writer that could store one of these
 * keys holds the same lock, and whoever held it before has committed (a lock is released after the
 * commit becomes visible), so what this reads stays true until the batch commits. That is what
 * lets the batch COPY its new rows straight into `requests`; the unique dedup index remains the
 * safety net (a row stored by a writer that skipped the lock fails the batch, nothing is doubled).
 *
 * Stored keys are read with one range of the dedup index per (host, channel) of the batch. When
 * that range holds far more rows than the batch (an old export into a long history), the batch's
 * own keys are looked up instead.
 */
export interface BatchKeys {
  groups: KeyGroup[];
  /** The group of each row. */
  groupOf: Int32Array;
}

/** Groups the rows by (host, channel) with their key ranges: needs no lock, so it runs before. */
export function batchKeys(cols: RequestColumns): BatchKeys {
  const groups: KeyGroup[] = [];
  const groupOf = new Int32Array(cols.size);
  for (let i = 0; i < cols.size; i++) {
    let g = -1;
    for (let k = groups.length - 1; k >= 0; k--) {
      if (groups[k].hostId === cols.hostId[i] && groups[k].channelId === cols.channelId[i]) {
        g = k;
        break;
      }
    }
    if (g < 0) {
      g = groups.length;
      groups.push(new KeyGroup(cols.hostId[i], cols.channelId[i]));
    }
    groupOf[i] = g;
    groups[g].see(cols.second[i], cols.rec[i]);
  }
  return { groups, groupOf };
}

/**
 * Whether stored rows the dedup key cannot be compared with (no record id, or another log) sit at
 * row i's second: store/copies.ts compares their content. Read by newRequestRows.
 */
export function looseAt({ groups, groupOf }: BatchKeys, cols: RequestColumns, i: number): boolean {
  const g = groups[groupOf[i]];
  return g.looseEverywhere || g.loose.has(cols.second[i]);
}

/** The rows of `cols` that are new, in batch order (call under the batch's locks). */
export async function newRequestRows(client: PgClient, cols: RequestColumns, { groups, groupOf }: BatchKeys): Promise<Int32Array> {
  await readStoredKeys(client, groups);
  await readLooseSeconds(client, groups);
  const lookups = groups.filter((g) => g.pointLookup);
  if (lookups.length > 0) await lookUpKeys(client, cols, groupOf, groups, lookups);

  const fresh = new Int32Array(cols.size);
  let n = 0;
  for (let i = 0; i < cols.size; i++) {
    const g = groups[groupOf[i]];
    if (g.stored !== null && g.stored.has(cols.second[i], cols.rec[i])) continue;
    if (g.found !== null && g.found.has(i)) continue;
    // keys that only rose (or only fell) through the batch cannot repeat
    if (g.order === 0 && !g.seen.add(cols.second[i], cols.rec[i])) continue;
    fresh[n++] = i;
  }
  return fresh.subarray(0, n);
}

/** The keys of one (host, channel) of the batch. */
export class KeyGroup {
  min = Infinity;
  max = -Infinity;
  count = 0;
  /** 1: keys strictly rising in batch order, -1: strictly falling, 0: neither. */
  order = 1;
  private lastSecond = 0;
  private lastRec = 0;
  stored: KeySet | null = null;
  /** Rows (batch order) found stored by point lookups. */
  found: Set<number> | null = null;
  pointLookup = false;
  readonly seen = new KeySet();
  /** Seconds of the range with stored rows of the host without a record id or of another log (all: looseEverywhere). */
  readonly loose = new Set<number>();
  looseEverywhere = false;

  constructor(
    readonly hostId: number,
    readonly channelId: number,
  ) {}

  see(second: number, rec: number): void {
    if (second < this.min) this.min = second;
    if (second > this.max) this.max = second;
    if (this.count > 0 && this.order !== 0) {
      const cmp = second !== this.lastSecond ? second - this.lastSecond : rec - this.lastRec;
      if (this.count === 1) this.order = cmp > 0 ? 1 : cmp < 0 ? -1 : 0;
      else if (cmp * this.order <= 0) this.order = 0;
    }
    this.lastSecond = second;
    this.lastRec = rec;
    this.count++;
  }

  get limit(): number {
    return this.count * 4 + 64;
  }
}

/** A set of (second, rec) keys without a string per key: second → rec, or a set when a second holds several. */
class KeySet {
  private readonly keys = new Map<number, number | Set<number>>();

  /** Adds the key; false when it was there already. */
  add(second: number, rec: number): boolean {
    const found = this.keys.get(second);
    if (found === undefined) {
      this.keys.set(second, rec);
      return true;
    }
    if (typeof found === 'number') {
      if (found === rec) return false;
      this.keys.set(second, new Set([found, rec]));
      return true;
    }
    if (found.has(rec)) return false;
    found.add(rec);
    return true;
  }

  has(second: number, rec: number): boolean {
    const found = this.keys.get(second);
    if (found === undefined) return false;
    return typeof found === 'number' ? found === rec : found.has(rec);
  }
}

async function readStoredKeys(client: PgClient, groups: KeyGroup[]): Promise<void> {
  const res = await client.query({
    text: `SELECT g.i, r.second, r.rec
             FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::integer[])
                  WITH ORDINALITY AS g(host_id, channel_id, lo, hi, lim, i)
             CROSS JOIN LATERAL (
               SELECT second, rec FROM requests
                WHERE host_id = g.host_id AND second BETWEEN g.lo AND g.hi AND channel_id = g.channel_id
                LIMIT g.lim) r`,
    values: [groups.map((g) => g.hostId), groups.map((g) => g.channelId), groups.map((g) => g.min), groups.map((g) => g.max), groups.map((g) => g.limit)],
    rowMode: 'array',
  });
  const counts = new Int32Array(groups.length);
  for (const [i, second, rec] of res.rows as [number, number, number][]) {
    const g = groups[i - 1];
    counts[i - 1]++;
    (g.stored ??= new KeySet()).add(second, rec);
  }
  groups.forEach((g, k) => {
    if (counts[k] >= g.limit) {
      g.pointLookup = true;
      g.stored = null;
    }
  });
}

async function readLooseSeconds(client: PgClient, groups: KeyGroup[]): Promise<void> {
  const res = await client.query({
    text: `SELECT g.i, r.second
             FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::integer[])
                  WITH ORDINALITY AS g(host_id, channel_id, lo, hi, lim, i)
             CROSS JOIN LATERAL (
               SELECT second FROM requests
                WHERE host_id = g.host_id AND second BETWEEN g.lo AND g.hi AND (channel_id <> g.channel_id OR rec < 0)
                LIMIT g.lim) r`,
    values: [groups.map((g) => g.hostId), groups.map((g) => g.channelId), groups.map((g) => g.min), groups.map((g) => g.max), groups.map((g) => g.limit)],
    rowMode: 'array',
  });
  const counts = new Int32Array(groups.length);
  for (const [i, second] of res.rows as [number, number][]) {
    counts[i - 1]++;
    groups[i - 1].loose.add(Number(second));
  }
  groups.forEach((g, k) => {
    if (counts[k] >= g.limit || g.pointLookup) g.looseEverywhere = true;
  });
}

async function lookUpKeys(client: PgClient, cols: RequestColumns, groupOf: Int32Array, groups: KeyGroup[], lookups: KeyGroup[]): Promise<void> {
  for (const g of lookups) {
    const k = groups.indexOf(g);
    const rows: number[] = [];
    for (let i = 0; i < cols.size; i++) if (groupOf[i] === k) rows.push(i);
    const res = await client.query({
      text: `SELECT k.i FROM unnest($3::bigint[], $4::bigint[]) WITH ORDINALITY AS k(second, rec, i)
              WHERE EXISTS (SELECT 1 FROM requests WHERE host_id = $1 AND second = k.second AND channel_id = $2 AND rec = k.rec)`,
      values: [g.hostId, g.channelId, rows.map((i) => cols.second[i]), rows.map((i) => cols.rec[i])],
      rowMode: 'array',
    });
    g.found = new Set((res.rows as [number][]).map(([i]) => rows[i - 1]));
  }
}
