/**
 * Splits a JSON export into its values without holding the file in memory:
 * - **lines** (NDJSON: Winlogbeat, Fluent Bit, NXLog, OpenWEC; also `tag: [ts, {…}]` lines of Fluent
 *   Bit's file output, and arrays written one element per line): each line is parsed on its own, so
 *   a bad line costs that line only;
 * - **documents** (`ConvertTo-Json`: one big, usually pretty-printed array, or objects one after the
 *   other): a small scanner tracks strings and nesting and hands each element of the top-level array
 *   (or each top-level value) to JSON.parse.
 * The mode is chosen from the first non-empty line: a lone `[` or `{` (pretty-printed) or a first
 * line longer than `maxLineChars` (a compressed array) selects documents, anything else lines.
 */
export type JsonValueItem =
  | { ok: true; value: unknown; line: number }
  | { ok: false; line: number; reason: string };

export interface JsonSplitOptions {
  /** A first line longer than this is read as a document, not NDJSON. */
  maxLineChars?: number;
  /** A single value larger than this is reported and skipped. */
  maxValueChars?: number;
}

/** Fluent Bit `out_file` default format: `<tag>: [<time>, {record}]`. */
const TAG_PREFIX_RE = /^[^\s"{[\]]+: (?=[[{])/;

/**
 * Parses one line. An array written one element per line (`[{…},` … `{…}]`) is also read line by
 * line: on failure the array punctuation around the element is dropped and the line tried again.
 */
function parseLine(text: string, line: number): JsonValueItem {
  const trimmed = text.trim();
  try {
    return { ok: true, value: JSON.parse(trimmed), line };
  } catch (err) {
    const prefix = TAG_PREFIX_RE.exec(trimmed);
    const retry = prefix ? trimmed.slice(prefix[0].length) : trimmed.replace(/^\[\s*/, '').replace(/\s*(?:\]\s*)?,?$/, '');
    if (retry !== trimmed) {
      try {
        return { ok: true, value: JSON.parse(retry), line };
      } catch {
        // report the first error
      }
    }
    return { ok: false, line, reason: `bad JSON: ${(err as Error).message}` };
  }
}

/** Array punctuation alone on a line, in an array written one element per line. */
const PUNCTUATION_LINE_RE = /^\s*[[\],]*\s*$/;

/** A splitter fed chunk by chunk: each push returns the values completed by that chunk. */
interface ValueSplitter {
  push(chunk: string): JsonValueItem[];
  finish(): JsonValueItem[];
}

export async function* splitJsonValues(text: AsyncIterable<string>, options: JsonSplitOptions = {}): AsyncGenerator<JsonValueItem> {
  for await (const batch of splitJsonValueBatches(text, options)) yield* batch;
}

/** splitJsonValues, one array of values per chunk of text. */
export async function* splitJsonValueBatches(text: AsyncIterable<string>, options: JsonSplitOptions = {}): AsyncGenerator<JsonValueItem[]> {
  const maxLineChars = options.maxLineChars ?? 1024 * 1024;
  const iterator = text[Symbol.asyncIterator]();
  // Look at the first non-empty line to choose the mode.
  let head = '';
  let done = false;
  for (;;) {
    const firstLine = /^\s*(\S[^\n]*)(\n|$)/.exec(head);
    if (firstLine && (firstLine[2] === '\n' || done)) break;
    if (head.length > maxLineChars || done) break;
    const next = await iterator.next();
    if (next.done) done = true;
    else head += next.value;
  }
  const first = /^\s*(\S[^\n]*)/.exec(head)?.[1]?.trim() ?? '';
  const documentMode = first === '[' || first === '{' || first.length > maxLineChars;
  const splitter: ValueSplitter = documentMode ? new DocumentScanner(options.maxValueChars ?? 64 * 1024 * 1024) : new LineSplitter();
  if (head) {
    const values = splitter.push(head);
    if (values.length > 0) yield values;
  }
  if (!done) {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      const values = splitter.push(next.value);
      if (values.length > 0) yield values;
    }
  }
  const tail = splitter.finish();
  if (tail.length > 0) yield tail;
}

class LineSplitter implements ValueSplitter {
  private buf = '';
  private line = 1;

