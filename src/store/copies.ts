import type { KmsRecord } from '../kms/types.js';
import { zoneOffsetAt } from '../sources/time.js';
import type { ShiftedCopies } from './types.js';

/**
 * One event read from two exports is one event (docs/definitions.md "same event"), also where the
 * exact dedup key cannot tell: one export has no record id (Event Viewer saves, wevtutil text) or
 * no log name (stored before channels were filled in), or read local times in the wrong zone.
 * Backend-neutral: each backend lists the batch's candidates (rows its exact key found new) and
 * the stored events near them; judgeCopies() says which of them are copies.
 *
 * - twin: a stored (or earlier in the batch) event of the same host, kind and event second with
 *   equal content whose record id is absent on one side or equal, and whose log is the same or
 *   absent on one side (or one side has no record id). Requests and host events only: their
 *   content is what both exports carry. A stored event is the twin of one candidate at most.
 * - shifted: a stored event of the same host, log, kind, event id, record id and content whose time
 *   differs by a whole number of quarter hours, up to 26 h (two zones' offsets apart); for requests
 *   without record id the content alone (it holds the CMID and the client's own time). One of the
 *   two must have been read as wall-clock time in a zone (only such times can be off by hours).
 *   Never stored, never taken as a log clear. A copy whose wall-clock time in that zone is the
 *   same as the stored one's is no shift but a time of the hour that repeats when daylight saving
 *   ends, read as its other instant (local-times.ts takes the earlier when the order cannot tell):
 *   the same event (a twin), left out of the log-clear plan as well.
 * - withheld: once a source's local-time records are found shifted, every record of that source
 *   read in local time is left out too: its zone is wrong, the times of the rest are as wrong.
 */
export const SHIFT_STEP_SECONDS = 15 * 60;
export const MAX_SHIFT_SECONDS = 26 * 3600;
/** Pairs of times kept per group of shifted records, for naming the zone that fits. */
const SAMPLES_PER_GROUP = 24;

export interface CopyKey {
  kind: KmsRecord['kind'];
  hostKey: string;
  channel: string;
  second: number;
  time: number;
  recordId: number | null;
  eventId: number;
  /** What two exports of the event share, in one string (a backend builds it its own way, the same way for both sides). */
  content: string;
  source: string;
}

export interface CopyCandidate extends CopyKey {
  /** Position of the record in the batch. */
  index: number;
  /** Look for shifted copies too (the caller knows when they are possible). */
  shiftable: boolean;
  /** Zone the time was read in when the export wrote it without an offset. */
  timeZone?: string;
}

export interface CopyVerdict {
  /** Batch positions not to store: twins, shifted and withheld. */
  notStored: Set<number>;
  /** Batch positions the log-clear plan must not see: shifted and withheld. */
  unplanned: Set<number>;
  twins: number;
  shiftedRecords: number;
  withheld: number;
  shifted: ShiftedCopies[];
}

const TWIN_KINDS: ReadonlySet<KmsRecord['kind']> = new Set(['request', 'host']);

export function emptyVerdict(): CopyVerdict {
  return { notStored: new Set(), unplanned: new Set(), twins: 0, shiftedRecords: 0, withheld: 0, shifted: [] };
}

export function isShiftOffset(seconds: number): boolean {
  return seconds !== 0 && Math.abs(seconds) <= MAX_SHIFT_SECONDS && seconds % SHIFT_STEP_SECONDS === 0;
}

/**
 * @param candidates in batch order
 * @param stored     the stored events of the candidates' hosts near their times
 * @param batch      every record of the batch by position: its source and local zone (sibling rule)
 */
export function judgeCopies(
  candidates: readonly CopyCandidate[],
  stored: readonly CopyKey[],
  batch: { count: number; sourceAt(i: number): string; zoneAt(i: number): string | undefined },
  /** Stored sources whose times were read in a zone, and that zone (log_spans.zone). */
  localSources: ReadonlyMap<string, string> = new Map(),
): CopyVerdict {
  const verdict = emptyVerdict();
  if (candidates.length === 0) return verdict;
  const bySecond = new Map<string, CopyKey[]>();
  const byRecord = new Map<string, CopyKey[]>();
  const byContent = new Map<string, CopyKey[]>();
  const claimed = new Set<CopyKey>();
  const add = (c: CopyKey) => {
    push(bySecond, `${c.hostKey}\u0000${c.second}`, c);
    if (c.recordId !== null) push(byRecord, `${c.hostKey}\u0000${c.kind}\u0000${c.recordId}`, c);
    if (c.kind === 'request') push(byContent, `${c.hostKey}\u0000${c.content}`, c);
  };
  for (const s of stored) add(s);

  const groups = new Map<string, ShiftedCopies>();
  const shiftedSources = new Set<string>();
  for (const c of candidates) {
    const twin = TWIN_KINDS.has(c.kind) ? bySecond.get(`${c.hostKey}\u0000${c.second}`)?.find((s) => !claimed.has(s) && isTwin(c, s)) : undefined;
    if (twin !== undefined) {
      claimed.add(twin);
      verdict.notStored.add(c.index);
      verdict.twins++;
      continue;
    }
    const from = c.shiftable ? shiftedCopyOf(c, byRecord, byContent, localSources) : undefined;
    if (from !== undefined && sameWallTime(c, from, localSources)) {
      claimed.add(from);
      verdict.notStored.add(c.index);
      verdict.unplanned.add(c.index);
      verdict.twins++;
      continue;
    }
    if (from !== undefined) {
      verdict.notStored.add(c.index);
      verdict.unplanned.add(c.index);
      verdict.shiftedRecords++;
      addShifted(groups, c, from);
      if (c.timeZone !== undefined) shiftedSources.add(c.source);
      continue;
    }
    // stored by this batch: later candidates can be its twins
    add(c);
  }
  verdict.shifted = [...groups.values()];
  if (shiftedSources.size > 0) {
    for (let i = 0; i < batch.count; i++) {
      if (verdict.unplanned.has(i) || batch.zoneAt(i) === undefined || !shiftedSources.has(batch.sourceAt(i))) continue;
      verdict.unplanned.add(i);
      if (verdict.notStored.has(i)) verdict.twins--;
      verdict.notStored.add(i);
      verdict.withheld++;
    }
  }
  return verdict;
}

