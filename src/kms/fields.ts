/** Shared pieces for the per-event decoders: record base, Info-string handling, anomalies. */
import type { RawEvent } from '../sources/types.js';
import type { KmsAnomaly } from './types.js';

/** The last `source` built, reused while events come from the same file (one string per file, not per event). */
let lastFile = '';
let lastFormat = '';
let lastSource = ' ()';

export function sourceOf(ev: RawEvent): string {
  // Optional chaining: decodeEvent must not throw even for a RawEvent built without an origin.
  const file = ev.origin?.file ?? '';
  const format = ev.origin?.format ?? '';
  if (file !== lastFile || format !== lastFormat) {
    lastFile = file;
    lastFormat = format;
    lastSource = `${file} (${format})`;
  }
  return lastSource;
}

/**
 * The two channels KMS events live in, spelled one way whatever the export wrote (Export-Csv's
 * `#TYPE` line writes the log name in lower case): the channel is part of the dedup key, so one
 * event read from a CSV and from an EVTX export must carry the same channel.
 */
function canonicalChannel(channel: string): string {
  const c = channel.trim().toLowerCase();
  if (c === 'key management service') return 'Key Management Service';
  if (c === 'application') return 'Application';
  return channel;
}

export function recordBase(ev: RawEvent) {
  return {
    host: ev.host,
    channel: canonicalChannel(ev.channel ?? ''),
    eventId: ev.eventId,
    recordId: ev.recordId ?? null,
    time: ev.time,
    source: sourceOf(ev),
  };
}

/** The insertion strings as received, or the message when the export lost them. */
export function rawText(ev: RawEvent): string {
  return ev.data ? JSON.stringify(ev.data) : (ev.message ?? '');
}

export function makeAnomaly(ev: RawEvent, reason: string): KmsAnomaly {
  return { kind: 'anomaly', ...recordBase(ev), reason, provider: ev.provider ?? '', raw: rawText(ev) };
}

/** Quotes a value for a reason text, cut short: the full value is kept in `raw`. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

const INFO_LINE = /Info:[ \t]*(?:\r?\n[ \t]*)*([^\r\n]*)/i;
/** Localised messages have no "Info:" label: fall back to a comma list that starts with an HRESULT. */
const HRESULT_LIST_LINE = /^[ \t]*(0x[0-9a-f]{1,8}[ \t]*,[^\r\n]*)$/im;

/** The `Info:` payload of a rendered KMS message (12288/12289/12290), or null. */
export function infoFromMessage(message: string | undefined): string | null {
  if (!message) return null;
  const text = INFO_LINE.exec(message)?.[1]?.trim() || HRESULT_LIST_LINE.exec(message)?.[1]?.trim();
  return text ? text : null;
}

/** Splits an Info string (`,` in 12290, `, ` in 12288/12289) into trimmed fields. */
export function splitInfo(info: string): string[] {
  return info.split(',').map((s) => s.trim());
}
