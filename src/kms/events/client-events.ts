/**
 * Events a KMS client writes in its own Application log (kms-events.md §2.3): 12288 "request sent"
 * (one Info string, `, `-separated, 10 fields) and 12289 "response processed" (8 fields).
 */
import type { RawEvent } from '../../sources/types.js';
import { formatHresult, parseHresult } from '../codes.js';
import { infoFromMessage, makeAnomaly, quote, recordBase, splitInfo } from '../fields.js';
import type { KmsAnomaly, KmsClientEvent } from '../types.js';

export const CLIENT_REQUEST_FIELDS = [
  'result', 'statusFlags', 'kmsHost', 'cmid', 'clientTime', 'vmInfo', 'licenseState', 'minutesLeft', 'activationId', 'minimumCount',
] as const;

export const CLIENT_RESPONSE_FIELDS = [
  'result', 'statusFlags', 'activated', 'unused', 'currentCount', 'activationInterval', 'renewalInterval', 'clientTime',
] as const;

/** Windows logs one Info string; some exports hand the fields over already split. */
function clientFields(ev: RawEvent): string[] | null {
  const data = ev.data;
  if (data && data.length === 1) return splitInfo(data[0]);
  if (data && data.length > 1) return data.map((s) => s.trim());
  const info = infoFromMessage(ev.message);
  return info === null ? null : splitInfo(info);
}

function decodeClient(ev: RawEvent, names: readonly string[]): KmsClientEvent | KmsAnomaly {
  const values = clientFields(ev);
  if (values === null) return makeAnomaly(ev, `${ev.eventId} without insertion strings and without an Info line in its message`);
  if (values.length !== names.length) {
    return makeAnomaly(ev, `${ev.eventId} has ${values.length} fields; expected ${names.length}`);
  }
  const result = parseHresult(values[0]);
  if (result === null) return makeAnomaly(ev, `${ev.eventId} result ${quote(values[0])} is not an HRESULT`);
  const fields: Record<string, string> = {};
  names.forEach((name, i) => {
    fields[name] = values[i];
  });
  return { kind: 'client', ...recordBase(ev), result, resultHex: formatHresult(result), fields };
}

export function decodeClientRequest(ev: RawEvent): KmsClientEvent | KmsAnomaly {
  return decodeClient(ev, CLIENT_REQUEST_FIELDS);
}

export function decodeClientResponse(ev: RawEvent): KmsClientEvent | KmsAnomaly {
  return decodeClient(ev, CLIENT_RESPONSE_FIELDS);
}
