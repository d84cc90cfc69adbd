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

export const CLIENT_SUMMARY_COLUMNS = [
  'cmid_id', 'product_id', 'host_id', 'machine_key_id', 'minimum_count', 'requests', 'first_seen', 'first_id',
  'first_machine_id', 'last_seen', 'last_rec', 'last_id', 'machine_id', 'result', 'license_state', 'minutes_left',
  'is_vm', 'last_ok',
] as const;

export const REQUEST_HOSTS_COLUMNS = ['host_id', 'requests', 'first_seen', 'last_seen'] as const;

export function writeHostDelta(v: unknown[], o: number, h: HostDelta): void {
  v[o] = h.hostId;
  v[o + 1] = h.requests;
  v[o + 2] = h.firstSeen;
  v[o + 3] = h.lastSeen;
}
