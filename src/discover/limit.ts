/** At most `slots` of the functions given to run() at once; the others wait in order. */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createLimiter(slots: number): Limiter {
  let running = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (running >= slots) await new Promise<void>((start) => waiting.push(start));
      running++;
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
