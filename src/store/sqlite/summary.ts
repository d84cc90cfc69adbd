import type { NarrowRequest } from '../columns.js';

/**
 * Folds the new requests of a batch into the summary rows they change (migration 0001:
 * client_summary, request_hosts), in batch order, so that the upserts built from them apply the
 * same rules as the stored rows:
 *   - first request: earliest time; on a tie the earlier stored (lower id) stays;
 *   - latest request: later time, then higher record id, then the later stored (higher id) wins;
 *   - last_ok: newest time of a request answered 0x0.
 */
export interface ClientSummaryDelta {
  cmidId: number;
  productId: number;
  hostId: number;
  machineKeyId: number;
  minimumCount: number;
  requests: number;
  firstSeen: number;
  firstId: number;
  firstMachineId: number;
  lastSeen: number;
  lastRec: number;
  lastId: number;
  machineId: number;
  result: number;
  licenseState: number;
  minutesLeft: number;
  isVm: boolean;
  lastOk: number | null;
}

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

export class SummaryFold {
  /** The changed client rows, in order of first appearance. */
  readonly clients: ClientSummaryDelta[] = [];
  readonly hosts = new Map<number, HostDelta>();
  /** cmidId → that client's deltas (usually one): numeric keys, no key string per request. */
  private readonly byCmid = new Map<number, ClientSummaryDelta | ClientSummaryDelta[]>();

  /** Adds one newly stored request with its row id (ids rise in batch order). */
  add(n: NarrowRequest, id: number): void {
    const ok = n.result === 0 ? n.time : null;
    const c = this.find(n);
    if (c === undefined) {
      this.remember({
        cmidId: n.cmidId, productId: n.productId, hostId: n.hostId, machineKeyId: n.machineKeyId, minimumCount: n.minimumCount,
        requests: 1, firstSeen: n.time, firstId: id, firstMachineId: n.machineId,
        lastSeen: n.time, lastRec: n.recordOrder, lastId: id, machineId: n.machineId, result: n.result,
        licenseState: n.licenseState, minutesLeft: n.minutesLeft, isVm: n.isVm, lastOk: ok,
      });
    } else {
      c.requests++;
      if (n.time < c.firstSeen) {
        c.firstSeen = n.time;
        c.firstId = id;
        c.firstMachineId = n.machineId;
      }
      if (n.time > c.lastSeen || (n.time === c.lastSeen && n.recordOrder >= c.lastRec)) {
        c.lastSeen = n.time;
        c.lastRec = n.recordOrder;
        c.lastId = id;
        c.machineId = n.machineId;
        c.result = n.result;
        c.licenseState = n.licenseState;
        c.minutesLeft = n.minutesLeft;
        c.isVm = n.isVm;
      }
      if (ok !== null && (c.lastOk === null || ok > c.lastOk)) c.lastOk = ok;
    }
    const h = this.hosts.get(n.hostId);
    if (h === undefined) this.hosts.set(n.hostId, { hostId: n.hostId, requests: 1, firstSeen: n.time, lastSeen: n.time });
    else {
      h.requests++;
      if (n.time < h.firstSeen) h.firstSeen = n.time;
      if (n.time > h.lastSeen) h.lastSeen = n.time;
    }
  }

  private find(n: NarrowRequest): ClientSummaryDelta | undefined {
    const found = this.byCmid.get(n.cmidId);
    if (found === undefined) return undefined;
    if (!Array.isArray(found)) return sameRow(found, n) ? found : undefined;
    for (const c of found) if (sameRow(c, n)) return c;
    return undefined;
  }

  private remember(c: ClientSummaryDelta): void {
    this.clients.push(c);
    const found = this.byCmid.get(c.cmidId);
    if (found === undefined) this.byCmid.set(c.cmidId, c);
    else if (Array.isArray(found)) found.push(c);
    else this.byCmid.set(c.cmidId, [found, c]);
  }
}

/** The client_summary key (cmid known equal): product, host, machine lower-case, minimum count. */
function sameRow(c: ClientSummaryDelta, n: NarrowRequest): boolean {
  return c.productId === n.productId && c.hostId === n.hostId && c.machineKeyId === n.machineKeyId && c.minimumCount === n.minimumCount;
}

export function writeClientDelta(v: unknown[], o: number, c: ClientSummaryDelta): void {
  v[o] = c.cmidId;
  v[o + 1] = c.productId;
  v[o + 2] = c.hostId;
  v[o + 3] = c.machineKeyId;
  v[o + 4] = c.minimumCount;
  v[o + 5] = c.requests;
  v[o + 6] = c.firstSeen;
  v[o + 7] = c.firstId;
  v[o + 8] = c.firstMachineId;
  v[o + 9] = c.lastSeen;
  v[o + 10] = c.lastRec;
  v[o + 11] = c.lastId;
  v[o + 12] = c.machineId;
  v[o + 13] = c.result;
  v[o + 14] = c.licenseState;
  v[o + 15] = c.minutesLeft;
  v[o + 16] = c.isVm ? 1 : 0;
  v[o + 17] = c.lastOk;
}

export function writeHostDelta(v: unknown[], o: number, h: HostDelta): void {
  v[o] = h.hostId;
  v[o + 1] = h.requests;
  v[o + 2] = h.firstSeen;
  v[o + 3] = h.lastSeen;
}
