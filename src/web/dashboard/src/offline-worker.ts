/**
 * The offline page's Web Worker (a module worker built by vite, served from 'self' as the
 * Content-Security-Policy requires): runs offline-engine.ts off the page's thread, so that parsing a
 * large log never freezes the page. Cancel terminates it.
 */
import { answer, OfflineEngine } from './offline-engine.js';
import type { EngineCall, EngineMessage } from './offline-protocol.js';

/** The worker global scope, as much of it as is used (the project compiles against the DOM library). */
const scope = self as unknown as {
  postMessage(message: EngineMessage): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<EngineCall>) => void): void;
};

const engine = new OfflineEngine({ onProgress: (progress) => scope.postMessage({ type: 'progress', progress }) });
scope.addEventListener('message', (event) => {
  void answer(engine, event.data).then((reply) => scope.postMessage(reply));
});
scope.postMessage({ type: 'ready' });
