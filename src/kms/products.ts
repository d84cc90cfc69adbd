/**
 * Activation (SKU) ID → product, KMS counted group, application and N-count policy.
 * Data: products-data.ts, generated from py-kms's KmsDataBase.xml (public domain) by
 * scripts/gen-products.mjs. New SKUs appear faster than the table is updated, so an unknown
 * Activation ID is a normal, first-class answer rather than an error.
 */
import { normalizeGuid } from './guid.js';
import { PRODUCT_ROWS } from './products-data.js';
import type { ProductInfo } from './types.js';

export { PRODUCT_SOURCE } from './products-data.js';

let byId: Map<string, ProductInfo> | null = null;

function table(): Map<string, ProductInfo> {
  if (byId) return byId;
  byId = new Map();
  for (const [activationId, name, kmsGroup, kmsGroupId, application, minimumCount] of PRODUCT_ROWS) {
    byId.set(activationId, Object.freeze({ activationId, name, kmsGroup, kmsGroupId, application, minimumCount, known: true }));
  }
  return byId;
}

/**
 * Case-insensitive, braces tolerated. Known products are shared frozen objects (the ingest hot
 * path looks one up per request). Text that is not a GUID is kept, lower-cased, in the unknown answer.
 */
export function lookupProduct(activationId: string): ProductInfo {
  const id = normalizeGuid(activationId) ?? activationId.trim().toLowerCase();
  const known = table().get(id);
  if (known) return known;
  return {
    activationId: id,
    name: `Unknown product ${id}`,
    kmsGroup: '',
    kmsGroupId: '',
    application: 'Unknown',
    minimumCount: null,
    known: false,
  };
}

/** Every known product, in the order of the source table (grouped by application and KMS group). */
export function listProducts(): ProductInfo[] {
  return [...table().values()];
}
