/**
 * TCP targets for connection probes on 127.0.0.1, pure Node and no root:
 * - startSilentListener(): a port where connecting times out. A worker thread listens with backlog 1
 *   and then blocks its event loop (Atomics.wait), so it never accepts; connections fill the accept
 *   queue until one gets no answer, and from then on Linux drops the SYNs to that port (a full accept
 *   queue drops, it does not refuse).
 * - startListener(): ports that accept (reachable), on 127.0.0.1 and optionally ::1 with the same port.
 * - closedTcpPort(): a port that was just free (bound, then closed): connecting is refused.
 */
import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';

export interface SilentListener {
  port: number;
  close(): Promise<void>;
}

/** How long a filling connection may take before the accept queue counts as full. */
const FULL_AFTER_MS = 300;
const MAX_FILLERS = 16;

// CommonJS run by the worker. It waits in slices so that close() can wake it by setting the flag.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const flag = new Int32Array(workerData.flag);
const server = net.createServer();
server.listen({ host: '127.0.0.1', port: 0, backlog: 1 }, () => {
  parentPort.postMessage(server.address().port);
  while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0, 1000);
  server.close();
});
`;

export async function startSilentListener(): Promise<SilentListener> {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { flag: flag.buffer } });
  const fillers: net.Socket[] = [];
  const close = async () => {
    for (const socket of fillers) socket.destroy();
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    await worker.terminate();
  };
  try {
    const [port] = (await once(worker, 'message')) as [number];
    for (let i = 0; i < MAX_FILLERS; i++) {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.on('error', () => {});
      fillers.push(socket);
      const connected = await Promise.race([once(socket, 'connect').then(() => true), delay(FULL_AFTER_MS).then(() => false)]);
      if (!connected) return { port, close };
    }
    throw new Error(`startSilentListener: the accept queue of port ${port} did not fill after ${MAX_FILLERS} connections`);
  } catch (err) {
    await close();
    throw err;
  }
}

export interface Listener {
  port: number;
  /** Connections accepted so far. */
  accepted: () => number;
  close(): Promise<void>;
}

/** A server that accepts every connection and closes it, on 127.0.0.1 and, with `ipv6`, on ::1 with the same port. */
export async function startListener(options: { ipv6?: boolean } = {}): Promise<Listener> {
  for (let attempt = 0; attempt < 5; attempt++) {
    let accepted = 0;
    const make = () =>
      net.createServer((socket) => {
        accepted++;
        socket.on('error', () => {});
        socket.destroy();
      });
    const v4 = make();
    await new Promise<void>((resolve) => v4.listen(0, '127.0.0.1', resolve));
    const port = (v4.address() as net.AddressInfo).port;
    const servers = [v4];
    if (options.ipv6) {
      const v6 = make();
      const ok = await new Promise<boolean>((resolve) => {
        v6.once('error', () => resolve(false));
        v6.listen(port, '::1', () => resolve(true));
      });
      if (!ok) {
        await closeServer(v4);
        continue;
      }
      servers.push(v6);
    }
    return { port, accepted: () => accepted, close: async () => void (await Promise.all(servers.map(closeServer))) };
  }
  throw new Error('startListener: no port free on both 127.0.0.1 and ::1');
}

/** A TCP port on 127.0.0.1 that was free a moment ago: connecting to it is refused. */
export async function closedTcpPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await closeServer(server);
  return port;
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
