/**
 * `wevtutil qe <log> /f:text` (what admins paste into tickets) → RawEvents. One block per event,
 * as the public samples cited in test/sources/wevtutil-text.test.ts show it:
 *
 *   Event[0]:
 *     Log Name: Key Management Service
 *     Source: Microsoft-Windows-Security-SPP
 *     Date: 2026-02-02T09:15:42.123
 *     Event ID: 12290
 *     Task: N/A
 *     …
 *     Computer: KMS01.corp.contoso.com
 *     Description:
 *   An activation request has been processed.
 *   Info:
 *   0x0,25,PC01.corp.contoso.com,…
 *
 * The labels are English whatever the UI language (only their values are localised). `Date:` is
 * local time without an offset on older Windows and UTC with `Z` on current builds: both go
 * through readEventTime with --timezone. The description is the rendered message, so the data are
 * lost (data null) and the KMS decoders read them from the message, as for Export-Csv. There is
 * no record id: `Event[N]` counts the events of this output from 0 (again from 0 for a second
 * query appended with `>>`; newest first with `/rd:true`), it is not the EventRecordID.
 */
import { flattenBatches } from './batches.js';
import { splitEventIdInto, toInteger } from './event-id.js';
import { resolveLocalTimes } from './local-times.js';
import { decodeText, type ByteInput } from './text.js';
import { readEventTime, setEventTime } from './time.js';
import type { InputIssue, RawEvent, ReadOptions, SourceItem } from './types.js';

const EVENT_LINE = /^Event\[(\d+)\]:[ \t]*$/;
/** `  Log Name: Application`: an indented label, a colon, the value (possibly empty). */
const HEADER_LINE = /^[ \t]+([A-Za-z][A-Za-z ]*?):[ \t]?(.*)$/;

/** true when `text` (decoded, leading white space removed) starts as `wevtutil qe /f:text` output. */
export function looksLikeWevtutilText(text: string): boolean {
  return /^Event\[\d+\]:[ \t]*\r?\n[ \t]+Log Name:/.test(text);
}

/** One event block while it is read. */
class EventBlock {
  readonly fields = new Map<string, string>();
  readonly description: string[] = [];
  inDescription = false;
  constructor(readonly line: number) {}

  /** The description without the blank lines that separate it from the next block. */
  message(): string {
    let end = this.description.length;
    while (end > 0 && this.description[end - 1].trim() === '') end--;
    return this.description.slice(0, end).join('\n');
  }
}

export function readWevtutilTextSource(input: ByteInput, opts: ReadOptions): AsyncGenerator<SourceItem> {
  return flattenBatches(readWevtutilTextBatches(input, opts));
}

/** The items of a `/f:text` export, one array per chunk of text; times of a repeated hour resolved by the log's order (local-times.ts). */
export function readWevtutilTextBatches(input: ByteInput, opts: ReadOptions): AsyncGenerator<SourceItem[]> {
  return resolveLocalTimes(readWevtutilTextBatchesAsWritten(input, opts), 'wevtutil-text');
}

async function* readWevtutilTextBatchesAsWritten(input: ByteInput, opts: ReadOptions): AsyncGenerator<SourceItem[]> {
  let block: EventBlock | null = null;
  let partial = '';
  let lineNo = 0;
  let index = 0;
  /** Text before the first `Event[N]:` line: reported once, at its first line. */
  let strayLine = 0;

  const issue = (line: number, reason: string, record?: number): SourceItem => {
    const i: InputIssue = { file: opts.file, format: 'wevtutil-text', line, reason };
    if (record !== undefined) i.record = record;
    return { ok: false, issue: i };
  };

  const finish = (b: EventBlock, items: SourceItem[]): void => {
    const ordinal = index++;
    const item = toEvent(b, opts, ordinal);
    items.push(typeof item === 'string' ? issue(b.line, item, ordinal) : { ok: true, event: item });
  };

  const take = (raw: string, items: SourceItem[]): void => {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (EVENT_LINE.test(line)) {
      if (block) finish(block, items);
      block = new EventBlock(lineNo);
      return;
    }
    if (!block) {
      if (line.trim() !== '' && strayLine === 0) strayLine = lineNo;
      return;
    }
    if (block.inDescription) {
      block.description.push(line);
      return;
    }
    const m = HEADER_LINE.exec(line);
    if (!m) {
      // A header that lost its indentation or a wrapped value: kept with the description.
      if (line.trim() !== '') block.description.push(line);
      return;
    }
    const label = m[1].toLowerCase();
    if (label === 'description') {
      block.inDescription = true;
      if (m[2].trim() !== '') block.description.push(m[2]);
      return;
    }
    if (!block.fields.has(label)) block.fields.set(label, m[2].trim());
  };

  const feed = (text: string): SourceItem[] => {
    const items: SourceItem[] = [];
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) take(line, items);
    return items;
  };

  for await (const text of decodeText(input, opts.encoding)) {
    const items = feed(text);
    if (items.length > 0) yield items;
  }
  const tail: SourceItem[] = [];
  if (partial !== '') take(partial, tail);
  if (block) finish(block, tail);
  if (strayLine !== 0) tail.unshift(issue(strayLine, 'text before the first "Event[N]:" line is not an event; skipped'));
  if (tail.length > 0) yield tail;
}

function toEvent(b: EventBlock, opts: ReadOptions, ordinal: number): RawEvent | string {
  const idText = b.fields.get('event id');
  const rawId = toInteger(idText);
  if (rawId === undefined) return idText === undefined ? 'no "Event ID:" line' : `bad Event ID "${idText}"`;
  const dateText = b.fields.get('date');
  if (dateText === undefined) return 'no "Date:" line';
  const time = readEventTime(dateText, opts.timezone);
  if (time === null) return `bad Date "${dateText}" (not a known date format)`;
  if (typeof time === 'string') return time;
  const ev: RawEvent = splitEventIdInto(rawId, undefined, {
    eventId: 0,
    channel: nonEmpty(b.fields.get('log name')) ?? opts.channel ?? '',
    host: nonEmpty(b.fields.get('computer')) ?? opts.host ?? '',
    time: time.time,
    // The description is the rendered message: the insertion strings are not in the export.
    data: null,
    message: b.message(),
    origin: { file: opts.file, format: 'wevtutil-text', line: b.line, index: ordinal },
  });
  const provider = nonEmpty(b.fields.get('source'));
  if (provider !== undefined) ev.provider = provider;
  setEventTime(ev, time);
  return ev;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' || value === 'N/A' ? undefined : value;
}
