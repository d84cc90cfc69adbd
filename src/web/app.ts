/**
 * createApp(deps): the whole HTTP surface as a fastify instance, tested in-process with inject().
 * server.ts alone listens. Every write needs the bearer token; reads are open unless a read token
 * is set (server.ts insists on one beyond loopback). Requests are refused on their headers (Host,
 * token, size) before any body byte is read, and every error answer carries a WEB_* code.
 */
import { existsSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import fastifyCompress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { Registry } from 'prom-client';
import { defaultConfig, type AlertRulesConfig } from '../alerts/config.js';
import type { Store } from '../store/types.js';
import type { AppContext } from './context.js';
import { clientErrorAnswer, errorAnswer, WebError } from './errors.js';
import { createHostCheck, type HostPolicy } from './host-check.js';
import { createMetrics, gatherMetrics } from './metrics.js';
import { registerIngestRoutes } from './routes/ingest.js';
import { registerReadRoutes } from './routes/read.js';
import { requireReadToken, SECURITY_HEADERS, tokenProblem } from './security.js';
import { VERSION } from '../version.js';

export interface AppDeps {
  store: Store;
  /** Bearer token for POST /api/ingest; without one the server refuses writes. */
  token?: string;
  /** Token every read needs (the write token is accepted too); without one reads are open. */
  readToken?: string;
  /** Host headers answered; without a policy any Host is (in-process use, servers beyond loopback). */
  hosts?: HostPolicy;
  /** IANA zone for times without an offset; default the machine's. */
  timezone?: string;
  now?: () => number;
  version?: string;
  /** Alert rules (serve --config); default the built-in ones (docs/alerts.md). */
  alertRules?: AlertRulesConfig;
  /** Built dashboard (Vite output); default dist/dashboard of this package; null = no dashboard. */
  staticDir?: string | null;
  /** Largest accepted ingest body in bytes (default 32 MiB). */
  bodyLimit?: number;
  /** An ingest body must arrive in full within this many ms of its headers (default 60 s). */
  bodyTimeoutMs?: number;
  /**
   * Worker threads that parse and decode ingest bodies (0 = on the main thread, which then also
   * does HTTP and the store). Default: 1 on a machine with 2 or more cores, else 0.
   */
  ingestWorkers?: number;
  /**
   * Bytes of ingest bodies being parsed or stored at once; beyond it POST /api/ingest answers 429
   * with Retry-After (a body arriving at an idle server is always taken). Default 4 × bodyLimit.
   */
  ingestQueueBytes?: number;
  /** Registry for /metrics (default a new one, so apps never share gauges). */
  registry?: Registry;
  logger?: boolean;
}

export const DEFAULT_BODY_LIMIT = 32 * 1024 * 1024;

/** dist/dashboard from both src/web (tsx, tests) and dist/web (built). */
export function defaultStaticDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/dashboard');
}

export const DEFAULT_BODY_TIMEOUT_MS = 60_000;

