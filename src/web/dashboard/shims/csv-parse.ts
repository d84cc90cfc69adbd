/**
 * Browser stand-in for `csv-parse` as src/sources/csv.ts uses it: parse(options) → something one
 * can pipe text into and read records from with for-await. Wraps csv-parse's own browser build.
 */
import { parse as browserParse } from 'csv-parse/browser/esm';

export type CsvError = Error & { code?: string };

interface BrowserParser {
  write(chunk: string): boolean;
  end(): void;
  on(event: string, listener: (arg: unknown) => void): unknown;
  once(event: string, listener: (arg: unknown) => void): unknown;
  destroy(error?: Error): void;
}

export function parse(options: Record<string, unknown>) {
  const parser = browserParse(options) as BrowserParser;
  const queue: unknown[] = [];
  let done = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  parser.on('data', (record) => {
    queue.push(record);
    notify();
  });
  parser.on('end', () => {
    done = true;
    notify();
  });
  parser.on('error', (e) => {
    failure = e as Error;
    notify();
  });
  return {
    write: (chunk: string) => parser.write(chunk),
    end: () => parser.end(),
    once: (event: string, listener: () => void) => parser.once(event, listener),
    destroy: (e: Error) => {
      failure = e;
      notify();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (queue.length) yield queue.shift();
        else if (failure) throw failure;
        else if (done) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}
