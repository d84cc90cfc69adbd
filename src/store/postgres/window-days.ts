import type { WindowActiveRow } from '../types.js';
import type { SummaryLookups } from '../queries/latest-clients-summary.js';
import { windowScanRows, type WindowGroupCount, type WindowScan } from '../queries/window-scan.js';
import { secondBounds, secondRange } from '../queries/names.js';
import type { PgClient } from './driver.js';
import type { RequestColumns } from './request-columns.js';

/**
 * The window_days table (migration 0700): per UTC day, host, product and minimum count, the CMIDs
 * of the successful requests of that day, each with its newest success time within the day.
 * Writers append each batch's new requests (appendWindowDays); windowActive and windowCounts
 * count from it (countWindowDays). A window that ends before the newest request takes the day it
 * ends in from the requests themselves (END_DAY_SQL): a day row keeps each CMID's newest success
 * of the day (the backfill) or every success (the writers), and only the latter tells whether a
 * CMID had a success before the window's end when its newest one is after it.
 */
export const DAY_MS = 86_400_000;

const dayOf = (time: number): number => Math.floor(time / DAY_MS);

/** Appends the successful requests among `fresh` to their days' rows (in key order: see write-batch.ts). */
export async function appendWindowDays(client: PgClient, cols: RequestColumns, fresh: Int32Array): Promise<void> {
  const groups = new Map<string, number[]>();
  let lastKey = '';
  let last: number[] | undefined;
  let lastDay = NaN;
  let lastHost = NaN;
  let lastProduct = NaN;
  let lastMinimum = NaN;
  for (let k = 0; k < fresh.length; k++) {
    const i = fresh[k];
    if (cols.result[i] !== 0) continue;
    const day = dayOf(cols.time[i]);
    // requests come in long runs of one host, product and day: the key string is built per run
    if (last === undefined || day !== lastDay || cols.hostId[i] !== lastHost || cols.productId[i] !== lastProduct || cols.minimumCount[i] !== lastMinimum) {
      lastDay = day;
      lastHost = cols.hostId[i];
      lastProduct = cols.productId[i];
      lastMinimum = cols.minimumCount[i];
      lastKey = `${day}:${lastHost}:${lastProduct}:${lastMinimum}`;
      last = groups.get(lastKey);
      if (last === undefined) groups.set(lastKey, (last = []));
    }
    last.push(i);
  }
  if (groups.size === 0) return;

  const rows = [...groups.values()].map((members) => {
    const first = members[0];
    return { day: dayOf(cols.time[first]), host: cols.hostId[first], product: cols.productId[first], minimum: cols.minimumCount[first], members };
  });
  rows.sort((a, b) => a.day - b.day || a.host - b.host || a.product - b.product || a.minimum - b.minimum);
  const cmids: Buffer[] = [];
  const offsets: Buffer[] = [];
  for (const row of rows) {
    const c = Buffer.allocUnsafe(row.members.length * 8);
    const o = Buffer.allocUnsafe(row.members.length * 4);
    const base = row.day * DAY_MS;
    row.members.forEach((i, n) => {
      const cmid = cols.cmidId[i];
      c.writeUInt32BE(Math.floor(cmid / 2 ** 32), n * 8);
      c.writeUInt32BE(cmid >>> 0, n * 8 + 4);
      o.writeUInt32BE(cols.time[i] - base, n * 4);
    });
    cmids.push(c);
    offsets.push(o);
  }
  await client.query({
    name: 'kmswatch_appendWindowDays',
    text: `INSERT INTO window_days (day, host_id, product_id, minimum_count, cmids, offsets)
             SELECT * FROM unnest($1::integer[], $2::bigint[], $3::bigint[], $4::integer[], $5::bytea[], $6::bytea[])
             ORDER BY 1, 2, 3, 4
           ON CONFLICT (day, host_id, product_id, minimum_count) DO UPDATE SET
             cmids = window_days.cmids || excluded.cmids, offsets = window_days.offsets || excluded.offsets`,
    values: [rows.map((r) => r.day), rows.map((r) => r.host), rows.map((r) => r.product), rows.map((r) => r.minimum), cmids, offsets],
  });
}

/**
 * The rows of the days a window (from, to] touches; the times only for its first and last day.
 * bytea comes as hex text; the raw parser keeps the strings for decodeHex.
 */
export const WINDOW_DAYS_SQL = `SELECT day, host_id, product_id, minimum_count, cmids,
         CASE WHEN day = $1 OR day = $2 THEN offsets END AS offsets
    FROM window_days WHERE day >= $1 AND day <= $2`;

