/**
 * The events a KMS client writes in its own Application log (kms-events.md §2.2-§2.4): 12288
 * "request sent" and 12289 "response processed", each one Info string of `, `-separated fields,
 * provider Microsoft-Windows-Security-SPP, source "Software Protection Platform Service".
 */
import { hresult, spp, type RequestFields, type SimEvent } from './events.js';

export const KMS_PORT = 1688;
/** SL_VL_BINDING_ERROR_NOT_ENOUGH_COUNT (kms-events.md §2.4): the host's count is below the N-policy. */
export const FLAG_NOT_ENOUGH_COUNT = 0x4000000;
export const RESULT_NOT_ENOUGH_COUNT = 0xc004f038;
export const RESULT_NOT_CONTACTED = 0xc004f074;
/** VLActivationInterval and VLRenewalInterval in minutes (kms-events.md §3.3), as the host returns them. */
export const ACTIVATION_INTERVAL_MIN = 120;
export const RENEWAL_INTERVAL_MIN = 10080;

/** Fields of a 12288 (§2.3): those of the 12290 the host logs for it, less the machine name, plus two. */
export interface ClientRequestFields extends Omit<RequestFields, 'machine'> {
  statusFlags: number;
  /** `name:port` as the client found it, or '' when it found none. */
  kmsHost: string;
}

/** Fields of a 12289 in the order of §2.3. */
export interface ClientResponseFields {
  result: number;
  statusFlags: number;
  activated: boolean;
  /** The count the host returned. */
  currentCount: number;
  clientTime: number;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** 12288's client time: `yyyy/MM/dd HH:mm`, padded (MS-F074's `2010/09/29 17:52`), UTC. */
export function requestClientTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${pad2(d.getUTCMonth() + 1)}/${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
}

/** 12289's client time: `M/d/yyyy H:mm` (TR-EVT's `1/14/2006 2:30`), UTC. */
export function responseClientTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${d.getUTCHours()}:${pad2(d.getUTCMinutes())}`;
}

export function clientRequestInfo(f: ClientRequestFields): string {
  return [
    hresult(f.result),
    hresult(f.statusFlags),
    f.kmsHost,
    f.cmid,
    requestClientTime(f.clientTime),
    f.isVm ? '1' : '0',
    String(f.licenseState),
    String(f.minutesLeft),
    f.activationId,
    String(f.minimumCount),
  ].join(', ');
}

export function clientResponseInfo(f: ClientResponseFields): string {
  return [
    hresult(f.result),
    hresult(f.statusFlags),
    f.activated ? '1' : '0',
    '0',
    String(f.currentCount),
    String(ACTIVATION_INTERVAL_MIN),
    String(RENEWAL_INTERVAL_MIN),
    responseClientTime(f.clientTime),
  ].join(', ');
}

function clientEvent(computer: string, time: number, recordId: number, eventId: 12288 | 12289, info: string, text: string): SimEvent {
  return spp('application', computer, time, recordId, eventId, [info], `${text}\nInfo:\n${info}`);
}

export function clientRequestEvent(computer: string, time: number, recordId: number, f: ClientRequestFields): SimEvent {
  return clientEvent(computer, time, recordId, 12288, clientRequestInfo(f), 'The client has sent an activation request to the key management service machine.');
}

export function clientResponseEvent(computer: string, time: number, recordId: number, f: ClientResponseFields): SimEvent {
  return clientEvent(computer, time, recordId, 12289, clientResponseInfo(f), 'The client has processed an activation response from the key management service machine.');
}
