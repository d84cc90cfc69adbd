import { seenHostNames } from '../store/host-names.js';
import type { Store } from '../store/types.js';
import type { HostReport } from './types.js';

/**
 * Fills each host's aliases: the names its events arrived under (recorded at ingest,
 * store/host-names.ts) other than the one it is shown by.
 */
export async function withHostAliases(store: Store, hosts: HostReport[]): Promise<HostReport[]> {
  const seen = await seenHostNames(store, hosts.map((h) => h.host));
  for (const h of hosts) h.aliases = (seen.get(h.host.toLowerCase()) ?? []).filter((name) => name !== h.host);
  return hosts;
}
