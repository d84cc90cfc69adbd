import { createHash } from 'node:crypto';
import type { KmsRecord } from '../kms/types.js';

/**
 * The part of the dedup key that identifies an event within (host lower-case, channel)
 * (docs/definitions.md "dedup key"):
 *   - with a record id: `<recordId>@<event second>`; the second is part of the key because
 *     record ids restart after a log clear, and seconds (not ms) because some exports
 *     (Export-Csv) carry only whole seconds;
 *   - without one (Event Viewer CSV): `#` + a hash of event id, event second and the data.
 */
export function dedupKey(record: KmsRecord): string {
  const second = Math.floor(record.time / 1000);
  if (record.recordId !== null && record.recordId !== undefined) return `${record.recordId}@${second}`;
  return `#${contentHash(record, second).slice(0, 32)}`;
}

/**
 * The same identity as an integer, for the narrow requests table whose dedup key is (host, second,
 * channel, rec): the record id, or when there is none -1 minus the first 52 bits of the content
 * hash (negative, so it never meets a record id; a collision needs equal host, channel and second).
 */
export function dedupRec(record: KmsRecord): number {
  const id = record.recordId;
  if (id !== null && id !== undefined) return id;
  return -1 - Number.parseInt(contentHash(record, Math.floor(record.time / 1000)).slice(0, 13), 16);
}

function contentHash(record: KmsRecord, second: number): string {
  const hash = createHash('sha256');
  hash.update(`${record.eventId}\u0000${second}\u0000`);
  for (const part of contentParts(record)) hash.update(`${part}\u0000`);
  return hash.digest('hex');
}

/** The data an event carries, in a fixed order, for the content hash. */
function contentParts(record: KmsRecord): readonly (string | number | boolean | null)[] {
  switch (record.kind) {
    case 'request':
      return [
        record.resultHex, record.minimumCount, record.machine, record.cmid, record.clientTimeText,
        record.isVm, record.licenseState, record.minutesLeft, record.activationId,
      ];
    case 'client':
      return [record.resultHex, ...Object.entries(record.fields).flat()];
    case 'host':
      return [record.type, record.resultHex, record.domain, record.detail];
    case 'anomaly':
      return [record.provider, record.reason, record.raw];
  }
}

/** Host names compare case-insensitively everywhere (dedup, grouping, filters). */
export function hostKey(host: string): string {
  return host.toLowerCase();
}
