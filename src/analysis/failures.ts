import { describeResult, formatHresult } from '../kms/codes.js';
import type { FailureRow } from '../store/types.js';
import { iso } from './time.js';
import type { FailureReport } from './types.js';

/** Non-zero results in the window, with the documented meaning, cause and remedy of each code. */
export function describeFailures(rows: readonly FailureRow[]): FailureReport[] {
  return rows
    .map((r) => {
      const info = describeResult(r.result);
      return {
        machine: r.machine,
        cmid: r.cmid,
        host: r.host,
        product: r.productName,
        result: info.hex || formatHresult(r.result),
        meaning: info.meaning,
        cause: info.cause,
        remedy: info.remedy,
        known: info.known,
        requests: r.requests,
        lastAt: iso(r.lastAt),
        damagedOnly: false,
      };
    })
    .sort((a, b) => b.requests - a.requests || cmp(a.machine.toLowerCase(), b.machine.toLowerCase()) || cmp(a.result, b.result) || cmp(a.host, b.host));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
