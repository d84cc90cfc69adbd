/** The one place that listens: createApp + listen on a loopback address unless told otherwise. */
import type { FastifyInstance } from 'fastify';
import { createApp, type AppDeps } from './app.js';
import { LOOPBACK_NAMES, parseHostName, type HostPolicy } from './host-check.js';

export const DEFAULT_BIND = '127.0.0.1';
export const DEFAULT_PORT = 8427;

export interface ServerOptions extends Omit<AppDeps, 'hosts'> {
  bind?: string;
  /** 0 = any free port (tests, bench). */
  port?: number;
  /** Host header names answered besides the server's own (a reverse proxy's name), `name` or `name:port`. */
  allowHosts?: readonly string[];
  /** Answer the dashboard's first call once before listening (warmUp below); `kmswatch serve` does. */
  warmUp?: boolean;
}

export interface RunningServer {
  app: FastifyInstance;
  /** `http://127.0.0.1:8427` */
  url: string;
  close(): Promise<void>;
}

export function isLoopback(address: string): boolean {
  const a = address.toLowerCase();
  return a === 'localhost' || a === '::1' || a === '[::1]' || /^127\./.test(a) || /^::ffff:127\./.test(a);
}

/**
 * Which Host headers are answered: a loopback server answers its own names only (the DNS
 * rebinding defence) plus any --allow-host; a server beyond loopback is reached under names it
 * cannot know, so it checks Host only when names were given.
 */
export function hostPolicy(bind: string, allowHosts: readonly string[] = []): HostPolicy | undefined {
  if (!isLoopback(bind) && allowHosts.length === 0) return undefined;
  const own = parseHostName(bind)?.name;
  const local = isLoopback(bind) ? [...LOOPBACK_NAMES] : [];
  if (own && !['0.0.0.0', '[::]'].includes(own)) local.push(own);
  return { local, allowed: allowHosts };
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const bind = opts.bind ?? DEFAULT_BIND;
  const { allowHosts, warmUp: warm, ...deps } = opts;
  const hosts = hostPolicy(bind, allowHosts);
  const app = createApp({ ...deps, ...(hosts ? { hosts } : {}) });
  if (warm) await warmUp(app, opts.readToken ?? opts.token, hosts?.local[0]);
  await app.listen({ host: bind, port: opts.port ?? DEFAULT_PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? DEFAULT_PORT);
  const host = bind.includes(':') && !bind.startsWith('[') ? `[${bind}]` : bind;
  return { app, url: `http://${host}:${port}`, close: () => app.close() };
}

/**
 * Builds the dashboard's overview once, unseen: its first visitor then does not wait for the code
 * paths and the database pages to load (at 1.3 M requests a fresh server's first overview took
 * 0.4–0.7 s, the next ones 0.3 s). A warm-up that fails changes nothing: the same call fails again
 * for its visitor, with its message.
 */
async function warmUp(app: FastifyInstance, token: string | undefined, host = '127.0.0.1'): Promise<void> {
  try {
    await app.inject({ method: 'GET', url: '/api/overview?at=latest', headers: { host, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  } catch {
    // nothing to warm
  }
}
