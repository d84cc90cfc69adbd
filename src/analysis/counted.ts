import type { CountedNewestRow, Store } from '../store/types.js';
import { foldUnknownCounted } from './unknown-products.js';

/**
 * A CMID a host counts for one application, at its last counted (0x0) request in the window, and
 * the highest minimum count it asked that host for (decides where an unknown product counts).
 */
export type CountedClient = CountedNewestRow;

/**
 * The last counted request of the CMIDs each host counts in (from, at], the `limit` newest per
 * host, application and minimum count (enough for any threshold up to `limit`), with unknown
 * products folded in where their application is certain (unknown-products.ts). A CMID counted by
 * two hosts is in both lists, as each host counts it (docs/definitions.md "margin").
 */
export async function countedClients(store: Store, from: number, at: number, limit: number): Promise<CountedClient[]> {
  if (limit <= 0) return [];
  return foldUnknownCounted(await store.countedNewest(from, at, limit));
}
