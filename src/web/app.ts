/**
 * createApp(deps): the whole HTTP surface as a fastify instance, tested in-process with inject().
 * server.ts alone listens. Read routes are open (bind to loopback unless told otherwise); every
 * write needs the bearer token.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import type { Store } from '../store/types.js';
import type { AppContext } from './context.js';
import { WebError } from './errors.js';
import { createMetrics, gatherMetrics } from './metrics.js';
import { INGEST_RETRY_AFTER_SECONDS, registerIngestRoutes } from './routes/ingest.js';
import { registerReadRoutes } from './routes/read.js';
import { SECURITY_HEADERS } from './security.js';
import { VERSION } from '../version.js';

export interface AppDeps {
  store: Store;
  /** Bearer token for POST /api/ingest; without one the server refuses writes. */
  token?: string;
  /** IANA zone for times without an offset; default the machine's. */
  timezone?: string;
  now?: () => number;
  version?: string;
  /** Built dashboard (Vite output); default dist/dashboard of this package; null = no dashboard. */
  staticDir?: string | null;
  /** Largest accepted ingest body in bytes (default 32 MiB). */
  bodyLimit?: number;
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

export function createApp(deps: AppDeps): FastifyInstance {
  const ctx: AppContext = {
    store: deps.store,
    token: deps.token || undefined,
    timezone: deps.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC',
    now: deps.now ?? Date.now,
    version: deps.version ?? VERSION,
  };
  const bodyLimit = deps.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({ logger: deps.logger ?? false, bodyLimit });

  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    return payload;
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof WebError) {
      if (error.code === 'WEB_UNAUTHORIZED') reply.header('www-authenticate', 'Bearer realm="kmswatch"');
      if (error.code === 'WEB_BUSY') reply.header('retry-after', String(INGEST_RETRY_AFTER_SECONDS));
      return reply.code(error.statusCode).send({ error: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply.code(status).send({ error: (error as { code?: string }).code ?? 'WEB_BAD_REQUEST', message: (error as Error).message });
    }
    request.log.error(error);
    return reply.code(500).send({ error: 'WEB_INTERNAL', message: 'internal error (see the server log)' });
  });

  registerReadRoutes(app, ctx);
  const ingestWorkers = deps.ingestWorkers ?? (availableParallelism() >= 2 ? 1 : 0);
  registerIngestRoutes(app, ctx, { bodyLimit, workers: ingestWorkers, queueBytes: deps.ingestQueueBytes ?? 4 * bodyLimit });

  const registry = deps.registry ?? new Registry();
  const metrics = createMetrics(registry, ctx.version);
  app.get('/metrics', async (_request, reply) => {
    metrics.update(await gatherMetrics(ctx.store, ctx.now(), ctx.timezone));
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });

  const staticDir = deps.staticDir === undefined ? defaultStaticDir() : deps.staticDir;
  if (staticDir && existsSync(staticDir)) {
    void app.register(fastifyStatic, { root: staticDir, index: ['index.html'] });
  } else {
    app.get('/', async (_request, reply) => {
      reply.code(503).header('content-type', 'text/plain; charset=utf-8');
      return 'The dashboard is not built: run npm run build. The JSON API is under /api/ and metrics under /metrics.\n';
    });
  }
  return app;
}