export const windowDayBounds = (from: number, to: number): [number, number] => [dayOf(from), dayOf(to)];

/**
 * The successful requests of the day a past window ends in, up to its end: (lo, to], lo = the
 * later of the window's start and the last millisecond before that day. Through the dedup index
 * (per host, by second): one day of requests.
 */
export const END_DAY_SQL = `SELECT r.host_id, r.product_id, r.minimum_count, r.cmid_id
    FROM requests r
   WHERE ${secondRange('r', '$1', '$2')} AND r.time > $3 AND r.time <= $4 AND r.result = 0`;

/** END_DAY_SQL's parameters for the window (from, to], and the day rows it leaves to window_days. */
export function pastWindowParts(from: number, to: number): { days: [number, number] | null; endDay: [number, number, number, number] } {
  const [fromDay, toDay] = windowDayBounds(from, to);
  const lo = Math.max(from, toDay * DAY_MS - 1);
  const { fromSecond, toSecond } = secondBounds(lo, to);
  return { days: fromDay <= toDay - 1 ? [fromDay, toDay - 1] : null, endDay: [fromSecond, toSecond, lo, to] };
}

/** Leaves every column as the text PostgreSQL sent. */
export const RAW_TEXT = { getTypeParser: () => (value: string) => value };

/** A bytea in PostgreSQL's hex output form (`\x…`). */
function decodeHex(text: string): Buffer {
  return Buffer.from(text.startsWith('\\x') ? text.slice(2) : text, 'hex');
}

interface DayRow {
  /** The row's CMID ids (every id of the window fits 32 bits: see countWindowDays). */
  ids: Uint32Array;
  /** For the window's first and last day: which entries fall inside (from, to]. */
  inside: Uint8Array | null;
  minimum: number;
}

/** Thrown by decodeRow for an id of 2^32 or more, which no bitmap of ids can hold. */
class WideId extends Error {}

function decodeRow(cmids: Buffer): Uint32Array {
  const view = new DataView(cmids.buffer, cmids.byteOffset, cmids.byteLength);
  const n = cmids.length >>> 3;
  const ids = new Uint32Array(n);
  for (let e = 0; e < n; e++) {
    if (view.getUint32(e * 8) !== 0) throw new WideId();
    ids[e] = view.getUint32(e * 8 + 4);
  }
  return ids;
}

/**
 * windowActive and windowCounts from the window's day rows: distinct CMIDs per host and
 * application, and per host, application and minimum count, of the successful requests in
 * (from, to]. Rows of hosts or products the lookups do not know are left out, as the SQL forms'
 * joins leave them out. Each (host, application) is counted on a bitmap of CMID ids: one pass for
 * the group, one per minimum count, each clearing what it set. CMID ids are `strings` ids, far
 * below 2^32; a store that ever passed that is counted with sets instead.
 */
export function countWindowDays(rows: unknown[][], lookups: SummaryLookups, from: number, to: number, endDay: unknown[][] = []): WindowScan {
  try {
    return countWith(rows, endDay, lookups, from, to, true);
  } catch (err) {
    if (!(err instanceof WideId)) throw err;
    return countWith(rows, endDay, lookups, from, to, false);
  }
}

