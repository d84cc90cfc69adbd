/**
 * A fast tokenizer for the plain XML that wevtutil and Get-WinEvent write, used before saxes.
 *
 * It accepts only a strict subset of XML 1.0 in which tokenizing is trivial: ASCII names, quoted
 * attribute values without `&`, `<` or control characters, text whose only references are the five
 * predefined entities, no CDATA, comments, processing instructions or carriage returns, and one
 * root element that ends the text. Within that subset every well-formedness rule saxes checks is
 * checked here too (matching end tags, whitespace between attributes, no duplicate attributes, no
 * `]]>` in text, legal characters), so saxes would report the same tags and text without an error.
 * Anything else makes `scan` return false, and the caller parses the event with saxes (which then
 * also produces the error messages). Profiling showed saxes' per-character state machine as the
 * largest cost of reading XML; this loop does the common case several times faster.
 */

/** Attributes of the tag being reported, looked up by local name (first match in document order). */
export interface AttributeLookup {
  attr(localName: string): string | undefined;
}

/** What the tokenizer reports, in document order (the saxes events the XML reader listens to). */
export interface XmlTokenSink {
  openTag(qname: string, attributes: AttributeLookup, selfClosing: boolean): void;
  text(text: string): void;
  closeTag(selfClosing: boolean): void;
}

const TAB = 0x09;
const NL = 0x0a;
const SPACE = 0x20;
const QUOTE = 0x22;
const AMP = 0x26;
const APOS = 0x27;
const SLASH = 0x2f;
const LT = 0x3c;
const EQUAL = 0x3d;
const GT = 0x3e;
const CLOSE_SQUARE = 0x5d;
/** First code unit that is a surrogate or beyond: the tokenizer leaves those to saxes. */
const SURROGATES = 0xd800;

/** Character classes of ASCII, looked up instead of compared in the per-character loops. */
const NAME_START = 1;
const NAME_CHAR = 2;
/** Text characters that stop the plain text loop: controls (but tab, newline), `&`, `<`, `]`. */
const TEXT_SPECIAL = 4;
/** Attribute value characters that end the fast path or the value: controls, `"`, `&`, `'`, `<`. */
const VALUE_SPECIAL = 8;
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
  if (letter) ASCII_CLASS[c] |= NAME_START | NAME_CHAR;
  if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0x3a) ASCII_CLASS[c] |= NAME_CHAR;
  if ((c < 0x20 && c !== 0x09 && c !== 0x0a) || c === 0x26 || c === 0x3c || c === 0x5d) ASCII_CLASS[c] |= TEXT_SPECIAL;
  if (c < 0x20 || c === 0x22 || c === 0x26 || c === 0x27 || c === 0x3c) ASCII_CLASS[c] |= VALUE_SPECIAL;
}

function isNameStart(c: number): boolean {
  return c < 128 && (ASCII_CLASS[c] & NAME_START) !== 0;
}

function isNameChar(c: number): boolean {
  return c < 128 && (ASCII_CLASS[c] & NAME_CHAR) !== 0;
}

/** Tag white space without carriage returns. */
function isSpace(c: number): boolean {
  return c === SPACE || c === NL || c === TAB;
}

/** The five predefined entities; undefined for any other name (character references go to saxes). */
function predefinedEntity(name: string): string | undefined {
  switch (name) {
    case 'lt': return '<';
    case 'gt': return '>';
    case 'amp': return '&';
    case 'quot': return '"';
    case 'apos': return "'";
    default: return undefined;
  }
}

export class FastXmlTokenizer implements AttributeLookup {
  private readonly stack: string[] = [];
  private readonly names: string[] = [];
  private readonly values: string[] = [];
  private count = 0;

  /** The attributes of the tag being reported, in document order. */
  entries(): [string, string][] {
    const out: [string, string][] = [];
    for (let k = 0; k < this.count; k++) out.push([this.names[k], this.values[k]]);
    return out;
  }

  attr(localName: string): string | undefined {
    for (let k = 0; k < this.count; k++) {
      const name = this.names[k];
      if (name === localName) return this.values[k];
      const colon = name.indexOf(':');
      if (colon !== -1 && name.slice(colon + 1) === localName) return this.values[k];
    }
    return undefined;
  }

