import { isIP } from 'node:net';
import { DiscoverError } from './errors.js';

/** A DNS server to ask: an IP address and a port. */
export interface DnsServer {
  address: string;
  port: number;
  family: 4 | 6;
}

const DNS_PORT = 53;

/**
 * `"10.0.0.1"`, `"10.0.0.1:5353"`, `"::1"`, `"[::1]:5353"` (the forms of `--dns-server` and of
 * node:dns getServers()) → a DnsServer; anything else is DISCOVER_BAD_SERVER.
 */
export function parseDnsServer(text: string): DnsServer {
  const value = text.trim();
  const bad = (why: string) => new DiscoverError(`bad DNS server "${text}": ${why}`, 'DISCOVER_BAD_SERVER', text);
  let address = value;
  let portText: string | null = null;
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(value);
  if (bracketed) {
    address = bracketed[1];
    portText = bracketed[2] ?? null;
    if (isIP(address) !== 6) throw bad('expected an IPv6 address inside [ ]');
  } else if (isIP(value) === 0) {
    const colon = value.lastIndexOf(':');
    if (colon < 0 || value.indexOf(':') !== colon) throw bad('expected an IP address, "ip:port" or "[ipv6]:port"');
    address = value.slice(0, colon);
    portText = value.slice(colon + 1);
    if (isIP(address) !== 4) throw bad('expected an IP address, "ip:port" or "[ipv6]:port"');
  }
  const family = isIP(address);
  if (family !== 4 && family !== 6) throw bad('expected an IP address, "ip:port" or "[ipv6]:port"');
  let port = DNS_PORT;
  if (portText !== null) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) throw bad('the port must be 1 to 65535');
    port = Number(portText);
  }
  return { address, port, family };
}

/** `10.0.0.1:53`, `[::1]:53`: how a server is named in a DiscoveryCheck. */
export function formatDnsServer(server: DnsServer): string {
  return server.family === 6 ? `[${server.address}]:${server.port}` : `${server.address}:${server.port}`;
}