/** `endDay`: END_DAY_SQL rows (host, product, minimum count, CMID), every one inside the window. */
function countWith(rows: unknown[][], endDay: unknown[][], lookups: SummaryLookups, from: number, to: number, bitmap: boolean): WindowScan {
  const [fromDay, toDay] = windowDayBounds(from, to);
  const clusters = new Map<string, { hostId: number; application: WindowActiveRow['application']; rows: DayRow[]; wide: number[][] }>();
  let maxId = 0;
  for (const [dayText, hostText, productText, minimumText, cmidsText, offsetsText] of rows) {
    const hostId = Number(hostText);
    const product = lookups.products.get(Number(productText));
    if (product === undefined || !lookups.hosts.has(hostId)) continue;
    const day = Number(dayText);
    const cmids = decodeHex(String(cmidsText));
    const n = cmids.length >>> 3;
    let inside: Uint8Array | null = null;
    if (day === fromDay || day === toDay) {
      const offsets = decodeHex(String(offsetsText));
      inside = new Uint8Array(n);
      const base = day * DAY_MS;
      for (let e = 0; e < n; e++) {
        const time = base + offsets.readUInt32BE(e * 4);
        inside[e] = time > from && time <= to ? 1 : 0;
      }
    }
    const key = `${hostId}:${product.application}`;
    let cluster = clusters.get(key);
    if (cluster === undefined) clusters.set(key, (cluster = { hostId, application: product.application, rows: [], wide: [] }));
    const minimum = Number(minimumText);
    if (bitmap) {
      const ids = decodeRow(cmids);
      for (let e = 0; e < ids.length; e++) if (ids[e] > maxId) maxId = ids[e];
      cluster.rows.push({ ids, inside, minimum });
    } else {
      const ids: number[] = [];
      for (let e = 0; e < n; e++) if (inside === null || inside[e] === 1) ids.push(cmids.readUInt32BE(e * 8) * 2 ** 32 + cmids.readUInt32BE(e * 8 + 4));
      cluster.wide.push([minimum, ...ids]);
    }
  }

  // the end day's requests, one row per host, product and minimum count, all inside the window
  const endGroups = new Map<string, { hostId: number; application: WindowActiveRow['application']; minimum: number; ids: number[] }>();
  for (const [hostText, productText, minimumText, cmidText] of endDay) {
    const hostId = Number(hostText);
    const product = lookups.products.get(Number(productText));
    if (product === undefined || !lookups.hosts.has(hostId)) continue;
    const key = `${hostId}:${String(productText)}:${String(minimumText)}`;
    let g = endGroups.get(key);
    if (g === undefined) endGroups.set(key, (g = { hostId, application: product.application, minimum: Number(minimumText), ids: [] }));
    g.ids.push(Number(cmidText));
  }
  for (const g of endGroups.values()) {
    const key = `${g.hostId}:${g.application}`;
    let cluster = clusters.get(key);
    if (cluster === undefined) clusters.set(key, (cluster = { hostId: g.hostId, application: g.application, rows: [], wide: [] }));
    if (bitmap) {
      const ids = new Uint32Array(g.ids.length);
      for (let e = 0; e < g.ids.length; e++) {
        if (g.ids[e] >= 2 ** 32) throw new WideId();
        ids[e] = g.ids[e];
        if (ids[e] > maxId) maxId = ids[e];
      }
      cluster.rows.push({ ids, inside: null, minimum: g.minimum });
    } else {
      cluster.wide.push([g.minimum, ...g.ids]);
    }
  }

  const bits = new Int32Array(bitmap ? (maxId >>> 5) + 1 : 0);
  /** Sets the bits of the rows' entries inside the window; returns how many were new. */
  const mark = (dayRows: readonly DayRow[]): number => {
    let added = 0;
    for (const { ids, inside } of dayRows) {
      for (let e = 0; e < ids.length; e++) {
        if (inside !== null && inside[e] === 0) continue;
        const id = ids[e];
        const word = id >>> 5;
        const bit = 1 << (id & 31);
        const old = bits[word];
        if ((old & bit) === 0) {
          bits[word] = old | bit;
          added++;
        }
      }
    }
    return added;
  };
  const clear = (dayRows: readonly DayRow[]): void => {
    for (const { ids } of dayRows) for (let e = 0; e < ids.length; e++) bits[ids[e] >>> 5] = 0;
  };
  const distinct = (dayRows: readonly DayRow[], wide: readonly number[][]): number => {
    if (!bitmap) return new Set(wide.flatMap((w) => w.slice(1))).size;
    const n = mark(dayRows);
    clear(dayRows);
    return n;
  };

  const groups: WindowGroupCount[] = [];
  for (const cluster of clusters.values()) {
    const active = distinct(cluster.rows, cluster.wide);
    if (active === 0) continue;
    const byMinimum = new Map<number, { rows: DayRow[]; wide: number[][] }>();
    const of = (minimum: number) => {
      let m = byMinimum.get(minimum);
      if (m === undefined) byMinimum.set(minimum, (m = { rows: [], wide: [] }));
      return m;
    };
    for (const row of cluster.rows) of(row.minimum).rows.push(row);
    for (const w of cluster.wide) of(w[0]).wide.push(w);
    const counts = new Map<number, number>();
    let maxMinimum = 0;
    for (const [minimum, m] of byMinimum) {
      const clients = distinct(m.rows, m.wide);
      if (clients === 0) continue;
      counts.set(minimum, clients);
      if (minimum > maxMinimum) maxMinimum = minimum;
    }
    groups.push({ hostId: cluster.hostId, application: cluster.application, active, maxMinimum, counts });
  }
  return windowScanRows(groups, lookups);
}
