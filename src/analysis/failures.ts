import { describeResult, formatHresult } from '../kms/codes.js';
import type { FailureRow } from '../store/types.js';
import { iso } from './time.js';
import type { FailureReport } from './types.js';

/** Non-zero results in the window, with the documented meaning, cause and remedy of each code. */
export function describeFailures(rows: readonly FailureRow[]): FailureReport[] {
  const described = rows.map((r) => {
    const info = describeResult(r.result);
    const report: FailureReport = {
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
    // lower-cased once, not twice per comparison (11 k rows at 10 M requests: 35 → 10 ms)
    return { report, machineKey: r.machine.toLowerCase() };
  });
  described.sort((a, b) => b.report.requests - a.report.requests || cmp(a.machineKey, b.machineKey) || cmp(a.report.result, b.report.result) || cmp(a.report.host, b.report.host));
  return described.map((d) => d.report);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
