/**
 * Cuts a stream of XML text into the source text of each `<Event>` element, so that each event is
 * parsed on its own: a document with a root (`<Events>`, wevtutil `/e:root`) and a bare stream of
 * `<Event>` fragments read the same way, a malformed event costs only itself, and a truncated file
 * keeps every complete event before the break. Events never nest, and `</Event>` cannot occur
 * unescaped inside one (CDATA aside), so a text scan finds the boundaries.
 */
import { countNewlines } from './text.js';

export type XmlSegment =
  | { ok: true; text: string; line: number; index: number }
  | { ok: false; line: number; index: number; reason: string };

/** `<Event` or `<prefix:Event` followed by white space, `>` or `/` (not `<Events`, `<EventData`). */
const START_RE = /<(?:[A-Za-z_][\w.-]*:)?Event(?=[\s>/])/g;
/** The next start or end tag of an event, whichever comes first: one scan finds an event's end or an intruder. */
const START_OR_END_RE = /<(?:\/(?:[A-Za-z_][\w.-]*:)?Event\s*>|(?:[A-Za-z_][\w.-]*:)?Event(?=[\s>/]))/g;
const SELF_CLOSED_RE = /<(?:[A-Za-z_][\w.-]*:)?Event(?:\s[^<>]*)?\/>/y;

const SLASH = 0x2f;

/** Longest tail kept between chunks when no event has started (a start tag split by a chunk). */
const KEEP_TAIL = 64;

export interface SegmentOptions {
  /** An event larger than this is reported and skipped (protects memory). */
  maxEventChars?: number;
}

/**
 * The scanner behind segmentEvents, driven chunk by chunk: `push` returns the segments completed
 * by a chunk, `finish` the truncated tail. Synchronous, so a reader can turn one chunk into one
 * array of events.
 */
export class XmlSegmenter {
  private readonly maxEventChars: number;
  private buf = '';
  private bufLine = 1; // line number of buf[0]
  private index = 0;

  constructor(options: SegmentOptions = {}) {
    this.maxEventChars = options.maxEventChars ?? 16 * 1024 * 1024;
  }

  push(chunk: string): XmlSegment[] {
    const out: XmlSegment[] = [];
    const buf = this.buf.length === 0 ? chunk : this.buf + chunk;
    const lineAt = (pos: number, from: number, fromLine: number): number => fromLine + countNewlines(buf, from, pos);
    let pos = 0;
    let posLine = this.bufLine;
    let commentAt = -2; // -2: not searched yet in this buffer; -1: none after the last search
    for (;;) {
      START_RE.lastIndex = pos;
      const start = START_RE.exec(buf);
      // A comment between events may mention <Event>: skip comments before the next start tag.
      if (commentAt === -2 || (commentAt !== -1 && commentAt < pos)) commentAt = buf.indexOf('<!--', pos);
      const comment = commentAt;
      if (comment !== -1 && (!start || comment < start.index)) {
        const close = buf.indexOf('-->', comment + 4);
        if (close === -1) {
          posLine = lineAt(comment, pos, posLine);
          pos = comment;
          break; // need more text
        }
        posLine = lineAt(close + 3, pos, posLine);
        pos = close + 3;
        continue;
      }
      if (!start) {
        const keep = Math.max(pos, buf.length - KEEP_TAIL);
        posLine = lineAt(keep, pos, posLine);
        pos = keep;
        break;
      }
      const startLine = lineAt(start.index, pos, posLine);
      pos = start.index;
      posLine = startLine;
      SELF_CLOSED_RE.lastIndex = pos;
      const selfClosed = SELF_CLOSED_RE.exec(buf);
      if (selfClosed) {
        out.push({ ok: false, line: startLine, index: this.index++, reason: 'empty <Event/> element' });
        pos += selfClosed[0].length;
        continue;
      }
      START_OR_END_RE.lastIndex = pos + 6;
      const boundary = START_OR_END_RE.exec(buf);
      const isEnd = boundary !== null && buf.charCodeAt(boundary.index + 1) === SLASH;
      const end = isEnd ? boundary : null;
      const next = isEnd ? null : boundary;
      if (next) {
        out.push({ ok: false, line: startLine, index: this.index++, reason: 'event not closed before the next <Event> (truncated or malformed)' });
        posLine = lineAt(next.index, pos, posLine);
        pos = next.index;
        continue;
      }
      if (!end) {
        if (buf.length - pos > this.maxEventChars) {
          out.push({ ok: false, line: startLine, index: this.index++, reason: `event larger than ${this.maxEventChars} characters` });
          // Skip what we have; the scan resumes at the next start tag.
          posLine = lineAt(buf.length, pos, posLine);
          pos = buf.length;
        }
        break; // need more text
      }
      const stop = end.index + end[0].length;
      out.push({ ok: true, text: buf.slice(pos, stop), line: startLine, index: this.index++ });
      posLine = lineAt(stop, pos, posLine);
      pos = stop;
    }
    this.buf = buf.slice(pos);
    this.bufLine = posLine;
    return out;
  }

  /** After the last chunk: an event still open is the truncated tail of the file. */
  finish(): XmlSegment[] {
    START_RE.lastIndex = 0;
    const start = START_RE.exec(this.buf);
    if (!start) return [];
    const line = this.bufLine + countNewlines(this.buf, 0, start.index);
    return [{ ok: false, line, index: this.index, reason: 'file ends inside an event (truncated)' }];
  }
}

export async function* segmentEvents(text: AsyncIterable<string>, options: SegmentOptions = {}): AsyncGenerator<XmlSegment> {
  const segmenter = new XmlSegmenter(options);
  for await (const chunk of text) yield* segmenter.push(chunk);
  yield* segmenter.finish();
}
