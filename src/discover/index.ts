export type {
  AddressCheck,
  ConnectStatus,
  DiscoveryCheck,
  DnsFailureKind,
  SrvLookup,
  SrvLookupStatus,
  SrvTargetCheck,
  TargetResolveStatus,
} from './types.js';
export { checkDiscovery, DEFAULT_TIMEOUT_MS, type CheckDiscoveryOptions } from './check.js';
export { discoveryDomains } from './names.js';
export { parseDnsServer, formatDnsServer, type DnsServer } from './servers.js';
export { DiscoverError, type DiscoverErrorCode } from './errors.js';
