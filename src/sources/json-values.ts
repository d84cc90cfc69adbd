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

export async function* splitJsonValues(text: AsyncIterable<string>, options: JsonSplitOptions = {}): AsyncGenerator<JsonValueItem> {
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
  const rest: AsyncIterable<string> = {
    async *[Symbol.asyncIterator]() {
      if (head) yield head;
      if (done) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    },
  };
  const first = /^\s*(\S[^\n]*)/.exec(head)?.[1]?.trim() ?? '';
  const documentMode = first === '[' || first === '{' || first.length > maxLineChars;
  if (documentMode) yield* scanDocuments(rest, options.maxValueChars ?? 64 * 1024 * 1024);
  else yield* splitLines(rest);
}

async function* splitLines(text: AsyncIterable<string>): AsyncGenerator<JsonValueItem> {
  let buf = '';
  let line = 1;
  for await (const chunk of text) {
    buf += chunk;
    let start = 0;
    for (let nl = buf.indexOf('\n', start); nl !== -1; nl = buf.indexOf('\n', start)) {
      const text = buf.slice(start, nl);
      if (!PUNCTUATION_LINE_RE.test(text)) yield parseLine(text, line);
      line++;
      start = nl + 1;
    }
    buf = buf.slice(start);
  }
  if (!PUNCTUATION_LINE_RE.test(buf)) yield parseLine(buf, line);
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
async function* scanDocuments(text: AsyncIterable<string>, maxValueChars: number): AsyncGenerator<JsonValueItem> {
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** Depth at which values start: 1 inside a top-level array, 0 otherwise. */
  let base = 0;
  let value = '';
  let valueLine = 0;
  let inValue = false;
  let valueIsContainer = false;
  let oversized = false;
  let line = 1;

  const finish = (): JsonValueItem => {
    inValue = false;
    if (oversized) {
      oversized = false;
      value = '';
      return { ok: false, line: valueLine, reason: `JSON value larger than ${maxValueChars} characters` };
    }
    const item = parseLine(value, valueLine);
    value = '';
    return item;
  };

  for await (const chunk of text) {
    let segStart = 0; // start of the part of `chunk` that belongs to the current value
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === NEWLINE) line++;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) inString = false;
        continue;
      }
      if (!inValue) {
        if (isSpace(c) || c === COMMA) continue;
        if (depth === 0 && c === OPEN_BRACKET) {
          depth = 1;
          base = 1;
          continue;
        }
        if (depth === base && base === 1 && c === CLOSE_BRACKET) {
          depth = 0;
          base = 0;
          continue;
        }
        if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          yield { ok: false, line, reason: `unexpected "${String.fromCharCode(c)}"` };
          continue;
        }
        inValue = true;
        valueIsContainer = c === OPEN_BRACE || c === OPEN_BRACKET;
        valueLine = line;
        segStart = i;
      }
      if (c === QUOTE) {
        inString = true;
        continue;
      }
      const opens = c === OPEN_BRACE || c === OPEN_BRACKET;
      const closes = c === CLOSE_BRACE || c === CLOSE_BRACKET;
      if (valueIsContainer) {
        if (opens) depth++;
        else if (closes && --depth === base) {
          append(chunk.slice(segStart, i + 1));
          yield finish();
        }
      } else if (c === COMMA || isSpace(c) || closes) {
        // A primitive (number, true, "text"...) ends at the next separator.
        append(chunk.slice(segStart, i));
        yield finish();
        if (base === 1 && c === CLOSE_BRACKET) {
          depth = 0;
          base = 0;
        } else if (closes) {
          yield { ok: false, line, reason: `unexpected "${String.fromCharCode(c)}"` };
        }
      }
    }
    if (inValue) append(chunk.slice(segStart));
  }
  if (inValue && value.trim()) {
    if (depth > base || inString) {
      yield { ok: false, line: valueLine, reason: 'file ends inside a JSON value (truncated)' };
    } else {
      yield finish();
    }
  }

  function append(s: string): void {
    if (oversized) return;
    if (value.length + s.length > maxValueChars) {
      oversized = true;
      value = '';
      return;
    }
    value += s;
  }
}
