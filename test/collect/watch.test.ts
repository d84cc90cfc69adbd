import { describe, expect, it } from 'vitest';
import { parseEvery, runWatch, sleep } from '../../src/collect/watch.js';

describe('parseEvery', () => {
  it('reads durations', () => {
    expect(parseEvery('15m')).toBe(900_000);
    expect(parseEvery('1h30m')).toBe(5_400_000);
    expect(parseEvery('30s')).toBe(30_000);
    expect(parseEvery('1d')).toBe(86_400_000);
    expect(parseEvery('0.5h')).toBe(1_800_000);
  });
  it('rejects nonsense and too-short intervals', () => {
    expect(() => parseEvery('15')).toThrow(/expected a duration/);
    expect(() => parseEvery('fast')).toThrow(/expected a duration/);
    expect(() => parseEvery('5s')).toThrow(/shortest interval/);
  });
});

describe('runWatch', () => {
  it('runs every interval from the start of each run, goes on after a failure, stops when aborted', async () => {
    const controller = new AbortController();
    let clock = 0;
    const waits: number[] = [];
    const errors: unknown[] = [];
    let calls = 0;
    const runs = await runWatch(
      async () => {
        calls++;
        clock += calls === 1 ? 2_000 : 1_000; // the first run takes 2 s, the others 1 s
        if (calls === 2) throw new Error('SMTP down');
        if (calls === 3) controller.abort(); // SIGTERM arrives during the third run
      },
      {
        everyMs: 60_000,
        signal: controller.signal,
        onError: (e) => errors.push(e),
        now: () => clock,
        wait: async (ms) => {
          waits.push(ms);
          clock += ms;
        },
      },
    );
    expect(runs).toBe(3);
    expect(waits).toEqual([58_000, 59_000]); // no wait after the aborted third run
    expect(errors.map((e) => (e as Error).message)).toEqual(['SMTP down']);
  });

  it('sleep ends early on abort', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await sleep(60_000, controller.signal);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
