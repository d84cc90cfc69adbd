import type { Store } from '../../src/store/types.js';

/** A view of `store` that records the name of every method called on it, in order. */
export function recordingStore(store: Store): { store: Store; calls: string[]; count(name: string): number } {
  const calls: string[] = [];
  const view = new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(prop));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: view, calls, count: (name) => calls.filter((c) => c === name).length };
}
