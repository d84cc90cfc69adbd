import type { OpenStoreOptions } from '../store/index.js';
import type { Store } from '../store/types.js';

/** How a command opens its store: `create`, `readOnly` (src/store/index.ts). */
export type StoreOpenOptions = OpenStoreOptions;

/** Where a command writes: data to stdout, progress and diagnostics to stderr. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * What commands get from main() instead of reaching for process globals, so tests run them
 * in-process with captured output and any store.
 */
export interface CliContext {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Record<string, string | undefined>;
  /**
   * Opens the store named by --db / KMSWATCH_DB (default: src/store/index.ts openStore); `create: false`
   * for commands that never ingest, `readOnly` for those that only read (no migration, no write).
   */
  openStore(url: string | undefined, options?: StoreOpenOptions): Promise<Store>;
  /** Commands raise it (never lower it): 1 when some input failed. */
  exitCode: number;
  /** The current time, for --at's default. */
  now(): number;
}

export function raiseExitCode(ctx: CliContext, code: number): void {
  ctx.exitCode = Math.max(ctx.exitCode, code);
}

/** Table width: the terminal's columns on a TTY, unlimited when piped. */
export function tableWidth(stream: OutputStream): number | undefined {
  return stream.isTTY && stream.columns ? stream.columns : undefined;
}
