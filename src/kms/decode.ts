/**
 * RawEvent → typed KMS record. Never throws: whatever lands in the Key Management Service log and
 * is not a well-formed KMS event becomes a KmsAnomaly (attack tools hide payloads in that log);
 * unrelated Application-log events give null.
 *
 * Where a 12290 is accepted: in the KMS channel; with no channel (formats without one, e.g. Event
 * Viewer CSV) unless its provider is foreign; and in any other channel only when its provider is
 * a KMS provider (some collectors rename channels). A 12290 elsewhere from another provider is
 * someone else's event id: null.
 */
import type { RawEvent } from '../sources/types.js';
import { APPLICATION_DECODERS, DISTINCTIVE_IDS, KMS_CHANNEL_DECODERS, KMS_REQUEST_EVENT_ID } from './events/registry.js';
import { makeAnomaly, quote } from './fields.js';
import { classifyProvider } from './providers.js';
import { APPLICATION_CHANNEL, KMS_CHANNEL, type DecodeResult } from './types.js';

type ChannelKind = 'kms' | 'application' | 'none' | 'other';

const KMS_CHANNEL_LC = KMS_CHANNEL.toLowerCase();
const APPLICATION_CHANNEL_LC = APPLICATION_CHANNEL.toLowerCase();

/** Kinds by channel text as written (an export repeats one or two channel names). */
const channelKinds = new Map<string, ChannelKind>();
const MAX_CACHED_CHANNELS = 1024;

function channelKind(channel: string): ChannelKind {
  let kind = channelKinds.get(channel);
  if (kind === undefined) {
    kind = classifyChannel(channel);
    if (channelKinds.size >= MAX_CACHED_CHANNELS) channelKinds.clear();
    channelKinds.set(channel, kind);
  }
  return kind;
}

function classifyChannel(channel: string): ChannelKind {
  const c = channel.trim().toLowerCase();
  if (c === KMS_CHANNEL_LC) return 'kms';
  if (c === APPLICATION_CHANNEL_LC) return 'application';
  return c === '' ? 'none' : 'other';
}

function decodeKmsChannel(ev: RawEvent): DecodeResult {
  const decoder = KMS_CHANNEL_DECODERS.get(ev.eventId);
  if (!decoder) {
    return makeAnomaly(ev, `event ${ev.eventId} does not belong in the Key Management Service log (expected 12290, 12293 or 12294)`);
  }
  if (classifyProvider(ev.provider) === 'foreign') {
    return makeAnomaly(ev, `event ${ev.eventId} from unexpected provider ${quote(ev.provider ?? '')}`);
  }
  return decoder(ev);
}

function dispatch(ev: RawEvent): DecodeResult {
  const where = channelKind(ev.channel);
  if (where === 'kms') return decodeKmsChannel(ev);
  const provider = classifyProvider(ev.provider);
  if (ev.eventId === KMS_REQUEST_EVENT_ID) {
    if (provider === 'kms' || (where === 'none' && provider === 'absent')) return decodeKmsChannel(ev);
    return null;
  }
  if (where === 'other') return null;
  const decoder = APPLICATION_DECODERS.get(ev.eventId);
  if (!decoder) return null;
  if (provider === 'kms' || (provider === 'absent' && DISTINCTIVE_IDS.has(ev.eventId))) return decoder(ev);
  return null;
}

export function decodeEvent(ev: RawEvent): DecodeResult {
  let record: DecodeResult;
  try {
    record = dispatch(ev);
  } catch (err) {
    // Decoders validate instead of throwing; this only guards against a malformed RawEvent.
    record = makeAnomaly(ev, `decoder failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (record === null) return null;
  record.channel = logOf(record);
  if (ev.timeZone !== undefined) record.timeZone = ev.timeZone;
  return record;
}

/**
 * The log an event belongs to, spelled one way. Exports without a log name (Get-EventLog |
 * ConvertTo-Json, Event Viewer saves) leave it empty; the event says it (kms-events.md §1-§2):
 * 12290 and whatever else was decoded as the KMS log's goes to "Key Management Service", the other
 * host events (12291, 12293, 12294…) and the client events to "Application". The log is part of an
 * event's identity: the same event from such an export and from an EVTX must carry the same one.
 */
function logOf(record: NonNullable<DecodeResult>): string {
  const kind = channelKind(record.channel);
  if (kind === 'kms') return KMS_CHANNEL;
  if (kind === 'application') return APPLICATION_CHANNEL;
  if (kind === 'other') return record.channel;
  return record.kind === 'request' || record.kind === 'anomaly' ? KMS_CHANNEL : APPLICATION_CHANNEL;
}
