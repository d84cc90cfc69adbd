import type { RawEvent, SourceItem } from '../../src/sources/types.js';

/** RawEvent generators shaped like the readers' output for the documented 12290 (kms-events.md §1.2). */
export const WIN_PRO_ID = '2de67392-b7a7-462a-b1ca-108dd189f588';
export const T0 = Date.UTC(2026, 10, 1, 8);

export function cmidOf(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** A 12290 whose insertion strings are Info + the 9 fields. */
export function request12290(n: number, over: Partial<RawEvent> = {}, fields: Partial<Record<'result' | 'machine', string>> = {}): RawEvent {
  const info = [fields.result ?? '0x0', '25', fields.machine ?? `pc${n}.corp.example`, cmidOf(n), '2026/11/1 8:00', '0', '1', '259200', WIN_PRO_ID];
  return {
    eventId: 12290,
    qualifiers: 16384,
    provider: 'Microsoft-Windows-Security-SPP',
    channel: 'Key Management Service',
    host: 'KMS01.corp.example',
    recordId: n + 1,
    time: T0 + n * 1000,
    data: [info.join(','), ...info],
    origin: { file: 'export.xml', format: 'xml', line: n + 2, index: n },
    ...over,
  };
}

/** An Application-log event of some other product: decodes to null (ignored). */
export function foreignEvent(n: number): RawEvent {
  return {
    eventId: 1000, provider: 'Application Error', channel: 'Application', host: 'KMS01.corp.example',
    recordId: 50_000 + n, time: T0 + n * 1000, data: ['x'], origin: { file: 'app.xml', format: 'xml', index: n },
  };
}

/** Something else in the KMS channel: an anomaly. */
export function strangeKmsEvent(n: number): RawEvent {
  return {
    eventId: 4242, provider: 'Microsoft-Windows-Security-SPP', channel: 'Key Management Service',
    host: 'KMS01.corp.example', recordId: n + 1, time: T0 + n * 1000, data: ['payload'],
    origin: { file: 'export.xml', format: 'xml', index: n },
  };
}

export const ok = (event: RawEvent): SourceItem => ({ ok: true, event });