  /**
   * Reports the tokens of `s` (one element with its content) to `sink`. Returns false as soon as
   * the text leaves the subset; the sink has then seen part of the tokens and must be reset.
   */
  scan(s: string, sink: XmlTokenSink): boolean {
    const n = s.length;
    const stack = this.stack;
    stack.length = 0;
    let i = 0;
    if (s.charCodeAt(0) !== LT) return false;
    while (i < n) {
      let c = s.charCodeAt(i);
      if (c !== LT) {
        if (stack.length === 0) return false; // text around the root element
        // Text run up to the next tag.
        let start = i;
        while (i < n) {
          c = s.charCodeAt(i);
          if (c < 128 ? (ASCII_CLASS[c] & TEXT_SPECIAL) === 0 : c < SURROGATES) {
            i++;
            continue;
          }
          if (c === LT) break;
          if (c === AMP) {
            const end = s.indexOf(';', i + 1);
            if (end === -1 || end - i > 5) return false;
            const value = predefinedEntity(s.slice(i + 1, end));
            if (value === undefined) return false;
            if (i > start) sink.text(s.slice(start, i));
            sink.text(value);
            i = end + 1;
            start = i;
            continue;
          }
          // A control character, a surrogate or beyond, or `]` (which only `]]>` makes illegal).
          if (c !== CLOSE_SQUARE || (s.charCodeAt(i + 1) === CLOSE_SQUARE && s.charCodeAt(i + 2) === GT)) return false;
          i++;
        }
        if (i > start) sink.text(s.slice(start, i));
        continue;
      }
      // A tag.
      i++;
      if (s.charCodeAt(i) === SLASH) {
        i++;
        // The end tag must name the open element: compared in place, no string per end tag. A
        // longer name (`</Datax>`) fails the white space and `>` test below.
        const open = stack.length > 0 ? stack[stack.length - 1] : '';
        if (open.length === 0 || !s.startsWith(open, i)) return false;
        i += open.length;
        while (isSpace(s.charCodeAt(i))) i++;
        if (s.charCodeAt(i) !== GT) return false;
        i++;
        stack.pop();
        sink.closeTag(false);
        if (stack.length === 0) return i === n;
        continue;
      }
      const nameStart = i;
      i = this.skipName(s, i);
      if (i === nameStart) return false;
      const name = s.slice(nameStart, i);
      this.count = 0;
      let selfClosing = false;
      for (;;) {
        const spaceStart = i;
        while (isSpace(s.charCodeAt(i))) i++;
        c = s.charCodeAt(i);
        if (c === GT) {
          i++;
          break;
        }
        if (c === SLASH) {
          if (s.charCodeAt(i + 1) !== GT) return false;
          i += 2;
          selfClosing = true;
          break;
        }
        if (i === spaceStart) return false; // attributes must be separated by white space
        i = this.scanAttribute(s, i);
        if (i < 0) return false;
      }
      stack.push(name);
      sink.openTag(name, this, selfClosing);
      if (selfClosing) {
        stack.pop();
        sink.closeTag(true);
        if (stack.length === 0) return i === n;
      }
    }
    return false; // the root element is not closed
  }

  /** Index after the ASCII name at i (i itself when there is none). */
  private skipName(s: string, i: number): number {
    if (!isNameStart(s.charCodeAt(i))) return i;
    i++;
    while (isNameChar(s.charCodeAt(i))) i++;
    return i;
  }

  /** Reads `name = "value"` at i into the attribute list; the index after it, or -1 to give up. */
  private scanAttribute(s: string, i: number): number {
    const nameStart = i;
    i = this.skipName(s, i);
    if (i === nameStart) return -1;
    const name = s.slice(nameStart, i);
    while (isSpace(s.charCodeAt(i))) i++;
    if (s.charCodeAt(i) !== EQUAL) return -1;
    i++;
    while (isSpace(s.charCodeAt(i))) i++;
    const q = s.charCodeAt(i);
    if (q !== QUOTE && q !== APOS) return -1;
    i++;
    const valueStart = i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c < 128 ? (ASCII_CLASS[c] & VALUE_SPECIAL) === 0 : c < SURROGATES) {
        i++;
        continue;
      }
      if (c === q) break;
      if (c === QUOTE || c === APOS) {
        i++; // the other quote
        continue;
      }
      return -1; // `<`, `&`, a control character, a surrogate or beyond, or the end of the text (NaN)
    }
    for (let k = 0; k < this.count; k++) if (this.names[k] === name) return -1;
    this.names[this.count] = name;
    this.values[this.count] = s.slice(valueStart, i);
    this.count++;
    return i + 1;
  }
}
