/**
 * Two KMS hosts for the "partial count" tests (docs/definitions.md "coverage", "partial"): the
 * stored Key Management Service log of kms-full reaches back 40 days, that of kms-short 12 days
 * only (an export of the last 12 days). Both have the same 30 Windows clients renewing every 7
 * days; each request its own record id, counting up per host without gaps.
 */
import type { KmsRequest } from '../../src/kms/types.js';
import type { Store } from '../../src/store/types.js';
import { cmidFor, request } from '../store/fixtures/records.js';

export const AT = Date.UTC(2026, 2, 1);
export const DAY = 86_400_000;
export const FULL = 'kms-full.corp.example';
export const SHORT = 'kms-short.corp.example';

export function hostLog(host: string, days: number): KmsRequest[] {
  const out: KmsRequest[] = [];
  for (let c = 0; c < 30; c++) {
    // client c renews at AT − days + c hours, then every 7 days until the day before AT
    for (let t = AT - days * DAY + c * 3_600_000; t < AT - DAY; t += 7 * DAY) out.push(request({ host, time: t, cmid: cmidFor(c + 1), machine: `PC${c + 1}.corp.example`, source: `${host}.evtx (evtx)` }));
  }
  out.sort((a, b) => a.time - b.time);
  out.forEach((r, i) => (r.recordId = i + 1));
  return out;
}

/** A store holding both hosts' logs. */
export async function partialFleet(store: Store): Promise<Store> {
  await store.writeBatch(hostLog(FULL, 40));
  await store.writeBatch(hostLog(SHORT, 12));
  return store;
}
