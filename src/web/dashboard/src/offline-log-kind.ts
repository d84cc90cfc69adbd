/**
 * What log a dropped file is, told by its events' channel, provider and event ids, so that a file
 * with no KMS events can say what it is instead of showing an all-zero dashboard. The KMS log and
 * the commands that export it: docs/reference/kms-events.md §1.1 (12290 in "Key Management
 * Service"; 12288/12289, the clients' side, and the host's other events in Application).
 */
import type { RawEvent } from '../../../sources/types.js';
import { plural } from './format.js';
import type { FileOutcome, LogKind } from './offline-protocol.js';

/** Counts a file's events by channel, provider and event id as they are read. */
export class LogTally {
  private readonly channels = new Map<string, number>();
  private readonly providers = new Map<string, number>();
  private readonly eventIds = new Set<number>();

  add(event: RawEvent): void {
    this.channels.set(event.channel, (this.channels.get(event.channel) ?? 0) + 1);
    if (event.provider !== undefined && event.provider.trim() !== '') this.providers.set(event.provider, (this.providers.get(event.provider) ?? 0) + 1);
    this.eventIds.add(event.eventId);
  }

  kind(): LogKind {
    return { channels: mostFirst(this.channels), providers: mostFirst(this.providers), eventIds: [...this.eventIds].sort((a, b) => a - b) };
  }
}

function mostFirst(counts: Map<string, number>): string[] {
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name]) => name);
}

/** Event ids named in the message; the rest is "…". */
export const EVENT_IDS_NAMED = 8;

export const EXPORT_KMS_LOG = 'wevtutil epl "Key Management Service" kms.evtx';
export const EXPORT_APPLICATION_LOG = 'wevtutil epl Application application.evtx';

/** Names listed before "…". */
const NAMES_LISTED = 3;

function listed(names: readonly string[]): string {
  return names.slice(0, NAMES_LISTED).join(', ') + (names.length > NAMES_LISTED ? '…' : '');
}

/**
 * By the channels (most events first), else the providers: "a Security log", "an Application log",
 * "events of the Security, System logs", "events of Winlogon, EventLog", "events of no named log".
 */
export function logName(kind: LogKind): string {
  const channels = kind.channels.filter((c) => c.trim() !== '');
  if (channels.length === 1) return `${/^[aeiou]/i.test(channels[0]) ? 'an' : 'a'} ${channels[0]} log`;
  if (channels.length > 1) return `events of the ${listed(channels)} logs`;
  if (kind.providers.length > 0) return `events of ${listed(kind.providers)}`;
  return 'events of no named log';
}

/** "4611, 4625, 4673" or "1, 2, …, 8…" past EVENT_IDS_NAMED. */
export function eventIdList(ids: readonly number[]): string {
  return ids.slice(0, EVENT_IDS_NAMED).join(', ') + (ids.length > EVENT_IDS_NAMED ? '…' : '');
}

/** A file that gave the report something to show: activation requests, host events or anomalies. */
export function reportable(file: Pick<FileOutcome, 'requests' | 'hostEvents' | 'anomalies'>): boolean {
  return file.requests + file.hostEvents + file.anomalies > 0;
}

/**
 * One sentence on a file the report cannot count, or null for one it can (or one whose events
 * were all copies of another file's): a file with no KMS event says what log it is (a file with
 * no event at all, unreadable or empty, says that; its problems are listed apart), and a KMS
 * client's own log says that it holds no request a KMS host counts.
 */
export function unreportedSentence(file: Pick<FileOutcome, 'name' | 'events' | 'kmsEvents' | 'kind' | 'requests' | 'hostEvents' | 'anomalies' | 'clientEvents'>): string | null {
  if (file.kmsEvents === 0) {
    if (file.events === 0) return `${file.name}: no event could be read from this file, so it holds no Key Management Service events.`;
    const ids = eventIdList(file.kind.eventIds);
    return `${file.name} is ${logName(file.kind)} (${plural(file.events, 'event')}, event id${file.kind.eventIds.length === 1 ? '' : 's'} ${ids}): it holds no Key Management Service events.`;
  }
  if (reportable(file) || file.clientEvents === 0) return null;
  return (
    `${file.name} is a KMS client's log (${plural(file.clientEvents, 'client event')}: 12288 request sent, 12289 answer received): ` +
    'it holds no activation request as a KMS host logs them (event 12290), so there are no counts to report.'
  );
}
