/** Public surface of the KMS layer. */
export { decodeEvent } from './decode.js';
export { describeResult, formatHresult, parseHresult, licenseStateName, licenseStateDescription } from './codes.js';
export type { ResultInfo } from './codes.js';
export { lookupProduct, listProducts, PRODUCT_SOURCE } from './products.js';
export { normalizeGuid } from './guid.js';
export { parseClientTime } from './client-time.js';
export { classifyProvider } from './providers.js';
export * from './types.js';
