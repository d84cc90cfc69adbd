import { canonicalName } from './names.js';
import type { Resolver } from './resolver.js';
import type { DnsFailureKind, SrvLookupStatus } from './types.js';

/** The SRV name a KMS client asks for in a domain (the service `_vlmcs`, over TCP). */
export function srvName(domain: string): string {
  return `_vlmcs._tcp.${domain}`;
}

export interface SrvRecord {
  /** Lower case without the trailing dot; empty for `.` (RFC 2782: the service is not offered). */
  target: string;
  port: number;
  priority: number;
  weight: number;
  ttl: number | null;
}

export interface SrvAnswer {
  dnsServer: string;
  status: SrvLookupStatus;
  detail: string | null;
  failure: DnsFailureKind | null;
  records: SrvRecord[];
}

/**
 * The `_vlmcs._tcp` SRV records of a domain. Every SRV record of the answer section counts (the
 * section answers this one question, CNAMEs on the way included); the same record twice counts once.
 */
export async function lookupSrv(resolver: Resolver, domain: string): Promise<SrvAnswer> {
  const reply = await resolver.ask(srvName(domain), 'SRV');
  if (!reply.ok) return { dnsServer: reply.server, status: 'failed', detail: reply.detail, failure: reply.failure, records: [] };
  const records = new Map<string, SrvRecord>();
  for (const answer of reply.answers) {
    if (answer.type !== 'SRV') continue;
    const record: SrvRecord = {
      target: canonicalName(answer.data.target),
      port: answer.data.port,
      priority: answer.data.priority ?? 0,
      weight: answer.data.weight ?? 0,
      ttl: answer.ttl ?? null,
    };
    records.set(`${record.target} ${record.port} ${record.priority} ${record.weight}`, record);
  }
  if (records.size === 0) {
    const detail = reply.rcode === 'NXDOMAIN' ? 'NXDOMAIN' : 'no SRV record (NOERROR)';
    return { dnsServer: reply.server, status: 'no-record', detail, failure: null, records: [] };
  }
  return { dnsServer: reply.server, status: 'found', detail: null, failure: null, records: [...records.values()] };
}
