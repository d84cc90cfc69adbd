/**
 * wevtutil / Get-WinEvent XML (`wevtutil qe /f:xml [/e:Events]`, `$_.ToXml()`): each `<Event>` is cut
 * out of the stream (xml-segments.ts) and parsed with one reused saxes parser. Namespaces are
 * matched by local name, so `<Event xmlns=…>` and `<e:Event>` read alike.
 */
import { SaxesParser } from 'saxes';
import { flattenBatches } from './batches.js';
import { splitEventIdInto, toInteger } from './event-id.js';
import { decodeText, type ByteInput } from './text.js';
import { parseLocalTime } from './time.js';
import type { RawEvent, ReadOptions, SourceItem } from './types.js';
import { FastXmlTokenizer, type AttributeLookup, type XmlTokenSink } from './xml-fast.js';
import { XmlSegmenter, type XmlSegment } from './xml-segments.js';

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

type SaxAttributes = Record<string, string | { value: string }>;

/** saxes' attribute object behind the lookup the fast tokenizer also offers. */
class SaxAttributeLookup implements AttributeLookup {
  attributes: SaxAttributes = {};

  /** The first attribute, in document order, whose local name is `name`. */
  attr(name: string): string | undefined {
    const attributes = this.attributes;
    for (const key in attributes) {
      if (key === name || localName(key) === name) {
        const value = attributes[key];
        return typeof value === 'string' ? value : value.value;
      }
    }
    return undefined;
  }
}

/**
 * Parses events with the fast tokenizer (xml-fast.ts) and, for whatever it leaves, with one saxes
 * parser set up once and reused for every event of a file (saxes resets a parser on close):
 * building a parser and its handlers per event cost about as much as parsing the event. Both feed
 * the same tag handlers, so the fields do not depend on which one read the event.
 */
export class XmlEventParser implements XmlTokenSink {
  private readonly parser = new SaxesParser({ xmlns: false, position: true });
  private readonly fast = new FastXmlTokenizer();
  private readonly saxAttributes = new SaxAttributeLookup();
  /** Set to false to parse every event with saxes (tests compare the two paths). */
  useFastPath = true;
  private fields: XmlEventFields = { data: [] };
  /** Local names of the open elements. */
  private readonly path: string[] = [];
  private capture: Capture = null;
  /** Depth (path length) of the element being captured: text of child elements belongs to it. */
  private captureDepth = 0;
  private captured = '';
  private firstError: Error | null = null;

  constructor() {
    const p = this.parser;
    p.on('error', (err) => {
      this.firstError ??= err;
    });
    p.on('opentag', (tag) => {
      this.saxAttributes.attributes = tag.attributes as SaxAttributes;
      this.openTag(tag.name, this.saxAttributes, tag.isSelfClosing);
    });
    const onText = (t: string): void => this.text(t);
    p.on('text', onText);
    p.on('cdata', onText);
    p.on('closetag', (tag) => this.closeTag(tag.isSelfClosing));
  }

  /** Parses the source text of one `<Event>` element. Throws Error with the saxes message on bad XML. */
  parse(text: string): XmlEventFields {
    if (this.useFastPath) {
      const fields = this.reset();
      if (this.fast.scan(text, this)) return fields;
    }
    const fields = this.reset();
    this.parser.write(text).close();
    const error = this.firstError as Error | null;
    this.firstError = null;
    if (error) throw error;
    return fields;
  }

  private reset(): XmlEventFields {
    const fields: XmlEventFields = { data: [] };
    this.fields = fields;
    this.path.length = 0;
    this.capture = null;
    this.captureDepth = 0;
    this.captured = '';
    this.firstError = null;
    return fields;
  }

  text(t: string): void {
    if (this.capture) this.captured += t;
  }

  openTag(qname: string, attributes: AttributeLookup, selfClosing: boolean): void {
    const path = this.path;
    const name = localName(qname);
    const parent = path.length > 0 ? path[path.length - 1] : undefined;
    path.push(name);
    if (this.capture) return; // an element inside <Data> (not in real events): keep collecting its text
    const fields = this.fields;
    let capture: Capture = null;
    if (parent === 'System') {
      if (name === 'EventID') {
        capture = 'EventID';
        const q = attributes.attr('Qualifiers');
        if (q) fields.qualifiers = q;
      } else if (name === 'EventRecordID' || name === 'Channel' || name === 'Computer') {
        capture = name;
      } else if (name === 'Provider') {
        fields.provider = attributes.attr('Name');
      } else if (name === 'TimeCreated') {
        fields.systemTime = attributes.attr('SystemTime');
      }
    } else if (parent === 'EventData' && name === 'Data') {
      capture = 'Data';
    } else if (parent === 'RenderingInfo' && name === 'Message') {
      capture = 'Message';
    }
    this.captured = '';
    this.captureDepth = path.length;
    if (selfClosing && capture) {
      if (capture === 'Data') fields.data.push('');
      capture = null;
    }
    this.capture = capture;
  }

