/** The one place that listens: createApp + listen on a loopback address unless told otherwise. */
import type { FastifyInstance } from 'fastify';
import { createApp, type AppDeps } from './app.js';

export const DEFAULT_BIND = '127.0.0.1';
export const DEFAULT_PORT = 8427;

export interface ServerOptions extends AppDeps {
  bind?: string;
  /** 0 = any free port (tests, bench). */
  port?: number;
}

export interface RunningServer {
  app: FastifyInstance;
  /** `http://127.0.0.1:8427` */
  url: string;
  close(): Promise<void>;
}

export function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\./.test(address);
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const app = createApp(opts);
  const bind = opts.bind ?? DEFAULT_BIND;
  await app.listen({ host: bind, port: opts.port ?? DEFAULT_PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? DEFAULT_PORT);
  const host = bind.includes(':') ? `[${bind}]` : bind;
  return { app, url: `http://${host}:${port}`, close: () => app.close() };
}
