import type { KmsApplication } from '../../kms/types.js';
import type { ClientRow } from '../types.js';
import type { LatestClientsParams } from './latest-clients.js';
import { application, bool, num, str } from './query.js';

/**
 * latestClients "as of now" (summary form, see freshness.ts), folded in JS instead of SQL.
 *
 * client_summary already holds the latest request of each (cmid, product, host, machine, minimum);
 * a client (cmid, application) is the newest of its few rows. Ranking them with window functions
 * costs a sort of the whole table plus a temporary index (≈ 45 µs per client on SQLite, measured);
 * reading the rows in primary-key order (cmid first, so a client's rows are adjacent) and picking
 * the newest in one pass costs little more than reading them. Hosts and products are resolved
 * from two small lookup queries, so each row carries only the CMID and machine text.
 *
 * Same rules as the exact form in latest-clients.ts: latest = later time, then higher record id,
 * then the later stored; first seen = earliest; requests = sum; the filter applies to the latest.
 */
export const SUMMARY_ROW_COLUMNS = [
  'cmid_id', 'cmid', 'product_id', 'host_id', 'machine', 'last_seen', 'last_rec', 'last_id',
  'license_state', 'minutes_left', 'is_vm', 'result', 'minimum_count', 'first_seen', 'requests',
] as const;

const rowsSql = `
    SELECT s.cmid_id, c.value AS cmid, s.product_id, s.host_id, m.value AS machine, s.last_seen, s.last_rec, s.last_id,
           s.license_state, s.minutes_left, s.is_vm, s.result, s.minimum_count, s.first_seen, s.requests
    FROM client_summary s
    JOIN strings c ON c.id = s.cmid_id
    JOIN strings m ON m.id = s.machine_id
    ORDER BY s.cmid_id`;

/** Rows as arrays in SUMMARY_ROW_COLUMNS order (no parameters). */
export const clientSummaryRowsSql = { name: 'clientSummaryRows', sqlite: rowsSql, postgres: rowsSql } as const;

// only the hosts with requests (those of client_summary's rows): every client computer whose own log
// is collected is in host_names too (19,550 at 20 k clients: 75 ms a read)
const hostsSql = `
    SELECT rh.host_id, hk.value AS host_key, h.host
    FROM request_hosts rh CROSS JOIN strings hk CROSS JOIN host_names h
    WHERE hk.id = rh.host_id AND h.host_key = hk.value`;
export const summaryHostsSql = { name: 'summaryHosts', sqlite: hostsSql, postgres: hostsSql } as const;

const productsSql = `SELECT id, activation_id, name, application FROM products`;
export const summaryProductsSql = { name: 'summaryProducts', sqlite: productsSql, postgres: productsSql } as const;

interface HostInfo { key: string; host: string }
interface ProductInfo { activationId: string; name: string; application: KmsApplication }

export interface SummaryLookups {
  hosts: Map<number, HostInfo>;
  products: Map<number, ProductInfo>;
}

export function summaryLookups(hostRows: Record<string, unknown>[], productRows: Record<string, unknown>[]): SummaryLookups {
  const hosts = new Map<number, HostInfo>();
  for (const r of hostRows) hosts.set(num(r.host_id), { key: str(r.host_key), host: str(r.host) });
  const products = new Map<number, ProductInfo>();
  for (const r of productRows) {
    products.set(num(r.id), { activationId: str(r.activation_id), name: str(r.name), application: application(r.application) });
  }
  return { hosts, products };
}

interface Pick {
  row: unknown[];
  product: ProductInfo;
  lastSeen: number;
  lastRec: number;
  lastId: number;
  firstSeen: number;
  requests: number;
}

/** The clients of rows ordered by cmid_id, filtered, ordered like the SQL forms. */
export function latestFromSummary(rows: readonly unknown[][], lookups: SummaryLookups, params: LatestClientsParams): ClientRow[] {
  const out: ClientRow[] = [];
  let group: Pick[] = [];
  let groupCmid: unknown = undefined;
  const flush = () => {
    for (const p of group) {
      const client = toClient(p, lookups, params);
      if (client !== null) out.push(client);
    }
    group = [];
  };
  for (const row of rows) {
    if (row[0] !== groupCmid) {
      flush();
      groupCmid = row[0];
    }
    const product = lookups.products.get(num(row[2]));
    if (product === undefined) continue;
    const lastSeen = num(row[5]);
    const lastRec = num(row[6]);
    const lastId = num(row[7]);
    const firstSeen = num(row[13]);
    const requests = num(row[14]);
    const same = group.find((p) => p.product.application === product.application);
    if (same === undefined) {
      group.push({ row, product, lastSeen, lastRec, lastId, firstSeen, requests });
      continue;
    }
    same.requests += requests;
    if (firstSeen < same.firstSeen) same.firstSeen = firstSeen;
    if (lastSeen > same.lastSeen || (lastSeen === same.lastSeen && (lastRec > same.lastRec || (lastRec === same.lastRec && lastId > same.lastId)))) {
      same.row = row;
      same.product = product;
      same.lastSeen = lastSeen;
      same.lastRec = lastRec;
      same.lastId = lastId;
    }
  }
  flush();
  return out.sort(byLatest);
}

function toClient(p: Pick, lookups: SummaryLookups, f: LatestClientsParams): ClientRow | null {
  const r = p.row;
  const host = lookups.hosts.get(num(r[3]));
  if (host === undefined) return null;
  const cmid = str(r[1]);
  const machine = str(r[4]);
  const licenseState = num(r[8]);
  const isVm = bool(r[10]);
  if (f.host !== null && host.key !== f.host) return null;
  if (f.application !== null && p.product.application !== f.application) return null;
  if (f.state !== null && licenseState !== f.state) return null;
  if (f.vm !== null && isVm !== f.vm) return null;
  if (f.search !== null && !machine.toLowerCase().includes(f.search) && !cmid.includes(f.search)) return null;
  if (f.activationId !== null && p.product.activationId !== f.activationId) return null;
  return {
    cmid,
    application: p.product.application,
    machine,
    host: host.host,
    activationId: p.product.activationId,
    productName: p.product.name,
    licenseState,
    minutesLeft: num(r[9]),
    isVm,
    result: num(r[11]),
    minimumCount: num(r[12]),
    lastSeen: p.lastSeen,
    firstSeen: p.firstSeen,
    requests: p.requests,
  };
}

/** ORDER BY last_seen DESC, cmid, application (byte order: both are ASCII in practice, compared by code unit). */
function byLatest(a: ClientRow, b: ClientRow): number {
  return b.lastSeen - a.lastSeen || cmp(a.cmid, b.cmid) || cmp(a.application, b.application);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
