import type { CliContext, OutputStream } from '../../src/cli/context.js';
import { processContext, run } from '../../src/cli/main.js';
import type { Store } from '../../src/store/types.js';

export interface Captured extends OutputStream {
  text: string;
}

function capture(isTTY = false, columns?: number): Captured {
  const s: Captured = { text: '', isTTY, columns, write: (t: string) => ((s.text += t), true) };
  return s;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The --db value each openStore call received. */
  opened: (string | undefined)[];
}

/** Runs the CLI in-process on `store` (never closed by the test's reuse: close() is a no-op wrapper). */
export async function runCli(args: string[], options: { store?: Store; env?: Record<string, string>; now?: number; openError?: Error } = {}): Promise<RunResult> {
  const stdout = capture();
  const stderr = capture();
  const opened: (string | undefined)[] = [];
  const ctx: CliContext = {
    stdout,
    stderr,
    env: options.env ?? {},
    exitCode: 0,
    now: () => options.now ?? Date.now(),
    openStore: async (url) => {
      opened.push(url);
      if (options.openError) throw options.openError;
      if (!options.store) throw new Error('no store in this test');
      return { ...bind(options.store), close: async () => {} };
    },
  };
  const code = await run(['node', 'kmswatch', ...args], ctx);
  return { code, stdout: stdout.text, stderr: stderr.text, opened };
}

/** The store's methods bound to it, so a spread copy still works. */
function bind(store: Store): Store {
  const out: Record<string, unknown> = { backend: store.backend, readOnly: store.readOnly };
  let proto = Object.getPrototypeOf(store);
  while (proto && proto !== Object.prototype) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const v = (store as unknown as Record<string, unknown>)[key];
      if (key !== 'constructor' && typeof v === 'function' && !(key in out)) out[key] = v.bind(store);
    }
    proto = Object.getPrototypeOf(proto);
  }
  return out as unknown as Store;
}

/** Runs the CLI in-process as a user would, on the database file `db` (opened as `kmswatch` opens it), and captures its output. */
export async function runCliOnDb(db: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const ctx: CliContext = { ...processContext(), env: {}, stdout: { write: (t: string) => stdout.push(t) }, stderr: { write: (t: string) => stderr.push(t) } };
  const code = await run(['node', 'kmswatch', '--db', db, ...args], ctx);
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}
