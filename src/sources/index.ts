/**
 * Public surface of the sources layer: detect an export's format and open it as a stream of
 * RawEvents and InputIssues (docs/architecture.md). Every reader streams with constant memory.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { flattenBatches, groupItems } from './batches.js';
import { INPUT_FORMATS, UNKNOWN_FORMAT_REASON, unknownEncodingReason } from './formats.js';
import { readCsvBatches } from './csv.js';
import { detectFormat, HEAD_BYTES } from './detect.js';
import { readEvtxSource } from './evtx.js';
import { isJsonFormat, readJsonBatches } from './json.js';
import { isValidTimezone } from './time.js';
import type { InputFormat, InputIssue, ReadOptions, SourceItem } from './types.js';
import { readWevtutilTextBatches } from './wevtutil-text.js';
import { readXmlBatches } from './xml.js';
import { errnoText } from '../errno.js';
import { liveLogHint } from '../evtx/index.js';

export { detectFormat } from './detect.js';
export { defaultTimezone, parseLocalTime } from './time.js';
export type { InputFormat, InputIssue, RawEvent, ReadOptions, SourceItem } from './types.js';

export { FORMAT_LABELS, INPUT_FORMATS } from './formats.js';

export interface OpenSourceOptions {
  format?: InputFormat;
  timezone: string;
  host?: string;
  /** Code page of text exports without a BOM (ReadOptions.encoding). */
  encoding?: string;
}

function fatal(file: string, format: InputFormat | 'unknown', reason: string): SourceItem[] {
  return [{ ok: false, issue: { file, format, reason, fatal: true } }];
}

async function readHead(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buf = new Uint8Array(HEAD_BYTES);
    let filled = 0;
    while (filled < buf.length) {
      const { bytesRead } = await handle.read(buf, filled, buf.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buf.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

function readerFor(format: InputFormat, file: string, opts: ReadOptions, forced: boolean): AsyncIterable<SourceItem[]> {
  if (format === 'evtx') return groupItems(readEvtxSource(file, opts));
  const stream = createReadStream(file, { highWaterMark: 64 * 1024 });
  if (format === 'xml') return readXmlBatches(stream, opts);
  if (format === 'csv-export' || format === 'csv-eventviewer') return readCsvBatches(stream, { ...opts, format });
  if (isJsonFormat(format)) return readJsonBatches(stream, forced ? { ...opts, format } : { ...opts, hint: format });
  if (format === 'wevtutil-text') return readWevtutilTextBatches(stream, opts);
  throw new Error(`no reader for format ${format as string}`);
}

/** The format a file's content says it is; null when it is empty or no known export (read errors throw). */
export async function detectFileFormat(file: string): Promise<InputFormat | null> {
  const head = await readHead(file);
  return head.length === 0 ? null : detectFormat(head, file);
}

/**
 * Opens one export file. The format is detected from the content unless given; an unreadable file,
 * an unknown format or an unknown time zone yields one fatal issue; an empty file one plain issue.
 */
export function openSource(file: string, opts: OpenSourceOptions): AsyncGenerator<SourceItem> {
  return flattenBatches(openSourceBatches(file, opts));
}

/** openSource, an array of items at a time (one per chunk of input): the ingest hot path. */
export async function* openSourceBatches(file: string, opts: OpenSourceOptions): AsyncGenerator<SourceItem[]> {
  if (!isValidTimezone(opts.timezone)) {
    yield fatal(file, opts.format ?? 'unknown', `unknown time zone "${opts.timezone}" (expected an IANA name such as Europe/Berlin)`);
    return;
  }
  if (opts.encoding !== undefined && !(await import('./codepage.js')).isKnownEncoding(opts.encoding)) {
    yield fatal(file, opts.format ?? 'unknown', unknownEncodingReason(opts.encoding));
    return;
  }
  if (opts.format !== undefined && !INPUT_FORMATS.includes(opts.format)) {
    yield fatal(file, 'unknown', `unknown format "${opts.format as string}" (known: ${INPUT_FORMATS.join(', ')})`);
    return;
  }
  let head: Uint8Array;
  try {
    head = await readHead(file);
  } catch (err) {
    yield fatal(file, opts.format ?? 'unknown', `cannot read file: ${errnoText(err)}${liveLogHint(err, file)}`);
    return;
  }
  if (head.length === 0) {
    const issue: InputIssue = { file, format: opts.format ?? 'unknown', reason: 'file is empty' };
    yield [{ ok: false, issue }];
    return;
  }
  const format = opts.format ?? detectFormat(head, file);
  if (!format) {
    yield fatal(file, 'unknown', UNKNOWN_FORMAT_REASON);
    return;
  }
  const readOpts: ReadOptions = { file, timezone: opts.timezone };
  if (opts.host !== undefined) readOpts.host = opts.host;
  if (opts.encoding !== undefined) readOpts.encoding = opts.encoding;
  try {
    yield* readerFor(format, file, readOpts, opts.format !== undefined);
  } catch (err) {
    // Readers report bad content as issues; what gets here is an I/O failure mid-file.
    yield fatal(file, format, `reading stopped: ${errnoText(err)}${liveLogHint(err, file)}`);
  }
}
