/**
 * The events a KMS host logs, shaped as Windows writes them (classic events of provider
 * Microsoft-Windows-Security-SPP; kms-events.md §1-§2), as generic writer input plus the rendered
 * message the text exports carry.
 */
import type { EvtxEventInput } from '../evtx/writer/index.js';
import { KMS_CHANNEL, APPLICATION_CHANNEL } from '../kms/types.js';
import { encodeRequestData } from './request-bytes.js';

export const SPP_PROVIDER = 'Microsoft-Windows-Security-SPP';
export const SPP_GUID = '{E23B33B0-C8C9-472C-A5F9-F2BDFEA0F156}';
export const KMS_SOURCE = 'KmsRequests';
export const APP_SOURCE = 'Software Protection Platform Service';
export const CLASSIC_KEYWORDS = 0x80000000000000n;
export const SPP_QUALIFIERS = 16384;
export const FOREIGN_PROVIDER = 'Persistence';

export type SimChannel = 'kms' | 'application';

/** One event as the simulator emits it: writer input (record id set) plus its message text. */
export interface SimEvent extends EvtxEventInput {
  recordId: number;
  data: string[];
  message: string;
}

/** Fields of a 12290 request, in the order of its insertion strings [1..9] (kms-events.md §1.2). */
export interface RequestFields {
  result: number;
  minimumCount: number;
  machine: string;
  cmid: string;
  clientTime: number;
  isVm: boolean;
  licenseState: number;
  minutesLeft: number;
  activationId: string;
}

/** HRESULT as the host logs it: `0x0`, `0xC004F06C` (upper-case digits). */
export function hresult(code: number): string {
  return code === 0 ? '0x0' : `0x${(code >>> 0).toString(16).toUpperCase()}`;
}

const DAY_MS = 86_400_000;
const HOUR_TEXT = Array.from({ length: 24 }, (_, h) => String(h));
const MINUTE_TEXT = Array.from({ length: 60 }, (_, m) => String(m).padStart(2, '0'));
/** The `yyyy/M/d ` part of the last day asked for: requests come in time order, so it rarely changes. */
let memoDay = NaN;
let memoDayText = '';

/** Client time text `yyyy/M/d H:mm` (no padding, no seconds), UTC. */
export function clientTimeText(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== memoDay) {
    const d = new Date(day * DAY_MS);
    memoDayText = `${d.getUTCFullYear()}/${d.getUTCMonth() + 1}/${d.getUTCDate()} `;
    memoDay = day;
  }
  const inDay = ms - day * DAY_MS;
  const hour = Math.floor(inDay / 3_600_000);
  return memoDayText + HOUR_TEXT[hour] + ':' + MINUTE_TEXT[Math.floor((inDay - hour * 3_600_000) / 60_000)];
}

/** An event of the Software Protection Platform as Windows logs it: in a KMS host's logs, or (channel 'application') in a client's. */
export function spp(channel: SimChannel, host: string, time: number, recordId: number, eventId: number, data: string[], message: string): SimEvent {
  return {
    provider: SPP_PROVIDER,
    providerGuid: SPP_GUID,
    eventSourceName: channel === 'kms' ? KMS_SOURCE : APP_SOURCE,
    eventId,
    qualifiers: SPP_QUALIFIERS,
    level: 4,
    keywords: CLASSIC_KEYWORDS,
    time,
    recordId,
    channel: channel === 'kms' ? KMS_CHANNEL : APPLICATION_CHANNEL,
    computer: host,
    data,
    message,
  };
}

/** The insertion strings of a 12290: Info (the nine fields joined by ','), then the nine fields. */
export function requestData(f: RequestFields): string[] {
  const fields = [
    hresult(f.result),
    String(f.minimumCount),
    f.machine,
    f.cmid,
    clientTimeText(f.clientTime),
    f.isVm ? '1' : '0',
    String(f.licenseState),
    String(f.minutesLeft),
    f.activationId,
  ];
  return [fields.join(','), ...fields];
}