  push(chunk: string): JsonValueItem[] {
    const out: JsonValueItem[] = [];
    const buf = this.buf.length === 0 ? chunk : this.buf + chunk;
    let start = 0;
    for (let nl = buf.indexOf('\n', start); nl !== -1; nl = buf.indexOf('\n', start)) {
      const text = buf.slice(start, nl);
      if (!isPunctuationLine(text)) out.push(parseLine(text, this.line));
      this.line++;
      start = nl + 1;
    }
    this.buf = buf.slice(start);
    return out;
  }

  finish(): JsonValueItem[] {
    return isPunctuationLine(this.buf) ? [] : [parseLine(this.buf, this.line)];
  }
}

/** PUNCTUATION_LINE_RE, without running a regex over every (long) NDJSON line. */
function isPunctuationLine(text: string): boolean {
  const c = text.charCodeAt(0);
  // A record line starts with `{` (or `tag: `): only lines of space, brackets and commas qualify.
  // Any other printable ASCII first character rules the line out; the rest goes to the regex.
  if (c > 0x20 && c < 0x7f && c !== OPEN_BRACKET && c !== CLOSE_BRACKET && c !== COMMA) return false;
  return PUNCTUATION_LINE_RE.test(text);
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === NEWLINE || c === 0x0d || c === 0x09;
}

/**
 * Scans concatenated JSON documents. A top-level array is a container: each of its elements is one
 * value; any other top-level value is one value.
 */
class DocumentScanner implements ValueSplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Depth at which values start: 1 inside a top-level array, 0 otherwise. */
  private base = 0;
  private value = '';
  private valueLine = 0;
  private inValue = false;
  private valueIsContainer = false;
  private oversized = false;
  private line = 1;

  constructor(private readonly maxValueChars: number) {}

  push(chunk: string): JsonValueItem[] {
    const out: JsonValueItem[] = [];
    let segStart = 0; // start of the part of `chunk` that belongs to the current value
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === NEWLINE) this.line++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        continue;
      }
      if (!this.inValue) {
        if (isSpace(c) || c === COMMA) continue;
        if (this.depth === 0 && c === OPEN_BRACKET) {
          this.depth = 1;
          this.base = 1;
          continue;
        }
        if (this.depth === this.base && this.base === 1 && c === CLOSE_BRACKET) {
          this.depth = 0;
          this.base = 0;
          continue;
        }
        if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          out.push({ ok: false, line: this.line, reason: `unexpected "${String.fromCharCode(c)}"` });
          continue;
        }
        this.inValue = true;
        this.valueIsContainer = c === OPEN_BRACE || c === OPEN_BRACKET;
        this.valueLine = this.line;
        segStart = i;
      }
      if (c === QUOTE) {
        this.inString = true;
        continue;
      }
      const opens = c === OPEN_BRACE || c === OPEN_BRACKET;
      const closes = c === CLOSE_BRACE || c === CLOSE_BRACKET;
      if (this.valueIsContainer) {
        if (opens) this.depth++;
        else if (closes && --this.depth === this.base) {
          this.append(chunk.slice(segStart, i + 1));
          out.push(this.finishValue());
        }
      } else if (c === COMMA || isSpace(c) || closes) {
        // A primitive (number, true, "text"...) ends at the next separator.
        this.append(chunk.slice(segStart, i));
        out.push(this.finishValue());
        if (this.base === 1 && c === CLOSE_BRACKET) {
          this.depth = 0;
          this.base = 0;
        } else if (closes) {
          out.push({ ok: false, line: this.line, reason: `unexpected "${String.fromCharCode(c)}"` });
        }
      }
    }
    if (this.inValue) this.append(chunk.slice(segStart));
    return out;
  }

  finish(): JsonValueItem[] {
    if (!this.inValue || !this.value.trim()) return [];
    if (this.depth > this.base || this.inString) {
      return [{ ok: false, line: this.valueLine, reason: 'file ends inside a JSON value (truncated)' }];
    }
    return [this.finishValue()];
  }

  private finishValue(): JsonValueItem {
    this.inValue = false;
    if (this.oversized) {
      this.oversized = false;
      this.value = '';
      return { ok: false, line: this.valueLine, reason: `JSON value larger than ${this.maxValueChars} characters` };
    }
    const item = parseLine(this.value, this.valueLine);
    this.value = '';
    return item;
  }

  private append(s: string): void {
    if (this.oversized) return;
    if (this.value.length + s.length > this.maxValueChars) {
      this.oversized = true;
      this.value = '';
      return;
    }
    this.value += s;
  }
}
