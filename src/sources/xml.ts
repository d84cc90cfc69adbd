/**
 * wevtutil / Get-WinEvent XML (`wevtutil qe /f:xml [/e:Events]`, `$_.ToXml()`): each `<Event>` is cut
 * out of the stream (xml-segments.ts) and parsed with saxes. Namespaces are matched by local name,
 * so `<Event xmlns=…>` and `<e:Event>` read alike.
 */
import { SaxesParser } from 'saxes';
import { splitEventId, toInteger } from './event-id.js';
import { decodeText, type ByteInput } from './text.js';
import { parseLocalTime } from './time.js';
import type { RawEvent, ReadOptions, SourceItem } from './types.js';
import { segmentEvents } from './xml-segments.js';

/** Fields of one event as written in its XML. */
export interface XmlEventFields {
  eventId?: string;
  qualifiers?: string;
  provider?: string;
  systemTime?: string;
  recordId?: string;
  channel?: string;
  computer?: string;
  data: string[];
  message?: string;
}

function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon === -1 ? qname : qname.slice(colon + 1);
}

/** Element paths (local names below <Event>) whose text we keep. */
type Capture = 'EventID' | 'EventRecordID' | 'Channel' | 'Computer' | 'Data' | 'Message' | null;

/** Parses the source text of one `<Event>` element. Throws Error with the saxes message on bad XML. */
export function parseEventXml(text: string): XmlEventFields {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const fields: XmlEventFields = { data: [] };
  const path: string[] = [];
  let capture: Capture = null;
  /** Depth (path length) of the element being captured: text of child elements belongs to it. */
  let captureDepth = 0;
  let captured = '';
  let firstError: Error | null = null;

  parser.on('error', (err) => {
    firstError ??= err;
  });
  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    const parent = path[path.length - 1];
    path.push(name);
    if (capture) return; // an element inside <Data> (not in real events): keep collecting its text
    if (parent === 'System') {
      if (name === 'EventID') {
        capture = 'EventID';
        const q = attr(tag.attributes, 'Qualifiers');
        if (q) fields.qualifiers = q;
      } else if (name === 'EventRecordID' || name === 'Channel' || name === 'Computer') {
        capture = name;
      } else if (name === 'Provider') {
        fields.provider = attr(tag.attributes, 'Name');
      } else if (name === 'TimeCreated') {
        fields.systemTime = attr(tag.attributes, 'SystemTime');
      }
    } else if (parent === 'EventData' && name === 'Data') {
      capture = 'Data';
    } else if (parent === 'RenderingInfo' && name === 'Message') {
      capture = 'Message';
    }
    captured = '';
    captureDepth = path.length;
    if (tag.isSelfClosing && capture) {
      if (capture === 'Data') fields.data.push('');
      capture = null;
    }
  });
  const onText = (t: string): void => {
    if (capture) captured += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (tag) => {
    if (capture && path.length === captureDepth && !tag.isSelfClosing) {
      switch (capture) {
        case 'EventID': fields.eventId = captured.trim(); break;
        case 'EventRecordID': fields.recordId = captured.trim(); break;
        case 'Channel': fields.channel = captured; break;
        case 'Computer': fields.computer = captured; break;
        case 'Data': fields.data.push(captured); break;
        case 'Message': fields.message = captured; break;
      }
      capture = null;
      captured = '';
    }
    path.pop();
  });
  parser.write(text).close();
  if (firstError) throw firstError;
  return fields;
}

function attr(attributes: Record<string, string | { value: string }>, name: string): string | undefined {
  for (const [key, value] of Object.entries(attributes)) {
    if (localName(key) === name) return typeof value === 'string' ? value : value.value;
  }
  return undefined;
}

/** XmlEventFields → RawEvent, or the reason it cannot be one. SystemTime is UTC by definition. */
export function xmlFieldsToEvent(fields: XmlEventFields, opts: ReadOptions, line: number, index: number): RawEvent | string {
  const rawId = toInteger(fields.eventId);
  if (rawId === undefined) return fields.eventId === undefined ? 'event without <EventID>' : `bad <EventID> "${fields.eventId}"`;
  if (fields.systemTime === undefined) return 'event without <TimeCreated SystemTime>';
  const time = parseLocalTime(fields.systemTime, 'UTC');
  if (time === null) return `bad TimeCreated SystemTime "${fields.systemTime}"`;
  const qualifiers = toInteger(fields.qualifiers);
  const ev: RawEvent = {
    ...splitEventId(rawId, qualifiers),
    channel: fields.channel ?? opts.channel ?? '',
    host: fields.computer ?? opts.host ?? '',
    time,
    data: fields.data,
    origin: { file: opts.file, format: 'xml', line, index },
  };
  if (fields.provider !== undefined) ev.provider = fields.provider;
  const recordId = toInteger(fields.recordId);
  if (recordId !== undefined) ev.recordId = recordId;
  if (fields.message !== undefined) ev.message = fields.message;
  return ev;
}

export async function* readXmlSource(input: ByteInput, opts: ReadOptions): AsyncGenerator<SourceItem> {
  for await (const seg of segmentEvents(decodeText(input))) {
    if (!seg.ok) {
      yield { ok: false, issue: { file: opts.file, format: 'xml', line: seg.line, record: seg.index, reason: seg.reason } };
      continue;
    }
    let fields: XmlEventFields;
    try {
      fields = parseEventXml(seg.text);
    } catch (err) {
      // saxes reports "line:column: message" relative to the event's text.
      const m = /^(\d+):(\d+): (.*)$/s.exec((err as Error).message);
      const line = m ? seg.line + Number(m[1]) - 1 : seg.line;
      const reason = `malformed event XML: ${m ? m[3] : (err as Error).message}`;
      yield { ok: false, issue: { file: opts.file, format: 'xml', line, record: seg.index, reason } };
      continue;
    }
    const ev = xmlFieldsToEvent(fields, opts, seg.line, seg.index);
    if (typeof ev === 'string') {
      yield { ok: false, issue: { file: opts.file, format: 'xml', line: seg.line, record: seg.index, reason: ev } };
    } else {
      yield { ok: true, event: ev };
    }
  }
}
