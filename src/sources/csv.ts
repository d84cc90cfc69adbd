/**
 * CSV exports (Export-Csv, Event Viewer "Save as CSV") streamed through csv-parse. The `#TYPE` line
 * and the header are read first to pick the delimiter and the shape; rows then map one by one.
 * A row that cannot be parsed (bad quoting) is an issue naming its line; an unclosed quote runs to
 * the end of the file (CSV cannot tell where a multi-line Message should have stopped).
 */
import { parse, type CsvError } from 'csv-parse';
import { flattenBatches } from './batches.js';
import { classifyCsvHeader, parseTypeLine, sniffDelimiter, splitHeader, type CsvFormat } from './csv-header.js';
import { mapEventViewerCsvRow, mapExportCsvRow, type CsvMapper } from './csv-mappers.js';
import { resolveLocalTimes } from './local-times.js';
import { decodeText, type ByteInput } from './text.js';
import type { InputIssue, ReadOptions, SourceItem } from './types.js';

export interface CsvReadOptions extends ReadOptions {
  format?: CsvFormat;
}

const MAPPERS: Record<CsvFormat, CsvMapper> = {
  'csv-export': mapExportCsvRow,
  'csv-eventviewer': mapEventViewerCsvRow,
};

/** The first line of `text` with its end (index after the newline, or -1 when there is none yet). */
function firstLine(text: string): { line: string; next: number } {
  const nl = text.indexOf('\n');
  return nl === -1 ? { line: text.replace(/\r$/, ''), next: -1 } : { line: text.slice(0, nl).replace(/\r$/, ''), next: nl + 1 };
}

const CR = 0x0d;
const LF = 0x0a;

/** Line breaks in s[from, to): CRLF, CR or LF each count once. */
function countLineBreaks(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === LF) n++;
    else if (c === CR) {
      n++;
      if (i + 1 < to && s.charCodeAt(i + 1) === LF) i++;
    }
  }
  return n;
}

function isLineBreak(c: number): boolean {
  return c === CR || c === LF;
}

/**
 * Line numbers from the raw text of each record, in parse order (csv-parse's own `info.lines`
 * counts CR and LF inside quoted fields separately). With CRLF files csv-parse's raw text keeps
 * only the CR of a skipped blank line and of the record's own end, hence the CR-aware count.
 */
class LineCounter {
  /** Line on which the next record starts, before blank lines. */
  private next: number;
  constructor(first: number) {
    this.next = first;
  }

  /** Start line of the record whose raw text is `raw`; advances past it. */
  advance(raw: string | undefined): number {
    if (raw === undefined) return this.next;
    let bodyStart = 0;
    while (bodyStart < raw.length && isLineBreak(raw.charCodeAt(bodyStart))) bodyStart++;
    let bodyEnd = raw.length;
    while (bodyEnd > bodyStart && isLineBreak(raw.charCodeAt(bodyEnd - 1))) bodyEnd--;
    const start = this.next + countLineBreaks(raw, 0, bodyStart);
    this.next = start + countLineBreaks(raw, bodyStart, bodyEnd) + 1;
    return start;
  }
}

export function readCsvSource(input: ByteInput, opts: CsvReadOptions): AsyncGenerator<SourceItem> {
  return flattenBatches(readCsvBatches(input, opts));
}

/** A record as csv-parse hands it over with `raw: true`. */
interface CsvRecord {
  record: string[];
  raw?: string;
}

/** The items of a CSV export, one array per chunk of text; times of a repeated hour resolved by the log's order (local-times.ts). */
export function readCsvBatches(input: ByteInput, opts: CsvReadOptions): AsyncGenerator<SourceItem[]> {
  return resolveLocalTimes(readCsvBatchesAsWritten(input, opts), opts.format ?? 'csv-export');
}

