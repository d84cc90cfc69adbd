/**
 * Hosts by name. A stored host is keyed by its name in lower case (dedup.ts hostKey) and shown by
 * the first spelling stored, as the host_names view does. Names a user types (`--host`, `?host=`)
 * are matched against them here; the names a host was seen under are kept in the store's meta
 * table (one key per host), so the report can list them.
 */
import { hostKey } from './dedup.js';
import type { Store } from './types.js';

/** Meta key prefix: JSON array of the names (as written) a host's events arrived under. */
export const HOST_NAMES_KEY_PREFIX = 'host.names:';

/** The latest instant a Date can hold: "as of the end of time", every stored event counts. */
const END_OF_TIME = 8.64e15;

/**
 * One display name per stored host, sorted by key: every host the report lists (requests, host
 * events, log clears) and every host with a checkpoint, shown as the store shows it.
 */
export async function storedHostNames(store: Store): Promise<string[]> {
  const [activity, events, clears, checkpoints] = await Promise.all([
    store.hostActivity(END_OF_TIME), store.hostEventCounts(END_OF_TIME), store.logClears(), store.checkpoints(),
  ]);
  const byKey = new Map<string, string>();
  for (const host of [...activity, ...events, ...clears, ...checkpoints].map((row) => row.host)) {
    const key = hostKey(host);
    const shown = byKey.get(key);
    if (shown === undefined || host < shown) byKey.set(key, host);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, host]) => host);
}

export type HostMatch =
  /** A stored host: the name as it is stored. */
  | { kind: 'stored'; host: string }
  /** No stored host by that name: the name as given. */
  | { kind: 'new'; host: string }
  /** A short name that is the first label of several stored hosts. */
  | { kind: 'ambiguous'; candidates: string[] };

/**
 * The stored host a typed name means. Names compare case-insensitively; a name without a dot also
 * matches the one stored FQDN whose first label it is (`KMS01` → `KMS01.corp.contoso.com`), which
 * wins over a stored short name of the same spelling. Two such FQDNs: ambiguous.
 */
export function matchHostName(stored: readonly string[], name: string): HostMatch {
  const given = name.trim();
  const key = hostKey(given);
  if (!key.includes('.')) {
    const fqdns = stored.filter((h) => h.includes('.') && hostKey(h.slice(0, h.indexOf('.'))) === key);
    if (fqdns.length === 1) return { kind: 'stored', host: fqdns[0] };
    if (fqdns.length > 1) return { kind: 'ambiguous', candidates: [...fqdns].sort() };
  }
  const same = stored.find((h) => hostKey(h) === key);
  return same === undefined ? { kind: 'new', host: given } : { kind: 'stored', host: same };
}

/** The names each host was seen under, by host key (hosts without any recorded are left out). */
export async function seenHostNames(store: Store, hosts: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!store.getMeta) return out;
  for (const host of hosts) {
    const key = hostKey(host);
    if (out.has(key)) continue;
    const names = parseNames(await store.getMeta(HOST_NAMES_KEY_PREFIX + key));
    if (names.length > 0) out.set(key, names);
  }
  return out;
}

/** A name a host's events arrived under: `host` says which host (any spelling of it), `name` the name. */
export interface SeenName {
  host: string;
  name: string;
}

/**
 * Names this process has seen stored, per store and host key: a log shipper posts the same few
 * hosts every few seconds, and those need no meta read each time.
 */
const recorded = new WeakMap<Store, Map<string, Set<string>>>();

/** Adds names to the hosts they belong to; a store without meta keeps none. */
export async function recordHostNames(store: Store, seen: Iterable<SeenName>): Promise<void> {
  if (!store.getMeta || !store.setMeta) return;
  let known = recorded.get(store);
  if (!known) recorded.set(store, (known = new Map()));
  const byKey = new Map<string, Set<string>>();
  for (const { host, name } of seen) {
    if (host === '' || name === '') continue;
    const key = hostKey(host);
    if (known.get(key)?.has(name)) continue;
    let names = byKey.get(key);
    if (!names) byKey.set(key, (names = new Set()));
    names.add(name);
  }
  for (const [key, added] of byKey) {
    const metaKey = HOST_NAMES_KEY_PREFIX + key;
    const stored = parseNames(await store.getMeta(metaKey));
    const all = [...new Set([...stored, ...added])].sort();
    if (all.length !== stored.length) await store.setMeta(metaKey, JSON.stringify(all));
    known.set(key, new Set(all));
  }
}

function parseNames(text: string | null): string[] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}
