import type { KmsRequest } from '../kms/types.js';
import { dedupRec, hostKey } from './dedup.js';
import type { Dictionary, ProductKey } from './dictionary.js';
import type { Driver } from './driver.js';

/**
 * The narrow row of a request (migration 0001): every repeated string an id into `strings`, the
 * product an id into `products`. A new request column is added here (both lists), in a migration,
 * and where it is shown (types.ts, the query, memory.ts).
 */
export const REQUEST_COLUMNS = [
  'host_id', 'second', 'channel_id', 'rec', 'time', 'epoch', 'host_name_id', 'source_id', 'result',
  'result_hex_id', 'minimum_count', 'machine_id', 'machine_key_id', 'cmid_id', 'product_id',
  'client_time_text', 'client_time', 'is_vm', 'license_state', 'minutes_left',
] as const;

/** A request's values in REQUEST_COLUMNS order (the epoch is set once the batch is planned). */
export type RequestValues = unknown[];
export const COL = Object.fromEntries(REQUEST_COLUMNS.map((c, i) => [c, i])) as Record<(typeof REQUEST_COLUMNS)[number], number>;

/** The product's key in `products`: activation id (lower-case), name, application. */
export function productKeyOf(r: KmsRequest): ProductKey {
  return [r.activationId.toLowerCase(), r.product.name, r.product.application];
}

/**
 * The narrow rows of the requests: strings and products as their ids (dictionary.ts), the ones
 * the dictionary lacks inserted first. Consecutive requests mostly share host, log, source, result
 * text and product: a request that shares all of them with the previous one takes its ids.
 */
export async function requestRows(tx: Driver, ids: Dictionary, requests: readonly KmsRequest[]): Promise<RequestValues[]> {
  const shares = (r: KmsRequest, p: KmsRequest | undefined): boolean => p !== undefined && p.host === r.host && p.channel === r.channel &&
    p.source === r.source && p.resultHex === r.resultHex && p.product === r.product && p.activationId === r.activationId;
  // products are few: each request's key is found by its product object and activation id
  const productKeys = new Map<KmsRequest['product'], Map<string, ProductKey>>();
  const productKey = (r: KmsRequest): ProductKey => {
    let byId = productKeys.get(r.product);
    if (byId === undefined) productKeys.set(r.product, (byId = new Map()));
    let key = byId.get(r.activationId);
    if (key === undefined) byId.set(r.activationId, (key = productKeyOf(r)));
    return key;
  };
  const machineKeys = requests.map((r) => r.machine.toLowerCase());
  const cmids = requests.map((r) => r.cmid.toLowerCase());
  const missing = new Set<string>();
  const missingProducts: ProductKey[] = [];
  const need = (v: string) => {
    if (!ids.has(v)) missing.add(v);
  };
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i];
    need(r.machine);
    need(machineKeys[i]);
    need(cmids[i]);
    if (shares(r, requests[i - 1])) continue;
    for (const v of [hostKey(r.host), r.host, r.channel, r.source, r.resultHex]) need(v);
    if (!ids.hasProduct(productKey(r))) missingProducts.push(productKey(r));
  }
  if (missing.size > 0 || missingProducts.length > 0) await ids.resolve(tx, missing, missingProducts);
  const rows: RequestValues[] = [];
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i];
    const shared = shares(r, requests[i - 1]) ? rows[i - 1] : undefined;
    rows.push([
      shared?.[COL.host_id] ?? ids.id(hostKey(r.host)), Math.floor(r.time / 1000), shared?.[COL.channel_id] ?? ids.id(r.channel), dedupRec(r), r.time, 0,
      shared?.[COL.host_name_id] ?? ids.id(r.host), shared?.[COL.source_id] ?? ids.id(r.source), r.result, shared?.[COL.result_hex_id] ?? ids.id(r.resultHex),
      r.minimumCount, ids.id(r.machine), ids.id(machineKeys[i]), ids.id(cmids[i]), shared?.[COL.product_id] ?? ids.productId(productKey(r)),
      r.clientTimeText, r.clientTime ?? null, r.isVm, r.licenseState, r.minutesLeft,
    ]);
  }
  return rows;
}

