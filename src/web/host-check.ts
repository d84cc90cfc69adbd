/**
 * DNS rebinding defence. A page of evil.example whose name is made to resolve to 127.0.0.1 can
 * talk to a loopback server from the victim's browser, but its requests still say
 * `Host: evil.example`: a server that answers only Host headers naming itself gives it nothing.
 */

export interface HostPolicy {
  /**
   * Names of this server that must come with the port the connection arrived on (`localhost`,
   * `127.0.0.1`, `[::1]`, the bound address).
   */
  local: readonly string[];
  /** Names added for a reverse proxy (`serve --allow-host`): any port, unless one is given (`name:port`). */
  allowed: readonly string[];
}

/** The names a loopback server answers besides its bound address. */
export const LOOPBACK_NAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?)(?::(\d{1,5}))?$/;

export interface HostName {
  name: string;
  port: number | undefined;
}

/** `Name`, `name:port`, `[v6]:port`, bare `::1` → lower-case name (IPv6 in brackets) and port; null if it is not one. */
export function parseHostName(text: string): HostName | null {
  let t = text.trim().toLowerCase();
  if (t.endsWith('.')) t = t.slice(0, -1);
  if (!t.startsWith('[') && (t.match(/:/g) ?? []).length > 1) t = `[${t}]`;
  const m = HOST.exec(t);
  if (!m) return null;
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && port > 65535) return null;
  return { name: m[1], port };
}

/** Whether a request's Host header names this server; `localPort` is the port it arrived on (unknown in-process). */
export function createHostCheck(policy: HostPolicy): (header: string | undefined, localPort: number | undefined) => boolean {
  const local = new Set(policy.local.map((n) => parseHostName(n)?.name ?? n));
  const allowed = policy.allowed.map(parseHostName).filter((h): h is HostName => h !== null);
  return (header, localPort) => {
    const host = header === undefined ? null : parseHostName(header);
    if (!host) return false;
    const port = host.port ?? 80;
    if (local.has(host.name) && (localPort === undefined || port === localPort)) return true;
    return allowed.some((a) => a.name === host.name && (a.port === undefined || a.port === port));
  };
}
