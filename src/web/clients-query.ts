/**
 * The clients table: filter, sort and page the latest request per (CMID, application). Pure and
 * browser-safe: GET /api/clients runs it over the store, the offline page over the memory store.
 */
import { classifyClient } from '../analysis/clients.js';
import type { ClientReport } from '../analysis/types.js';
import { licenseStateName } from '../kms/codes.js';
import type { KmsApplication } from '../kms/types.js';
import type { ClientFilter, Store } from '../store/types.js';

export const CLIENT_SORT_KEYS = ['machine', 'host', 'application', 'product', 'state', 'lastSeen', 'firstSeen', 'expiresAt', 'requests', 'result'] as const;
export type ClientSortKey = (typeof CLIENT_SORT_KEYS)[number];

export const APPLICATIONS: readonly KmsApplication[] = ['Windows', 'Office 2010', 'Office', 'Unknown'];

export interface ClientQuery {
  at: number;
  host?: string;
  application?: KmsApplication;
  /** License state number (0-6). */
  state?: number;
  vm?: boolean;
  search?: string;
  /** Activation ID of the product. */
  product?: string;
  /** Include lapsed clients (silent > 30 days); default true, as the report's `clients.total`. */
  lapsed?: boolean;
  sort: ClientSortKey;
  desc: boolean;
  /** 1-based. */
  page: number;
  /** 0 = everything on one page (CSV export). */
  pageSize: number;
}

export interface ClientPage {
  at: string;
  total: number;
  page: number;
  pageSize: number;
  pages: number;
  rows: ClientReport[];
}

/** License state from a number or a name (`Licensed`, `oobgrace`). */
export function parseStateName(text: string): number | null {
  if (/^\d$/.test(text)) return Number(text);
  for (let s = 0; s <= 6; s++) if (licenseStateName(s).toLowerCase() === text.toLowerCase()) return s;
  return null;
}

function sortValue(c: ClientReport, key: ClientSortKey): string | number {
  switch (key) {
    case 'machine':
      return c.machine.toLowerCase();
    case 'host':
      return c.host.toLowerCase();
    case 'product':
      return c.product.toLowerCase();
    case 'state':
      return c.licenseState;
    case 'requests':
      return c.requests;
    case 'expiresAt':
      return c.expiresAt ?? '~';
    default:
      return c[key];
  }
}

export async function queryClients(store: Store, q: ClientQuery, expiringDays?: number): Promise<ClientPage> {
  const filter: ClientFilter = {};
  if (q.host !== undefined) filter.host = q.host;
  if (q.application !== undefined) filter.application = q.application;
  if (q.state !== undefined) filter.state = q.state;
  if (q.vm !== undefined) filter.vm = q.vm;
  if (q.search !== undefined) filter.search = q.search;
  if (q.product !== undefined) filter.activationId = q.product;
  const rows = await store.latestClients(q.at, filter);
  let clients = rows.map((r) => classifyClient(r, q.at, expiringDays));
  if (q.lapsed === false) clients = clients.filter((c) => !c.lapsed);
  const dir = q.desc ? -1 : 1;
  clients.sort((a, b) => {
    const va = sortValue(a, q.sort);
    const vb = sortValue(b, q.sort);
    if (va !== vb) return (va < vb ? -1 : 1) * dir;
    return a.cmid < b.cmid ? -1 : a.cmid > b.cmid ? 1 : a.application < b.application ? -1 : a.application > b.application ? 1 : 0;
  });
  const total = clients.length;
  const pageSize = q.pageSize === 0 ? Math.max(total, 1) : q.pageSize;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, q.page), pages);
  return {
    at: new Date(q.at).toISOString(),
    total,
    page,
    pageSize: q.pageSize,
    pages,
    rows: clients.slice((page - 1) * pageSize, page * pageSize),
  };
}
