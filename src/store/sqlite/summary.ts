/**
 * The summary tables' columns (migration 0001) as the SQLite writer fills them: client_summary
 * rows come from summary-delta.ts, request_hosts rows from the batch (request-writer.ts), both
 * upserted with the merge rules of queries/summary.ts.
 */
export interface HostDelta {
  hostId: number;
  requests: number;
  firstSeen: number;
  lastSeen: number;
}

export { CLIENT_SUMMARY_COLUMNS } from '../queries/summary.js';

export const REQUEST_HOSTS_COLUMNS = ['host_id', 'requests', 'first_seen', 'last_seen'] as const;

export function writeHostDelta(v: unknown[], o: number, h: HostDelta): void {
  v[o] = h.hostId;
  v[o + 1] = h.requests;
  v[o + 2] = h.firstSeen;
  v[o + 3] = h.lastSeen;
}
