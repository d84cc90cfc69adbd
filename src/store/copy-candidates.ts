import type { KmsRecord } from '../kms/types.js';
import { checkpointId } from './batch-plan.js';
import { MAX_SHIFT_SECONDS, eventContent, judgeCopies, type CopyCandidate, type CopyKey, type CopyVerdict } from './copies.js';
import { hostKey } from './dedup.js';
import type { Checkpoint } from './types.js';

/**
 * Which records of a batch copies.ts must look at, and what to read for them, for every backend.
 * Most batches need nothing: an export appended to the log brings new record ids above the
 * checkpoint, at seconds where nothing else is stored. Looked at are:
 *   - requests whose exact key is new (the backend's own dedup) when the backend saw other rows at
 *     their second it cannot compare by key (no record id, another log), when the batch holds
 *     requests without record id of their host, or when they may be shifted copies: read in a zone
 *     (or their host has sources that were) and without record id, or with one not above the
 *     checkpoint's (or no checkpoint with a record id yet);
 *   - every host event (few); client events and anomalies that may be shifted copies.
 */
export interface BatchRequests {
  /** Request rows of the batch, in batch order. */
  rows: number;
  positionOf(row: number): number;
  /** Rows whose exact dedup key is not stored (nor earlier in the batch). */
  fresh: ArrayLike<number>;
  content(row: number): string;
  cmidId(row: number): number;
  /** The store's id of the row's host key (the narrow table's host_id). */
  hostId(row: number): number;
  /** The backend saw stored rows at this row's second it cannot compare by key (or could not tell). */
  looseAt(row: number): boolean;
}

/** What to read of one host. */
export interface CopyQuestion {
  hostKey: string;
  /** Request rows whose stored copies are wanted (their CMID ids), and the seconds to look in. */
  cmidIds: Set<number>;
  /** host_id of the narrow requests table; set with cmidIds. */
  hostId: number;
  fromSecond: number;
  toSecond: number;
  /** Whether to read the other kinds, and the times (ms) to look in. */
  events: boolean;
  from: number;
  to: number;
}

export interface CopyWork {
  candidates: CopyCandidate[];
  questions: CopyQuestion[];
}


export function copyWork(
  records: readonly KmsRecord[],
  checkpoints: ReadonlyMap<string, Checkpoint>,
  requests: BatchRequests | null,
  /** Whether some stored source of the host was read in a zone (asked only when it matters). */
  hasLocalSources: (hostKey: string) => boolean,
): CopyWork {
  const candidates: CopyCandidate[] = [];
  const questions = new Map<string, CopyQuestion>();
  const question = (key: string): CopyQuestion => {
    let q = questions.get(key);
    if (q === undefined) {
      q = { hostKey: key, cmidIds: new Set(), hostId: -1, fromSecond: Infinity, toSecond: -Infinity, events: false, from: Infinity, to: -Infinity };
      questions.set(key, q);
    }
    return q;
  };
  const local = new Map<string, boolean>();
  const localTimes = (r: KmsRecord, key: string): boolean => {
    if (r.timeZone !== undefined) return true;
    let known = local.get(key);
    if (known === undefined) local.set(key, (known = hasLocalSources(key)));
    return known;
  };
  // a copy whose time is off: its record id is not above the checkpoint's (or it has none), and
  // one side was read in a zone. Consecutive records mostly share host and log: their checkpoint is
  // the previous one's.
  let lastHost: string | undefined;
  let lastChannel: string | undefined;
  let lastKey = '';
  let lastCp: Checkpoint | undefined;
  const keyOf = (r: KmsRecord): string => {
    if (r.host !== lastHost || r.channel !== lastChannel) {
      lastHost = r.host;
      lastChannel = r.channel;
      lastKey = hostKey(r.host);
      lastCp = checkpoints.get(checkpointId(lastKey, r.channel));
    }
    return lastKey;
  };
  const mayBeShifted = (r: KmsRecord, key: string): boolean => {
    if (r.recordId !== null) {
      // nothing with a record id stored of this log yet: any copy of it is one without
      const cp = lastCp;
      if (cp !== undefined && cp.lastRecordId !== null && r.recordId > cp.lastRecordId) return false;
    } else if (r.kind !== 'request') return false;
    return localTimes(r, key);
  };

  if (requests !== null && requests.fresh.length > 0) {
    // a batch with requests without record id is matched against its own others too
    const hostsWithoutIds = new Set<string>();
    for (let k = 0; k < requests.fresh.length; k++) {
      const r = records[requests.positionOf(requests.fresh[k])];
      if (r.recordId === null) hostsWithoutIds.add(keyOf(r));
    }
    for (let k = 0; k < requests.fresh.length; k++) {
      const row = requests.fresh[k];
      const index = requests.positionOf(row);
      const r = records[index];
      const key = keyOf(r);
      const shiftable = mayBeShifted(r, key);
      if (!shiftable && !hostsWithoutIds.has(key) && !requests.looseAt(row)) continue;
      const second = Math.floor(r.time / 1000);
      candidates.push(candidate(r, index, key, second, requests.content(row), shiftable));
      const q = question(key);
      q.cmidIds.add(requests.cmidId(row));
      q.hostId = requests.hostId(row);
      const reach = shiftable ? MAX_SHIFT_SECONDS : 0;
      q.fromSecond = Math.min(q.fromSecond, second - reach);
      q.toSecond = Math.max(q.toSecond, second + reach);
    }
  }
  for (let index = 0; index < records.length; index++) {
    const r = records[index];
    if (r.kind === 'request') continue;
    const key = keyOf(r);
    const shiftable = mayBeShifted(r, key);
    if (r.kind !== 'host' && !shiftable) continue;
    candidates.push(candidate(r, index, key, Math.floor(r.time / 1000), eventContent(r as Parameters<typeof eventContent>[0]), shiftable));
    const q = question(key);
    q.events = true;
    const reach = shiftable ? MAX_SHIFT_SECONDS * 1000 : 0;
    q.from = Math.min(q.from, r.time - reach - 1000);
    q.to = Math.max(q.to, r.time + reach + 1000);
  }
  candidates.sort((a, b) => a.index - b.index);
  return { candidates, questions: [...questions.values()] };
}

function candidate(r: KmsRecord, index: number, key: string, second: number, content: string, shiftable: boolean): CopyCandidate {
  const c: CopyCandidate = {
    kind: r.kind, hostKey: key, channel: r.channel, second, time: r.time, recordId: r.recordId ?? null, eventId: r.eventId,
    content, source: r.source, index, shiftable,
  };
  if (r.timeZone !== undefined) c.timeZone = r.timeZone;
  return c;
}

/** judgeCopies() over the batch's records (their sources and zones decide what is withheld). */
export function judgeBatch(records: readonly KmsRecord[], work: CopyWork, stored: readonly CopyKey[], localSources: ReadonlyMap<string, string>): CopyVerdict {
  return judgeCopies(work.candidates, stored, {
    count: records.length,
    sourceAt: (i) => records[i].source,
    zoneAt: (i) => records[i].timeZone,
  }, localSources);
}
