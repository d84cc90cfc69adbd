/**
 * What `kmswatch discover` found: the `_vlmcs._tcp` SRV records of each domain, the addresses of
 * each target and whether a TCP connection to port 1688 (or the record's port) was accepted. Seen
 * from the machine that ran the check, not from a client's network. Stored as one JSON document per
 * check (Store.saveDiscovery) and compared with the logs by src/analysis/discovery.ts.
 */

/** Why a DNS question got no usable answer when the failure is the check's, not the zone's. */
export type DnsFailureKind = 'timeout' | 'servfail' | 'refused' | 'unreachable' | 'malformed' | 'error';

/**
 * `found`: at least one SRV record. `no-record`: the server answered authoritatively that there is
 * none (NXDOMAIN, or NOERROR with no SRV). `failed`: the question could not be answered (the DNS
 * server timed out, was unreachable, answered SERVFAIL/REFUSED or garbage): never read as "no record".
 */
export type SrvLookupStatus = 'found' | 'no-record' | 'failed';

export interface SrvLookup {
  /** The DNS suffix asked for, lower case: `contoso.com`. */
  domain: string;
  /** The name asked: `_vlmcs._tcp.contoso.com`. */
  name: string;
  /** The server that answered (or failed), `address:port`. */
  dnsServer: string;
  status: SrvLookupStatus;
  /** `NXDOMAIN`, `no SRV record (NOERROR)`, `SERVFAIL`, `timed out after 2000 ms`, …; null when found. */
  detail: string | null;
  /** Set when status is `failed`. */
  failure: DnsFailureKind | null;
  records: SrvTargetCheck[];
  /** Time of the SRV question alone (every server asked), ms; target lookups and probes not included. */
  tookMs: number;
}

export type TargetResolveStatus = 'resolved' | 'no-address' | 'failed';

export interface SrvTargetCheck {
  /** SRV target, lower case, without the trailing dot; empty for `.` (RFC 2782: the service is not offered). */
  target: string;
  port: number;
  priority: number;
  weight: number;
  /** The SRV record's TTL in seconds, null when the answer did not carry one. */
  ttl: number | null;
  /** The CNAME chain followed from the target to its addresses, in order (empty when none). */
  cnames: string[];
  /** Whether A/AAAA lookups gave addresses; `failed` is a failure of the check (timeout, SERVFAIL). */
  resolveStatus: TargetResolveStatus;
  resolveDetail: string | null;
  addresses: AddressCheck[];
}

export type ConnectStatus = 'reachable' | 'refused' | 'timeout' | 'error';

export interface AddressCheck {
  address: string;
  family: 4 | 6;
  port: number;
  status: ConnectStatus;
  /** Time to connect or to fail, ms. */
  tookMs: number;
  /** The system's error code (ECONNREFUSED, EHOSTUNREACH…) when refused or failed; null when reachable or timed out. */
  error: string | null;
}

export interface DiscoveryCheck {
  /** When the check started, epoch ms. */
  checkedAt: number;
  /** The host name of the machine that ran it: results are seen from there. */
  seenFrom: string;
  /** The DNS servers asked, in order (`address:port`). */
  dnsServers: string[];
  timeoutMs: number;
  /** One lookup per domain, in the order asked. */
  domains: SrvLookup[];
}