async function* readCsvBatchesAsWritten(input: ByteInput, opts: CsvReadOptions): AsyncGenerator<SourceItem[]> {
  const iterator = decodeText(input, opts.encoding)[Symbol.asyncIterator]();
  let head = '';
  let ended = false;
  const more = async (): Promise<boolean> => {
    if (ended) return false;
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      return false;
    }
    head += next.value;
    return true;
  };

  // 1. optional #TYPE line, 2. header line.
  while (firstLine(head).next === -1 && head.length < 1 << 20 && (await more()));
  let lineOffset = 0;
  const typeLine = parseTypeLine(firstLine(head).line);
  if (typeLine) {
    head = head.slice(firstLine(head).next === -1 ? head.length : firstLine(head).next);
    lineOffset = 1;
    while (firstLine(head).next === -1 && head.length < 1 << 20 && (await more()));
  }
  const headerLine = firstLine(head).line;
  const delimiter = sniffDelimiter(headerLine);
  const format = opts.format ?? classifyCsvHeader(splitHeader(headerLine, delimiter));
  if (!format) {
    yield [{ ok: false, issue: { file: opts.file, format: 'unknown', line: lineOffset + 1, reason: 'not a known CSV export (no Export-Csv or Event Viewer header)', fatal: true } }];
    return;
  }
  const mapper = MAPPERS[format];
  const issue = (line: number, record: number | undefined, reason: string): InputIssue => {
    const i: InputIssue = { file: opts.file, format, line, reason };
    if (record !== undefined) i.record = record;
    return i;
  };

  /** Rows csv-parse could not read, with the number of records parsed before each. */
  const skipped: { before: number; raw?: string; message: string }[] = [];
  const parser = parse({
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    raw: true,
    on_skip: (err: CsvError | undefined, raw: string | undefined) => {
      // info.records counts the records parsed so far (the header included), as they were pushed.
      skipped.push({ before: parser.info.records, raw, message: err?.message ?? 'unreadable' });
      return undefined;
    },
  });

  const lines = new LineCounter(lineOffset + 1);
  const flushSkipped = (upTo: number, items: SourceItem[]): void => {
    while (skipped.length && skipped[0].before <= upTo) {
      const skip = skipped.shift() as (typeof skipped)[number];
      items.push({ ok: false, issue: issue(lines.advance(skip.raw), undefined, `bad CSV row: ${skip.message}`) });
    }
  };
  let header: string[] | null = null;
  let columns = new Map<string, number>();
  let seen = 0;
  let index = 0;
  const take = (item: CsvRecord, items: SourceItem[]): void => {
    flushSkipped(seen++, items);
    const line = lines.advance(item.raw);
    if (!header) {
      header = item.record;
      columns = new Map(header.map((name, i) => [name.trim().toLowerCase(), i]));
      return;
    }
    const ordinal = index++;
    const ev = mapper(item.record, { opts, columns, typeChannel: typeLine?.channel, line, index: ordinal, delimiter });
    if (typeof ev === 'string') items.push({ ok: false, issue: issue(line, ordinal, ev) });
    else items.push({ ok: true, event: ev });
  };

  // The parser is driven by hand, a chunk at a time: csv-parse transforms a written chunk at once,
  // and read() then hands its records over without a promise per record.
  const feed = (text: string): SourceItem[] => {
    const items: SourceItem[] = [];
    parser.write(text);
    for (let record = parser.read() as CsvRecord | null; record !== null; record = parser.read() as CsvRecord | null) {
      take(record, items);
    }
    if (parser.errored) throw parser.errored;
    return items;
  };
  if (head) {
    const items = feed(head);
    if (items.length > 0) yield items;
  }
  head = '';
  while (await more()) {
    const items = feed(head);
    head = '';
    if (items.length > 0) yield items;
  }
  // The last record and the skips of the flush arrive once the parser ends.
  parser.end();
  const tail: SourceItem[] = [];
  for await (const record of parser as AsyncIterable<CsvRecord>) take(record, tail);
  flushSkipped(Number.POSITIVE_INFINITY, tail);
  if (tail.length > 0) yield tail;
}
