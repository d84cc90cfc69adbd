import { REQUEST_COLUMNS } from './request-row.js';
import { CLIENT_SUMMARY_COLUMNS } from './queries/summary.js';
import { isLater, recordRank } from './rules/latest-order.js';

const COL = Object.fromEntries(REQUEST_COLUMNS.map((c, i) => [c, i + 1])) as Record<(typeof REQUEST_COLUMNS)[number], number>;
const S = Object.fromEntries(CLIENT_SUMMARY_COLUMNS.map((c, i) => [c, i])) as Record<(typeof CLIENT_SUMMARY_COLUMNS)[number], number>;

/**
 * A batch's new requests folded into client_summary rows (CLIENT_SUMMARY_COLUMNS order), one per
 * key, sorted by key, for the upsert with CLIENT_SUMMARY_CONFLICT. The same rules as the SQL fold
 * of queries/summary.ts (summaryCatchUp, which rebuilds the table in migrations and prune; a test
 * holds the two equal): first request = earliest time, lower id on a tie; latest = rules/latest-order.ts;
 * last_ok = newest successful time. In SQL the fold cost 5 µs a request at 10 M requests (three
 * window sorts, SQLite); here it is a pass over rows the writer holds anyway (BENCHMARKS.md).
 *
 * `rows` are the inserted request rows: id, then REQUEST_COLUMNS.
 */
export function summaryRows(rows: readonly unknown[][]): unknown[][] {
  const byKey = new Map<string, unknown[]>();
  for (const r of rows) {
    const key = `${r[COL.cmid_id]}:${r[COL.product_id]}:${r[COL.host_id]}:${r[COL.machine_key_id]}:${r[COL.minimum_count]}`;
    const id = r[0] as number;
    const time = r[COL.time] as number;
    const ok = r[COL.result] === 0 ? time : null;
    const s = byKey.get(key);
    if (s === undefined) {
      byKey.set(key, [
        r[COL.cmid_id], r[COL.product_id], r[COL.host_id], r[COL.machine_key_id], r[COL.minimum_count], 1, time, id, r[COL.machine_id],
        time, recordRank(r[COL.rec] as number), id, r[COL.machine_id], r[COL.result], r[COL.license_state], r[COL.minutes_left], r[COL.is_vm], ok,
      ]);
      continue;
    }
    (s[S.requests] as number)++;
    if (time < (s[S.first_seen] as number) || (time === s[S.first_seen] && id < (s[S.first_id] as number))) {
      s[S.first_seen] = time;
      s[S.first_id] = id;
      s[S.first_machine_id] = r[COL.machine_id];
    }
    const rec = r[COL.rec] as number;
    if (isLater({ time, recordId: rec, stored: id }, { time: s[S.last_seen] as number, recordId: s[S.last_rec] as number, stored: s[S.last_id] as number })) {
      s[S.last_seen] = time;
      s[S.last_rec] = recordRank(rec);
      s[S.last_id] = id;
      for (const c of ['machine_id', 'result', 'license_state', 'minutes_left', 'is_vm'] as const) s[S[c]] = r[COL[c]];
    }
    if (ok !== null && (s[S.last_ok] === null || ok > (s[S.last_ok] as number))) s[S.last_ok] = ok;
  }
  // key order: one lock order for concurrent writers, and pages written in order
  return [...byKey.values()].sort((a, b) => {
    for (let i = 0; i < 5; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
    return 0;
  });
}
