import type { RawEvent } from '../../src/sources/types.js';
import { KMS_CHANNEL } from '../../src/kms/types.js';

/** A RawEvent with plausible defaults; tests override what they exercise. */
export function rawEvent(overrides: Partial<RawEvent> = {}): RawEvent {
  return {
    eventId: 12290,
    provider: 'Microsoft-Windows-Security-SPP',
    channel: KMS_CHANNEL,
    host: 'kms01.contoso.com',
    recordId: 42,
    time: Date.UTC(2026, 0, 15, 10, 0, 0),
    data: null,
    origin: { file: 'logs/kms.xml', format: 'xml', line: 7 },
    ...overrides,
  };
}

/** The 10 insertion strings Windows writes for a 12290: the Info string, then its 9 fields. */
export function requestData(info: string): string[] {
  return [info, ...info.split(',')];
}