  closeTag(selfClosing: boolean): void {
    const capture = this.capture;
    if (capture && this.path.length === this.captureDepth && !selfClosing) {
      const fields = this.fields;
      const captured = this.captured;
      switch (capture) {
        case 'EventID': fields.eventId = captured.trim(); break;
        case 'EventRecordID': fields.recordId = captured.trim(); break;
        case 'Channel': fields.channel = captured; break;
        case 'Computer': fields.computer = captured; break;
        case 'Data': fields.data.push(captured); break;
        case 'Message': fields.message = captured; break;
      }
      this.capture = null;
      this.captured = '';
    }
    this.path.pop();
  }
}

let sharedParser: XmlEventParser | null = null;

/** Parses the source text of one `<Event>` element. Throws Error with the saxes message on bad XML. */
export function parseEventXml(text: string): XmlEventFields {
  sharedParser ??= new XmlEventParser();
  return sharedParser.parse(text);
}

/** XmlEventFields → RawEvent, or the reason it cannot be one. SystemTime is UTC by definition. */
export function xmlFieldsToEvent(fields: XmlEventFields, opts: ReadOptions, line: number, index: number): RawEvent | string {
  const rawId = toInteger(fields.eventId);
  if (rawId === undefined) return fields.eventId === undefined ? 'event without <EventID>' : `bad <EventID> "${fields.eventId}"`;
  if (fields.systemTime === undefined) return 'event without <TimeCreated SystemTime>';
  const time = parseLocalTime(fields.systemTime, 'UTC');
  if (time === null) return `bad TimeCreated SystemTime "${fields.systemTime}"`;
  const ev: RawEvent = splitEventIdInto(rawId, toInteger(fields.qualifiers), {
    eventId: 0,
    channel: fields.channel ?? opts.channel ?? '',
    host: fields.computer ?? opts.host ?? '',
    time,
    data: fields.data,
    origin: { file: opts.file, format: 'xml', line, index },
  });
  if (fields.provider !== undefined) ev.provider = fields.provider;
  const recordId = toInteger(fields.recordId);
  if (recordId !== undefined) ev.recordId = recordId;
  if (fields.message !== undefined) ev.message = fields.message;
  return ev;
}

/** One segment → one item. */
function segmentItem(seg: XmlSegment, parser: XmlEventParser, opts: ReadOptions): SourceItem {
  if (!seg.ok) return { ok: false, issue: { file: opts.file, format: 'xml', line: seg.line, record: seg.index, reason: seg.reason } };
  let fields: XmlEventFields;
  try {
    fields = parser.parse(seg.text);
  } catch (err) {
    // saxes reports "line:column: message" relative to the event's text.
    const m = /^(\d+):(\d+): (.*)$/s.exec((err as Error).message);
    const line = m ? seg.line + Number(m[1]) - 1 : seg.line;
    const reason = `malformed event XML: ${m ? m[3] : (err as Error).message}`;
    return { ok: false, issue: { file: opts.file, format: 'xml', line, record: seg.index, reason } };
  }
  const ev = xmlFieldsToEvent(fields, opts, seg.line, seg.index);
  if (typeof ev === 'string') return { ok: false, issue: { file: opts.file, format: 'xml', line: seg.line, record: seg.index, reason: ev } };
  return { ok: true, event: ev };
}

/** The items of an XML export, one array per chunk of text. */
export async function* readXmlBatches(input: ByteInput, opts: ReadOptions): AsyncGenerator<SourceItem[]> {
  const segmenter = new XmlSegmenter();
  const parser = new XmlEventParser();
  const toItems = (segments: XmlSegment[]): SourceItem[] => {
    const items = new Array<SourceItem>(segments.length);
    for (let i = 0; i < segments.length; i++) items[i] = segmentItem(segments[i], parser, opts);
    return items;
  };
  for await (const chunk of decodeText(input, opts.encoding)) {
    const segments = segmenter.push(chunk);
    if (segments.length > 0) yield toItems(segments);
  }
  const tail = segmenter.finish();
  if (tail.length > 0) yield toItems(tail);
}

export function readXmlSource(input: ByteInput, opts: ReadOptions): AsyncGenerator<SourceItem> {
  return flattenBatches(readXmlBatches(input, opts));
}
