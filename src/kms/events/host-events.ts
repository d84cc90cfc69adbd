/**
 * Host-side events of the Application log (kms-events.md §2.1), described as data: which
 * insertion string holds the HRESULT and which the DNS domain. Strings not consumed go to `detail`.
 */
import type { RawEvent } from '../../sources/types.js';
import { formatHresult, parseHresult } from '../codes.js';
import { recordBase } from '../fields.js';
import type { HostEventType, KmsHostEvent } from '../types.js';

export interface HostEventSpec {
  type: HostEventType;
  /** Index of the HRESULT insertion string; text there that does not parse stays in `detail`. */
  hresult?: number;
  /** Index of the DNS domain insertion string (12293/12294). */
  domain?: number;
}

export const HOST_EVENTS: ReadonlyMap<number, HostEventSpec> = new Map<number, HostEventSpec>([
  [12291, { type: 'kms-start-failed', hresult: 0 }],
  [12292, { type: 'renewal-timer-failed', hresult: 0 }],
  [12293, { type: 'dns-publish-failed', hresult: 0, domain: 1 }],
  [12294, { type: 'dns-publish-ok', domain: 0 }],
  [12310, { type: 'avma-request', hresult: 0 }],
  [1003, { type: 'license-check' }],
  [900, { type: 'spp-starting' }],
  [902, { type: 'spp-started' }],
  [903, { type: 'spp-stopped' }],
  [1001, { type: 'spp-start-failed', hresult: 0 }],
  [16384, { type: 'spp-restart-scheduled' }],
]);

const DETAIL_SEPARATOR = ' | ';
const HRESULT_IN_TEXT = /\b0x[0-9a-f]{1,8}\b/i;
const QUOTED_DOMAIN = /'([^'\r\n]+)'/;

function fromData(data: string[], spec: HostEventSpec) {
  const used = new Set<number>();
  let resultHex: string | null = null;
  let domain: string | null = null;
  if (spec.hresult !== undefined && spec.hresult < data.length) {
    const code = parseHresult(data[spec.hresult]);
    if (code !== null) {
      resultHex = formatHresult(code);
      used.add(spec.hresult);
    }
  }
  if (spec.domain !== undefined && spec.domain < data.length) {
    domain = data[spec.domain].trim();
    used.add(spec.domain);
  }
  const detail = data.filter((_, i) => !used.has(i)).join(DETAIL_SEPARATOR);
  return { resultHex, domain, detail };
}

/** Lost insertion strings: take the HRESULT and the quoted domain from the rendered message. */
function fromMessage(message: string, spec: HostEventSpec) {
  let resultHex: string | null = null;
  if (spec.hresult !== undefined) {
    const hit = HRESULT_IN_TEXT.exec(message);
    const code = hit ? parseHresult(hit[0]) : null;
    if (code !== null) resultHex = formatHresult(code);
  }
  const domain = spec.domain !== undefined ? (QUOTED_DOMAIN.exec(message)?.[1] ?? null) : null;
  return { resultHex, domain, detail: message };
}

export function decodeHostEvent(ev: RawEvent, spec: HostEventSpec): KmsHostEvent {
  const parts = ev.data && ev.data.length > 0 ? fromData(ev.data, spec) : fromMessage(ev.message ?? '', spec);
  return { kind: 'host', ...recordBase(ev), type: spec.type, ...parts };
}
