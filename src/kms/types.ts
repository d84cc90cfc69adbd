/**
 * Typed KMS records decoded from RawEvents (see docs/reference/kms-events.md).
 * Times are epoch milliseconds UTC. `host` is the computer that logged the event.
 */
export const KMS_CHANNEL = 'Key Management Service';
export const APPLICATION_CHANNEL = 'Application';

/** KMS application a product is counted under (a host keeps one count per application). */
export type KmsApplication = 'Windows' | 'Office 2010' | 'Office' | 'Unknown';

export interface ProductInfo {
  /** Activation (SKU) ID, lower-case GUID without braces. */
  activationId: string;
  /** "Windows 10/11 Pro", or "Unknown product <GUID>". */
  name: string;
  /** KMS counted group name, e.g. "Windows 10/11 2015 (Volume)"; '' when unknown. */
  kmsGroup: string;
  /** KMS counted ID (lower-case GUID); '' when unknown. */
  kmsGroupId: string;
  application: KmsApplication;
  /** N-count policy of the product (25 or 5); null when unknown. */
  minimumCount: number | null;
  known: boolean;
}

interface KmsRecordBase {
  host: string;
  channel: string;
  eventId: number;
  recordId: number | null;
  time: number;
  /** Input file and format, e.g. "C:/logs/kms.evtx (evtx)". */
  source: string;
  /** The IANA zone `time` was read in, when the export wrote it without an offset (RawEvent.timeZone). */
  timeZone?: string;
}

/** 12290: an activation request processed by the host. */
export interface KmsRequest extends KmsRecordBase {
  kind: 'request';
  /** HRESULT as unsigned 32-bit integer. */
  result: number;
  /** HRESULT formatted as logged convention: `0x0`, `0xC004F06C` (upper-case hex digits). */
  resultHex: string;
  minimumCount: number;
  machine: string;
  cmid: string;
  /** Client time as written in the event (yyyy/M/d H:mm). */
  clientTimeText: string;
  /** Client time parsed as UTC, or null when unparseable. */
  clientTime: number | null;
  isVm: boolean;
  licenseState: number;
  minutesLeft: number;
  activationId: string;
  product: ProductInfo;
}

/** 12288 (request sent) / 12289 (response processed), logged by a KMS client in its Application log. */
export interface KmsClientEvent extends KmsRecordBase {
  kind: 'client';
  result: number;
  resultHex: string;
  /** 12288: fields 0-9 of §2.3; 12289: fields 0-7. Kept named. */
  fields: Record<string, string>;
}

/** Host-side Application-log events: 12291, 12292, 12293, 12294, 12310, 1003, 900-903, 1001, 16384. */
export interface KmsHostEvent extends KmsRecordBase {
  kind: 'host';
  /** 'kms-start-failed' | 'renewal-timer-failed' | 'dns-publish-failed' | 'dns-publish-ok' | 'avma-request' | 'license-check' | 'spp-starting' | 'spp-started' | 'spp-stopped' | 'spp-start-failed' | 'spp-restart-scheduled' */
  type: HostEventType;
  /** HRESULT when the event carries one. */
  resultHex: string | null;
  /** DNS domain for 12293/12294. */
  domain: string | null;
  /** Remaining insertion strings / message, joined. */
  detail: string;
}

export type HostEventType =
  | 'kms-start-failed'
  | 'renewal-timer-failed'
  | 'dns-publish-failed'
  | 'dns-publish-ok'
  | 'avma-request'
  | 'license-check'
  | 'spp-starting'
  | 'spp-started'
  | 'spp-stopped'
  | 'spp-start-failed'
  | 'spp-restart-scheduled';

/** Anything in the KMS channel that is not a well-formed 12290, or a 12290 whose data lacks the documented shape. */
export interface KmsAnomaly extends KmsRecordBase {
  kind: 'anomaly';
  reason: string;
  provider: string;
  /** The raw insertion strings (or message) as received. */
  raw: string;
}

export type KmsRecord = KmsRequest | KmsClientEvent | KmsHostEvent | KmsAnomaly;

/** Decoder result: a record, or null when the event is not ours (other Application-log events). */
export type DecodeResult = KmsRecord | null;
