/**
 * Format detection from the first bytes of a file (≥ 64 KiB when available), by content first:
 * EVTX magic, XML events, JSON records recognised by their keys, `wevtutil /f:text` blocks, CSV headers. The extension only
 * breaks ties the content cannot (it never overrides what the content says).
 */
import { classifyCsvHeader, parseTypeLine, sniffDelimiter, splitHeader } from './csv-header.js';
import { recogniseRecord } from './json.js';
import { isObject } from './shippers/common.js';
import { decodeHead } from './text.js';
import type { InputFormat } from './types.js';
import { looksLikeWevtutilText } from './wevtutil-text.js';

export const HEAD_BYTES = 64 * 1024;

const EVTX_MAGIC = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]; // "ElfFile\0"

function isEvtx(head: Uint8Array): boolean {
  return head.length >= 8 && EVTX_MAGIC.every((b, i) => head[i] === b);
}

const XML_EVENT_RE = /<(?:[A-Za-z_][\w.-]*:)?Events?[\s>/]/;

/**
 * The first complete `{…}` in `text`, parsed; null when there is none within the text. In every JSON
 * shape we read (NDJSON, arrays, `tag: [time, {record}]`) the first object is the first record.
 */
export function firstJsonObject(text: string): Record<string, unknown> | null {
  const start = text.indexOf('{');
  if (start === -1) return null;
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (--depth === 0) {
        try {
          const value: unknown = JSON.parse(text.slice(start, i + 1));
          return isObject(value) ? value : null;
        } catch {
          return null;
        }
      }
    }
  }
  return null;
}

/** Key sniffing for a first record larger than the head. */
function sniffJsonKeys(text: string): InputFormat | null {
  if (/"System"\s*:\s*\{/.test(text) && /"EventRecordID"/.test(text)) return 'openwec';
  if (/"winlog"\s*:\s*\{/.test(text)) return 'winlogbeat';
  if (/"EventTime"\s*:/.test(text) && /"Hostname"\s*:/.test(text)) return 'nxlog';
  if (/"StringInserts"\s*:/.test(text)) return 'fluentbit';
  if (/"(?:MachineName|RecordId|ReplacementStrings)"\s*:/.test(text)) return 'psjson';
  return null;
}

export function detectFormat(head: Uint8Array, fileName: string): InputFormat | null {
  if (isEvtx(head)) return 'evtx';
  const text = decodeHead(head).replace(/^\s+/, '');
  if (!text) return /\.xml$/i.test(fileName) ? 'xml' : null;
  const first = text[0];
  if (first === '<') return XML_EVENT_RE.test(text) ? 'xml' : null;
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  if (first === '{' || first === '[' || /^[^\s"{[\]]+: \[/.test(firstLine)) {
    const record = firstJsonObject(text);
    if (record) {
      const mapper = recogniseRecord(record);
      return mapper ? mapper.format : null;
    }
    return sniffJsonKeys(text);
  }
  if (looksLikeWevtutilText(text)) return 'wevtutil-text';
  if (parseTypeLine(firstLine)) return 'csv-export';
  return classifyCsvHeader(splitHeader(firstLine, sniffDelimiter(firstLine)));
}
