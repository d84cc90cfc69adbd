/**
 * Event 12290, "An activation request has been processed" (kms-events.md §1.2).
 * Accepted shapes: 10 insertion strings (Data[0] = the Info string, Data[1..9] = the fields),
 * 9 strings (the fields without Info), 1 string (the Info string alone), or no strings and a
 * message with an `Info:` line. Anything else, or a field without its documented shape, is an anomaly.
 */
import type { RawEvent } from '../../sources/types.js';
import { parseClientTime } from '../client-time.js';
import { formatHresult } from '../codes.js';
import { infoFromMessage, makeAnomaly, quote, sourceOf, splitInfo } from '../fields.js';
import { normalizeGuid } from '../guid.js';
import { lookupProduct } from '../products.js';
import type { KmsAnomaly, KmsRequest } from '../types.js';

const FIELD_COUNT = 9;
const HEX_RESULT = /^0x[0-9a-f]{1,8}$/i;
const UNSIGNED = /^\d{1,10}$/;

/** The nine fields, trimmed, or the reason the event does not have them. */
function requestFields(ev: RawEvent): string[] | string {
  const data = ev.data;
  if (data) {
    if (data.length === FIELD_COUNT + 1) return trimmed(data, 1);
    if (data.length === FIELD_COUNT) return trimmed(data, 0);
    if (data.length === 1) {
      const parts = splitRequestInfo(data[0]);
      if (parts.length === FIELD_COUNT) return parts;
      return `12290 with a single insertion string of ${parts.length} comma-separated fields; expected ${FIELD_COUNT}`;
    }
    return `12290 with ${data.length} insertion strings; expected 10 (Info + 9 fields) or 9`;
  }
  const info = infoFromMessage(ev.message);
  if (info === null) return '12290 without insertion strings and without an Info line in its message';
  const parts = splitRequestInfo(info);
  if (parts.length !== FIELD_COUNT) {
    return `12290 message Info line has ${parts.length} comma-separated fields; expected ${FIELD_COUNT}`;
  }
  return parts;
}

/** Fields before and after the machine name in an Info string. */
const FIELDS_BEFORE_MACHINE = 2;
const FIELDS_AFTER_MACHINE = 6;

/**
 * The nine fields of an Info string, trimmed. The machine name is the client's to choose and may
 * hold commas, the other fields cannot: the string is split from both ends and what lies between
 * the second and the sixth-last comma is the name.
 */
function splitRequestInfo(info: string): string[] {
  const parts = info.split(',');
  if (parts.length <= FIELD_COUNT) return splitInfo(info);
  const after = parts.length - FIELDS_AFTER_MACHINE;
  return [
    ...parts.slice(0, FIELDS_BEFORE_MACHINE).map((p) => p.trim()),
    parts.slice(FIELDS_BEFORE_MACHINE, after).join(',').trim(),
    ...parts.slice(after).map((p) => p.trim()),
  ];
}

function trimmed(data: readonly string[], from: number): string[] {
  const out = new Array<string>(data.length - from);
  for (let i = from; i < data.length; i++) out[i - from] = data[i].trim();
  return out;
}

/** Value of 1-10 decimal digits (UNSIGNED), else -1. A character loop: runs three times per request. */
function unsignedValue(s: string): number {
  const n = s.length;
  if (n === 0 || n > 10) return -1;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** Value of `0x` + 1-8 hex digits, either case (HEX_RESULT), else -1. */
function hexResultValue(s: string): number {
  const n = s.length;
  if (n < 3 || n > 10 || s.charCodeAt(0) !== 48 || (s.charCodeAt(1) | 0x20) !== 0x78) return -1;
  let value = 0;
  for (let i = 2; i < n; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) d = (c | 0x20) - 0x61 + 10;
    else return -1;
    value = value * 16 + d;
  }
  return value;
}

/** Collects every shape problem of one event, so the anomaly reason names them all. */
class FieldCheck {
  readonly problems: string[] = [];

  unsigned(value: string, label: string): number {
    if (UNSIGNED.test(value)) return Number(value);
    this.problems.push(`${label} ${quote(value)} is not a non-negative integer`);
    return -1;
  }

  guid(value: string, label: string): string {
    const id = normalizeGuid(value);
    if (id !== null) return id;
    this.problems.push(`${label} ${quote(value)} is not a GUID`);
    return '';
  }

  fail(problem: string): void {
    this.problems.push(problem);
  }
}

/** The problems of fields that failed the quick checks, in field order. */
function shapeProblems(fields: readonly string[]): string[] {
  const [resultText, minText, , cmidText, , vmText, stateText, minutesText, actText] = fields;
  const check = new FieldCheck();
  if (!HEX_RESULT.test(resultText)) check.fail(`result ${quote(resultText)} is not a hex HRESULT`);
  check.unsigned(minText, 'minimum count');
  check.guid(cmidText, 'CMID');
  if (vmText !== '0' && vmText !== '1') check.fail(`VM flag ${quote(vmText)} is not 0 or 1`);
  check.unsigned(stateText, 'license state');
  check.unsigned(minutesText, 'minutes left');
  check.guid(actText, 'activation ID');
  return check.problems;
}

export function decodeKmsRequest(ev: RawEvent): KmsRequest | KmsAnomaly {
  const fields = requestFields(ev);
  if (typeof fields === 'string') return makeAnomaly(ev, fields);
  const resultText = fields[0];
  const machine = fields[2];
  const clientTimeText = fields[4];
  const vmText = fields[5];

  const result = hexResultValue(resultText);
  const minimumCount = unsignedValue(fields[1]);
  const cmid = normalizeGuid(fields[3]);
  const licenseState = unsignedValue(fields[6]);
  const minutesLeft = unsignedValue(fields[7]);
  const activationId = normalizeGuid(fields[8]);
  if (
    result < 0 || minimumCount < 0 || cmid === null || (vmText !== '0' && vmText !== '1') ||
    licenseState < 0 || minutesLeft < 0 || activationId === null
  ) {
    return makeAnomaly(ev, `12290 without the documented shape: ${shapeProblems(fields).join('; ')}`);
  }

  return {
    kind: 'request',
    host: ev.host,
    channel: ev.channel,
    eventId: ev.eventId,
    recordId: ev.recordId ?? null,
    time: ev.time,
    source: sourceOf(ev),
    result,
    resultHex: formatHresult(result),
    minimumCount,
    machine,
    cmid,
    clientTimeText,
    clientTime: parseClientTime(clientTimeText),
    isVm: vmText === '1',
    licenseState,
    minutesLeft,
    activationId,
    product: lookupProduct(activationId),
  };
}
