import type { ProductRow } from '../types.js';
import { application, defineQuery, num, str } from './query.js';

/**
 * Requests and distinct clients per Activation ID with time <= at (name and application follow the
 * id). Exact form over the requests; summary form over client_summary (see freshness.ts).
 */
const body = (source: string, requests: string, lastSeen: string, where: string) => `
    SELECT p.activation_id, MAX(p.name) AS product_name, MAX(p.application) AS application,
           COUNT(DISTINCT s.cmid_id) AS clients, ${requests} AS requests, MAX(${lastSeen}) AS last_seen
    FROM ${source} s JOIN products p ON p.id = s.product_id
    ${where}
    GROUP BY p.activation_id
    ORDER BY requests DESC, p.activation_id`;

const mapRow = (r: Record<string, unknown>): ProductRow => ({
  activationId: str(r.activation_id),
  productName: str(r.product_name),
  application: application(r.application),
  clients: num(r.clients),
  requests: num(r.requests),
  lastSeen: num(r.last_seen),
});

export const productsQuery = defineQuery<ProductRow>({
  name: 'products',
  params: ['at'],
  sqlite: body('requests', 'COUNT(*)', 's.time', 'WHERE s.time <= @at'),
  postgres: body('requests', 'COUNT(*)', 's.time', 'WHERE s.time <= $1'),
  mapRow,
});

export const productsSummaryQuery = defineQuery<ProductRow>({
  name: 'productsSummary',
  params: [],
  sqlite: body('client_summary', 'SUM(s.requests)', 's.last_seen', ''),
  postgres: body('client_summary', 'SUM(s.requests)', 's.last_seen', ''),
  mapRow,
});
