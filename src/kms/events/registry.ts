/**
 * Event id → decoder, one table per log. The KMS log holds 12290 and, on newer Windows, the DNS
 * publishing events 12293/12294 (kms-events.md App. B); every other id there is an anomaly.
 */
import type { RawEvent } from '../../sources/types.js';
import type { DecodeResult } from '../types.js';
import { decodeClientRequest, decodeClientResponse } from './client-events.js';
import { HOST_EVENTS, decodeHostEvent } from './host-events.js';
import { decodeKmsRequest } from './kms-request.js';

export type EventDecoder = (ev: RawEvent) => DecodeResult;

export const KMS_REQUEST_EVENT_ID = 12290;

function hostDecoder(id: number): [number, EventDecoder] {
  const spec = HOST_EVENTS.get(id);
  if (!spec) throw new Error(`no host event spec for ${id}`);
  return [id, (ev) => decodeHostEvent(ev, spec)];
}

export const KMS_CHANNEL_DECODERS: ReadonlyMap<number, EventDecoder> = new Map<number, EventDecoder>([
  [KMS_REQUEST_EVENT_ID, decodeKmsRequest],
  hostDecoder(12293),
  hostDecoder(12294),
]);

export const APPLICATION_DECODERS: ReadonlyMap<number, EventDecoder> = new Map<number, EventDecoder>([
  [12288, decodeClientRequest],
  [12289, decodeClientResponse],
  ...[...HOST_EVENTS.keys()].map(hostDecoder),
]);

/**
 * Ids specific enough to trust without a provider name (formats that carry none). 900-903, 1001,
 * 1003 and 16384 are also used by unrelated Application-log sources (1001 is Windows Error
 * Reporting's), so they need the SPP provider.
 */
export const DISTINCTIVE_IDS: ReadonlySet<number> = new Set([12288, 12289, 12291, 12292, 12293, 12294, 12310]);
