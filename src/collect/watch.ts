import { CollectError } from './errors.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--every`: `30s`, `15m`, `1h`, `1h30m`, `1d`. At least 10 s. */
export function parseEvery(text: string): number {
  const s = text.trim().toLowerCase();
  if (!/^(\d+(\.\d+)?[smhd])+$/.test(s)) {
    throw new CollectError(`--every ${text}: expected a duration such as 30s, 15m, 1h or 1h30m`, 'COLLECT_EVERY');
  }
  let ms = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)([smhd])/g)) ms += Number(m[1]) * UNIT_MS[m[2]];
  if (ms < 10_000) throw new CollectError(`--every ${text}: the shortest interval is 10s`, 'COLLECT_EVERY');
  return Math.round(ms);
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export interface WatchOptions {
  everyMs: number;
  /** Aborting stops the loop after the current run (never in the middle of one). */
  signal: AbortSignal;
  /** A failed run is reported and the loop goes on. */
  onError(err: unknown): void;
  now?: () => number;
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Runs `task` now and then every `everyMs` (measured from the start of each run; a run that takes
 * longer than the interval is followed immediately by the next, never overlapped). Returns the
 * number of runs once the signal aborts.
 */
export async function runWatch(task: () => Promise<void>, opts: WatchOptions): Promise<number> {
  const now = opts.now ?? Date.now;
  const wait = opts.wait ?? sleep;
  let runs = 0;
  while (!opts.signal.aborted) {
    const started = now();
    try {
      await task();
    } catch (err) {
      opts.onError(err);
    }
    runs++;
    if (opts.signal.aborted) break;
    await wait(Math.max(0, started + opts.everyMs - now()), opts.signal);
  }
  return runs;
}
