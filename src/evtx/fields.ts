/**
 * Typed getters over a record tree: the System fields and EventData values most consumers need
 * (src/sources/evtx.ts turns them into RawEvent).
 */
import type { EvtxRecord } from './chunk.js';
import { attributeOf, childElement, textOf, type XmlElement, type XmlNode } from './tree.js';

export interface SystemFields {
  eventId: number | null;
  qualifiers?: number;
  provider?: string;
  eventSourceName?: string;
  channel: string;
  computer: string;
  recordId?: number;
  /** TimeCreated/@SystemTime as written. */
  systemTime?: string;
  /** The same in epoch milliseconds (UTC), when it parses. */
  timeMs?: number;
}

export function eventElement(nodes: XmlNode[]): XmlElement | undefined {
  for (const n of nodes) if (n.type === 'element' && n.name === 'Event') return n;
  return undefined;
}

function toInt(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z?$/;

/** `2021-05-03T08:58:25.9210336Z` (any number of fraction digits, or none) → epoch ms, truncated. */
export function parseSystemTime(text: string): number | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], ms);
  return Number.isNaN(t) ? undefined : t;
}

export function systemFields(nodes: XmlNode[]): SystemFields | null {
  const system = childElement(eventElement(nodes) ?? ({ children: [] } as unknown as XmlElement), 'System');
  if (!system) return null;
  const eventIdEl = childElement(system, 'EventID');
  const provider = childElement(system, 'Provider');
  const time = attributeOf(childElement(system, 'TimeCreated'), 'SystemTime');
  const fields: SystemFields = {
    eventId: toInt(textOf(eventIdEl)) ?? null,
    channel: textOf(childElement(system, 'Channel')),
    computer: textOf(childElement(system, 'Computer')),
  };
  const q = toInt(attributeOf(eventIdEl, 'Qualifiers'));
  if (q !== undefined) fields.qualifiers = q;
  const name = attributeOf(provider, 'Name');
  if (name !== undefined) fields.provider = name;
  const source = attributeOf(provider, 'EventSourceName');
  if (source !== undefined) fields.eventSourceName = source;
  const rid = toInt(textOf(childElement(system, 'EventRecordID')));
  if (rid !== undefined) fields.recordId = rid;
  if (time !== undefined) {
    fields.systemTime = time;
    const ms = parseSystemTime(time);
    if (ms !== undefined) fields.timeMs = ms;
  }
  return fields;
}

/**
 * `<EventData><Data>` values in order, as strings (a string array substitution has already become
 * one Data per item). null when the record has no EventData element.
 */
export function eventDataValues(nodes: XmlNode[]): string[] | null {
  const ev = eventElement(nodes);
  const data = ev && childElement(ev, 'EventData');
  if (!data) return null;
  const out: string[] = [];
  for (const c of data.children) if (c.type === 'element' && c.name === 'Data') out.push(textOf(c));
  return out;
}

export function recordFields(record: EvtxRecord): SystemFields | null {
  return systemFields(record.nodes);
}