/** Errors of the HTTP parser (bad request line, headers too large, request timeout), answered as the routes answer. */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, body } = clientErrorAnswer(err.code);
  const json = JSON.stringify(body);
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(json)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${json}`,
  );
}

function notFound(method: string, url: string): WebError {
  return new WebError(`no such page or API: ${method} ${url.split('?')[0]}`, 'WEB_NOT_FOUND', 'url');
}

function checkToken(name: string, token: string | undefined): string | undefined {
  if (token === undefined || token === '') return undefined;
  const problem = tokenProblem(token);
  if (problem) throw new TypeError(`${name} ${problem}`);
  return token;
}

/** Vite's hashed assets never change under their name; the pages that name them are checked on every load. */
function setCacheHeaders(reply: FastifyReply, filePath: string): void {
  const hashed = /[\\/]assets[\\/][^\\/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/.test(filePath);
  reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
}

export function createApp(deps: AppDeps): FastifyInstance {
  const ctx: AppContext = {
    store: deps.store,
    token: checkToken('token', deps.token),
    timezone: deps.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC',
    now: deps.now ?? Date.now,
    version: deps.version ?? VERSION,
    alertRules: deps.alertRules ?? defaultConfig().alerts,
  };
  const readToken = checkToken('readToken', deps.readToken);
  const readTokens = [readToken, ctx.token].filter((t): t is string => t !== undefined);
  const bodyLimit = deps.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit,
    clientErrorHandler: answerClientError,
    // a request that arrives while the server closes is answered as usual (fastify's own 503 has no WEB_* code)
    return503OnClosing: false,
    // a URL fastify cannot decode, answered as every other error (its default answer has no WEB_* code)
    frameworkErrors: (error, _request, reply) => {
      const { status, body } = errorAnswer(error);
      void (reply as FastifyReply).code(status).headers(SECURITY_HEADERS).send(body);
    },
  });
  // `Expect: 100-continue` is answered by the ingest route once the headers pass (not by Node at once),
  // so a refused client never sends its body
  app.server.on('checkContinue', (req, res) => app.server.emit('request', req, res));

  const hostAllowed = deps.hosts ? createHostCheck(deps.hosts) : null;
  app.addHook('onRequest', async (request) => {
    if (hostAllowed && !hostAllowed(request.headers.host, request.raw.socket?.localPort)) {
      throw new WebError(`Host "${request.headers.host ?? ''}" does not name this server (serve --allow-host adds names)`, 'WEB_HOST_NOT_ALLOWED', 'host');
    }
    const writeRoute = (request.routeOptions.config as { write?: boolean } | undefined)?.write === true;
    if (readToken && !writeRoute) requireReadToken(request, readTokens);
    // no such route: answered now, before fastify would read (and parse) a body for the 404 handler
    if (request.is404) throw notFound(request.method, request.url);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    // answered before its body was read (refused on the headers): close rather than read the rest
    if (request.raw.complete === false) reply.header('connection', 'close');
    return payload;
  });

  app.setErrorHandler((error, request, reply) => {
    const answer = errorAnswer(error);
    if (answer.internal) request.log.error(error);
    if (error instanceof WebError && error.headers) {
      for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
    }
    return reply.code(answer.status).send(answer.body);
  });
  app.setNotFoundHandler(async (request) => {
    throw notFound(request.method, request.url);
  });

  // responses only (br, gzip): request bodies stay as the ingest route reads them
  void app.register(fastifyCompress, { globalCompression: true, globalDecompression: false, encodings: ['br', 'gzip', 'deflate'] });
  void app.register(async (scope) => registerReadRoutes(scope, ctx));
  const ingestWorkers = deps.ingestWorkers ?? (availableParallelism() >= 2 ? 1 : 0);
  registerIngestRoutes(app, ctx, {
    bodyLimit,
    bodyTimeoutMs: deps.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS,
    workers: ingestWorkers,
    queueBytes: deps.ingestQueueBytes ?? 4 * bodyLimit,
  });

  const registry = deps.registry ?? new Registry();
  const metrics = createMetrics(registry, ctx.version);
  void app.register(async (scope) => {
    scope.get('/metrics', async (_request, reply) => {
      metrics.update(await gatherMetrics(ctx.store, ctx.now(), ctx.timezone, ctx.alertRules.discovery.knownHosts));
      reply.header('content-type', registry.contentType);
      return registry.metrics();
    });
  });

  const staticDir = deps.staticDir === undefined ? defaultStaticDir() : deps.staticDir;
  if (staticDir && existsSync(staticDir)) {
    void app.register(fastifyStatic, { root: staticDir, index: ['index.html'], cacheControl: false, setHeaders: setCacheHeaders });
  } else {
    app.get('/', async () => {
      throw new WebError('the dashboard is not built: run npm run build. The JSON API is under /api/ and metrics under /metrics', 'WEB_NO_DASHBOARD');
    });
  }
  return app;
}
