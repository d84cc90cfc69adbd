import type { CopyVerdict } from './copies.js';
import type { WriteResult } from './types.js';

/**
 * Completes a batch's WriteResult once its rows are counted: duplicates are the records neither
 * stored nor left out as shifted copies (copies.ts); the shifted groups and withheld records are
 * added only when there are some, so a result without them reads as it always did.
 */
export function withCopies(result: WriteResult, records: number, copies: CopyVerdict): WriteResult {
  const stored = result.requests + result.hostEvents + result.clientEvents + result.anomalies;
  result.duplicates = records - stored - copies.shiftedRecords - copies.withheld;
  if (copies.shifted.length > 0) result.shifted = copies.shifted;
  if (copies.withheld > 0) result.withheld = copies.withheld;
  return result;
}
