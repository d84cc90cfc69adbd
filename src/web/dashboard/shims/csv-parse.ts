/**
 * Browser stand-in for `csv-parse` as src/sources/csv.ts drives it: parse(options) → the parser of
 * csv-parse's own browser build (a Transform on a bundled stream polyfill), on which csv.ts calls
 * write(), read() until null, end(), `info`, `errored`, and reads the last records with for-await.
 * The polyfill's streams have neither `errored` nor async iteration: both are added here.
 */
import { parse as browserParse } from 'csv-parse/browser/esm';

export type CsvError = Error & { code?: string };

interface BrowserParser {
  write(chunk: string): boolean;
  end(): void;
  read(): unknown;
  on(event: string, listener: (arg: unknown) => void): unknown;
  once(event: string, listener: (arg: unknown) => void): unknown;
  destroy(error?: Error): void;
  info: Record<string, number>;
}

export type ShimParser = BrowserParser & { readonly errored: Error | null } & AsyncIterable<unknown>;

export function parse(options: Record<string, unknown>): ShimParser {
  const parser = browserParse(options) as unknown as BrowserParser;
  let failure: Error | null = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  parser.on('error', (e) => {
    failure = e as Error;
    notify();
  });
  parser.on('end', () => {
    ended = true;
    notify();
  });
  parser.on('readable', notify);
  Object.defineProperty(parser, 'errored', { get: () => failure, configurable: true });
  Object.defineProperty(parser, Symbol.asyncIterator, {
    configurable: true,
    value: async function* records(): AsyncGenerator<unknown> {
      for (;;) {
        const record = parser.read();
        if (record !== null) {
          yield record;
          continue;
        }
        if (failure) throw failure;
        if (ended) return;
        // 'end' (and 'readable') come on the polyfill's next tick, after read() found the buffer empty
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  });
  return parser as ShimParser;
}
