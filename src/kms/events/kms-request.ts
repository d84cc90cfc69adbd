/**
 * Event 12290, "An activation request has been processed" (kms-events.md §1.2).
 * Accepted shapes: 10 insertion strings (Data[0] = the Info string, Data[1..9] = the fields),
 * 9 strings (the fields without Info), 1 string (the Info string alone), or no strings and a
 * message with an `Info:` line. Anything else, or a field without its documented shape, is an anomaly.
 */
import type { RawEvent } from '../../sources/types.js';
import { parseClientTime } from '../client-time.js';
import { formatHresult } from '../codes.js';
import { infoFromMessage, makeAnomaly, quote, recordBase, splitInfo } from '../fields.js';
import { normalizeGuid } from '../guid.js';
import { lookupProduct } from '../products.js';
import type { KmsAnomaly, KmsRequest } from '../types.js';

const FIELD_COUNT = 9;
const HEX_RESULT = /^0x[0-9a-f]{1,8}$/i;
const UNSIGNED = /^\d{1,10}$/;

type Fields = { ok: true; fields: string[] } | { ok: false; reason: string };

function requestFields(ev: RawEvent): Fields {
  const data = ev.data;
  if (data) {
    if (data.length === FIELD_COUNT + 1) return { ok: true, fields: data.slice(1).map((s) => s.trim()) };
    if (data.length === FIELD_COUNT) return { ok: true, fields: data.map((s) => s.trim()) };
    if (data.length === 1) {
      const parts = splitInfo(data[0]);
      if (parts.length === FIELD_COUNT) return { ok: true, fields: parts };
      return { ok: false, reason: `12290 with a single insertion string of ${parts.length} comma-separated fields; expected ${FIELD_COUNT}` };
    }
    return { ok: false, reason: `12290 with ${data.length} insertion strings; expected 10 (Info + 9 fields) or 9` };
  }
  const info = infoFromMessage(ev.message);
  if (info === null) return { ok: false, reason: '12290 without insertion strings and without an Info line in its message' };
  const parts = splitInfo(info);
  if (parts.length !== FIELD_COUNT) {
    return { ok: false, reason: `12290 message Info line has ${parts.length} comma-separated fields; expected ${FIELD_COUNT}` };
  }
  return { ok: true, fields: parts };
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

export function decodeKmsRequest(ev: RawEvent): KmsRequest | KmsAnomaly {
  const got = requestFields(ev);
  if (!got.ok) return makeAnomaly(ev, got.reason);
  const [resultText, minText, machine, cmidText, clientTimeText, vmText, stateText, minutesText, actText] = got.fields;

  const check = new FieldCheck();
  if (!HEX_RESULT.test(resultText)) check.fail(`result ${quote(resultText)} is not a hex HRESULT`);
  const minimumCount = check.unsigned(minText, 'minimum count');
  const cmid = check.guid(cmidText, 'CMID');
  if (vmText !== '0' && vmText !== '1') check.fail(`VM flag ${quote(vmText)} is not 0 or 1`);
  const licenseState = check.unsigned(stateText, 'license state');
  const minutesLeft = check.unsigned(minutesText, 'minutes left');
  const activationId = check.guid(actText, 'activation ID');
  if (check.problems.length > 0) {
    return makeAnomaly(ev, `12290 without the documented shape: ${check.problems.join('; ')}`);
  }

  const result = Number.parseInt(resultText.slice(2), 16);
  return {
    kind: 'request',
    ...recordBase(ev),
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
