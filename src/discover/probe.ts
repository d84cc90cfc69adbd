import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { AddressCheck } from './types.js';

/**
 * A TCP connection to address:port, closed as soon as it is accepted; nothing is sent. `timeout`:
 * no answer at all within timeoutMs (SYNs dropped by a firewall or a full accept queue).
 */
export function probeTcp(address: string, family: 4 | 6, port: number, timeoutMs: number): Promise<AddressCheck> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect({ host: address, port, family });
    let done = false;
    const finish = (status: AddressCheck['status'], error: string | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ address, family, port, status, tookMs: Math.round(performance.now() - started), error });
    };
    const timer = setTimeout(() => finish('timeout', null), timeoutMs);
    socket.on('connect', () => finish('reachable', null));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? err.message;
      finish(code === 'ECONNREFUSED' ? 'refused' : 'error', code);
    });
  });
}
