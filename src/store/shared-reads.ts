import type { Store } from './types.js';

/**
 * The reads one answer may ask more than once with the same arguments: the dashboard's overview
 * builds the report and evaluates the alert rules at once, and both read the window's counts, the
 * newest counted successes, the hosts and their coverage, and where a count is low every client's
 * latest request (200 k rows at 10 M requests).
 * Their results are only read, never changed, by src/analysis and src/alerts.
 */
const SHARED = new Set<keyof Store>([
  'latestClients', 'windowActive', 'windowCounts', 'hostActivity', 'hostEventCounts', 'clones', 'coverage', 'logClears', 'countedNewest',
]);

/**
 * A view of `store` for one answer (an HTTP request, one scrape): each shared read runs once per
 * distinct arguments while the view lives; everything else goes straight to the store.
 */
export function withSharedReads(store: Store): Store {
  const results = new Map<string, Promise<unknown>>();
  const view = new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (!SHARED.has(prop as keyof Store)) return value.bind(target);
      return (...args: unknown[]) => {
        const key = `${String(prop)}\u0000${JSON.stringify(args)}`;
        let result = results.get(key);
        if (result === undefined) {
          result = (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          results.set(key, result);
        }
        return result;
      };
    },
  });
  VIEWS.set(view, results);
  return view;
}

/** The results of each view withSharedReads made, while the view lives. */
const VIEWS = new WeakMap<Store, Map<string, Promise<unknown>>>();

/**
 * `compute()` once per `key` within one view of withSharedReads (its callers ask with the same
 * key for the same answer, e.g. the report and the alert rules for the client-side sections);
 * on any other store every call computes.
 */
export function sharedWithin<T>(store: Store, key: string, compute: () => Promise<T>): Promise<T> {
  const results = VIEWS.get(store);
  if (results === undefined) return compute();
  const k = `\u0001${key}`;
  let result = results.get(k) as Promise<T> | undefined;
  if (result === undefined) {
    result = compute();
    results.set(k, result);
  }
  return result;
}
