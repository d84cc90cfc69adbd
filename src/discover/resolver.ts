import { queryDns, type DnsAnswer, type DnsFailure, type QueryType } from './dns-query.js';
import type { Limiter } from './limit.js';
import { formatDnsServer, type DnsServer } from './servers.js';

/** What a question got from the servers: the answer, or the failure of the last server asked. */
export type AskResult = (DnsAnswer | DnsFailure) & { server: string };

export interface Resolver {
  ask(name: string, type: QueryType): Promise<AskResult>;
}

/**
 * Asks the servers in order: the next one only when a server fails (timeout, SERVFAIL, …); an
 * answer, NXDOMAIN or no data included, is final. When every server fails, the detail names each.
 */
export function createResolver(servers: DnsServer[], timeoutMs: number, slots: Limiter): Resolver {
  return {
    async ask(name, type) {
      const failures: string[] = [];
      let last: AskResult | null = null;
      for (const server of servers) {
        const label = formatDnsServer(server);
        const reply = await slots.run(() => queryDns(server, name, type, timeoutMs));
        if (reply.ok) return { ...reply, server: label };
        failures.push(`${label}: ${reply.detail}`);
        last = { ...reply, server: label };
      }
      if (!last) throw new Error('createResolver: no DNS server');
      return servers.length > 1 ? { ...last, detail: failures.join('; ') } : last;
    },
  };
}
