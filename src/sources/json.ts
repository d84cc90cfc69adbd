/**
 * JSON exports (NDJSON or arrays, see json-values.ts) mapped record by record through the shipper
 * mappers in ./shippers. Each record is recognised by its keys unless the format was forced, so a
 * file that mixes shapes still reads; a record no mapper knows is an issue, not a fatal error.
 */
import { flattenBatches } from './batches.js';
import { splitJsonValueBatches } from './json-values.js';
import { resolveLocalTimes } from './local-times.js';
import { fluentbit } from './shippers/fluentbit.js';
import { isObject, type JsonObject, type ShipperMapper } from './shippers/common.js';
import { nxlog } from './shippers/nxlog.js';
import { openwec } from './shippers/openwec.js';
import { powershell } from './shippers/powershell.js';
import { winlogbeat } from './shippers/winlogbeat.js';
import { decodeText, type ByteInput } from './text.js';
import type { InputFormat, ReadOptions, SourceItem } from './types.js';

/** Most specific first: OpenWEC's `System` object, Winlogbeat's `winlog`, then flat shapes. */
export const SHIPPERS: readonly ShipperMapper[] = [openwec, winlogbeat, nxlog, fluentbit, powershell];

export type JsonFormat = 'winlogbeat' | 'fluentbit' | 'nxlog' | 'openwec' | 'psjson';

export const JSON_FORMATS: readonly JsonFormat[] = ['winlogbeat', 'fluentbit', 'nxlog', 'openwec', 'psjson'];

export function isJsonFormat(format: string): format is JsonFormat {
  return (JSON_FORMATS as readonly string[]).includes(format);
}

export function recogniseRecord(obj: JsonObject): ShipperMapper | undefined {
  return SHIPPERS.find((s) => s.matches(obj));
}


/** The records inside one JSON value: an object, an array of objects, or Fluent Bit's `[time, {record}]`. */
function recordsOf(value: unknown): unknown[] {
  if (!Array.isArray(value)) return [value];
  if (value.length === 2 && !isObject(value[0]) && isObject(value[1])) return [value[1]];
  return value;
}

export interface JsonReadOptions extends ReadOptions {
  /** Forced format: every record goes through this mapper. */
  format?: JsonFormat;
  /** Detected format of the file: named in issues about lines that are not JSON. */
  hint?: JsonFormat;
}

export function readJsonSource(input: ByteInput, opts: JsonReadOptions): AsyncGenerator<SourceItem> {
  return flattenBatches(readJsonBatches(input, opts));
}

/** The items of a JSON export, one array per chunk of text; times of a repeated hour resolved by the log's order (local-times.ts). */
export function readJsonBatches(input: ByteInput, opts: JsonReadOptions): AsyncGenerator<SourceItem[]> {
  return resolveLocalTimes(readJsonBatchesAsWritten(input, opts), opts.format ?? opts.hint ?? 'winlogbeat');
}

async function* readJsonBatchesAsWritten(input: ByteInput, opts: JsonReadOptions): AsyncGenerator<SourceItem[]> {
  const forced = opts.format ? SHIPPERS.find((s) => s.format === opts.format) : undefined;
  const issueFormat: InputFormat | 'unknown' = opts.format ?? opts.hint ?? 'unknown';
  let index = 0;
  for await (const values of splitJsonValueBatches(decodeText(input, opts.encoding))) {
    const items: SourceItem[] = [];
    for (const item of values) {
      if (!item.ok) {
        items.push({ ok: false, issue: { file: opts.file, format: issueFormat, line: item.line, record: index++, reason: item.reason } });
        continue;
      }
      for (const record of recordsOf(item.value)) {
        const ordinal = index++;
        if (!isObject(record)) {
          items.push({ ok: false, issue: { file: opts.file, line: item.line, record: ordinal, format: issueFormat, reason: 'JSON value is not an object' } });
          continue;
        }
        const mapper = forced ?? recogniseRecord(record);
        if (!mapper) {
          items.push({ ok: false, issue: { file: opts.file, line: item.line, record: ordinal, format: issueFormat, reason: 'JSON record of no known shape (Winlogbeat, Fluent Bit, NXLog, OpenWEC, PowerShell)' } });
          continue;
        }
        const ev = mapper.map(record, { opts, line: item.line, index: ordinal });
        if (typeof ev === 'string') items.push({ ok: false, issue: { file: opts.file, line: item.line, record: ordinal, format: mapper.format, reason: ev } });
        else items.push({ ok: true, event: ev });
      }
    }
    if (items.length > 0) yield items;
  }
}