function isTwin(c: CopyKey, s: CopyKey): boolean {
  if (s.kind !== c.kind || s.content !== c.content) return false;
  const oneWithoutId = s.recordId === null || c.recordId === null;
  if (!oneWithoutId && s.recordId !== c.recordId) return false;
  return s.channel === c.channel || s.channel === '' || c.channel === '' || oneWithoutId;
}

/** Both times are one wall-clock time (to the second) in the zone one of them was read in. */
function sameWallTime(c: CopyCandidate, s: CopyKey, localSources: ReadonlyMap<string, string>): boolean {
  const zone = c.timeZone ?? localSources.get(s.source);
  if (zone === undefined) return false;
  const wall = (t: number) => Math.floor((t + zoneOffsetAt(t, zone)) / 1000);
  return wall(c.time) === wall(s.time);
}

function shiftedCopyOf(c: CopyCandidate, byRecord: Map<string, CopyKey[]>, byContent: Map<string, CopyKey[]>, localSources: ReadonlyMap<string, string>): CopyKey | undefined {
  const sameLog = (s: CopyKey) => (s.channel === c.channel || s.channel === '' || c.channel === '') && (c.timeZone !== undefined || localSources.has(s.source));
  if (c.recordId !== null) {
    const byId = byRecord.get(`${c.hostKey}\u0000${c.kind}\u0000${c.recordId}`)?.find(
      (s) => s.eventId === c.eventId && s.content === c.content && sameLog(s) && isShiftOffset(c.second - s.second),
    );
    if (byId !== undefined) return byId;
  }
  if (c.kind !== 'request') return undefined;
  // a request's data (CMID, client time) name it: a copy without record id, or one of the same
  return byContent.get(`${c.hostKey}\u0000${c.content}`)?.find(
    (s) => (s.recordId === null || c.recordId === null || s.recordId === c.recordId) && sameLog(s) && isShiftOffset(c.second - s.second),
  );
}

function addShifted(groups: Map<string, ShiftedCopies>, c: CopyCandidate, s: CopyKey): void {
  const offsetMs = (c.second - s.second) * 1000;
  const key = `${c.source}\u0000${s.source}\u0000${c.hostKey}\u0000${c.channel}\u0000${offsetMs}`;
  let g = groups.get(key);
  if (g === undefined) {
    g = { source: c.source, storedSource: s.source, hostKey: c.hostKey, channel: c.channel, offsetMs, records: 0, timeZone: c.timeZone ?? null, samples: [] };
    groups.set(key, g);
  }
  g.records++;
  if (g.samples.length < SAMPLES_PER_GROUP) g.samples.push({ time: c.time, storedTime: s.time });
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** The content both exports of a request carry, from its narrow row's values (ids of one store). */
export function requestContent(
  resultHexId: number, minimumCount: number, machineKeyId: number, cmidId: number, clientTimeText: string,
  isVm: number | boolean, licenseState: number, minutesLeft: number, productId: number,
): string {
  return `${resultHexId}|${minimumCount}|${machineKeyId}|${cmidId}|${clientTimeText}|${isVm ? 1 : 0}|${licenseState}|${minutesLeft}|${productId}`;
}

/** The content of the other kinds, from the record (or a stored row's columns of the same names). */
export function eventContent(record: { kind: KmsRecord['kind']; eventId: number; type?: string; resultHex?: string | null; domain?: string | null }): string {
  switch (record.kind) {
    case 'host':
      return `${record.type ?? ''}|${record.resultHex ?? ''}|${(record.domain ?? '').toLowerCase()}`;
    case 'client':
      return `${record.eventId}|${record.resultHex ?? ''}`;
    default:
      return String(record.eventId);
  }
}