/**
 * A 12290 whose strings are made only when asked for: the EVTX writer takes `dataUtf16`, assembled
 * from cached pieces (request-bytes.ts), and never needs `data` or `message`; the text exports do.
 */
class RequestEvent implements SimEvent {
  readonly provider = SPP_PROVIDER;
  readonly providerGuid = SPP_GUID;
  readonly eventSourceName = KMS_SOURCE;
  readonly eventId = 12290;
  readonly qualifiers = SPP_QUALIFIERS;
  readonly level = 4;
  readonly keywords = CLASSIC_KEYWORDS;
  readonly channel = KMS_CHANNEL;
  private strings: string[] | null = null;

  constructor(
    readonly computer: string,
    readonly time: number,
    public recordId: number,
    private readonly fields: RequestFields,
  ) {}

  get data(): string[] {
    return (this.strings ??= requestData(this.fields));
  }

  get message(): string {
    return `An activation request has been processed.\nInfo:\n${this.data[0]}`;
  }

  /** A view into a shared buffer, valid until the next request is encoded (the writer copies it at once). */
  get dataUtf16(): Uint8Array | null {
    return encodeRequestData(this.fields, hresult);
  }
}

export function requestEvent(host: string, time: number, recordId: number, f: RequestFields): SimEvent {
  return new RequestEvent(host, time, recordId, f);
}

export function dnsPublishFailedEvent(host: string, time: number, recordId: number, result: number, domain: string): SimEvent {
  const hr = hresult(result);
  return spp('application', host, time, recordId, 12293, [hr, domain], `Publishing the Key Management Service (KMS) to DNS in the '${domain}' domain failed.\nInfo:\n${hr}`);
}

export function dnsPublishOkEvent(host: string, time: number, recordId: number, domain: string): SimEvent {
  return spp('application', host, time, recordId, 12294, [domain], `Publishing the KMS to DNS in the '${domain}' domain is successful.`);
}

export function kmsStartFailedEvent(host: string, time: number, recordId: number, result: number): SimEvent {
  const hr = hresult(result);
  return spp('application', host, time, recordId, 12291, [hr], `Key Management Service (KMS) failed to start.\nInfo:\n${hr}`);
}

export function licenseCheckEvent(host: string, time: number, recordId: number, applicationId: string, activationId: string): SimEvent {
  const status = `\n1: ${activationId}, 1, 1 [(0 [0x00000000, 1, 0], [( 9 0x00000000)( 1 0x00000000 15 NULL)( ?)( ?)( ?)( ?)( ?)( ?)])]\n`;
  return spp(
    'application',
    host,
    time,
    recordId,
    1003,
    [applicationId, status],
    `The Software Protection service has completed licensing status check.\nApplication Id=${applicationId}\nLicensing Status=${status}`,
  );
}

export function restartScheduledEvent(host: string, time: number, recordId: number, restartAt: number): SimEvent {
  const at = new Date(restartAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return spp('application', host, time, recordId, 16384, [at, 'RulesEngine'], `Successfully scheduled Software Protection service for re-start at ${at}. Reason: RulesEngine.`);
}

/** What SharpEventPersist-style tools leave in the KMS log: event 1337 with a hex payload. */
export function foreignEvent(host: string, time: number, recordId: number, payload: Uint8Array): SimEvent {
  const hex = [...payload].map((b) => b.toString(16).padStart(2, '0')).join('');
  return {
    provider: FOREIGN_PROVIDER,
    eventId: 1337,
    qualifiers: 0,
    level: 4,
    keywords: CLASSIC_KEYWORDS,
    time,
    recordId,
    channel: KMS_CHANNEL,
    computer: host,
    data: [hex],
    binary: payload,
    message: `The description for Event ID 1337 from source ${FOREIGN_PROVIDER} cannot be found.\n\nthe message resource is present but the message was not found in the message table\n\n${hex}`,
  };
}
