/**
 * Runs kmswatch commands on a SQLite database that cannot be written, in a child process:
 *
 * - `read-only file`: the file is read-only, its folder writable;
 * - `read-only folder`: the folder (and so the file) is read-only;
 * - `full disk`: the file lies on a file system with no free block;
 * - `writable`: a plain writable copy, for comparison.
 *
 * Root ignores file modes, so as root the child runs inside `unshare -m` (util-linux) with a
 * read-only bind mount (file or folder) or a small tmpfs filled up; as another user inside
 * `unshare -rm` (a user namespace), else with chmod for the read-only cases. A full disk cannot be
 * made without a mount: SQLite's `PRAGMA max_page_count` is a setting of one connection, not of the
 * file, so it cannot stand in for another process. Nothing is skipped: what cannot be made fails
 * with a message saying why.
 *
 * The child (this file run with `--child`) proves the confinement first (a write next to or into
 * the database must fail), fingerprints the file and its folder, runs each step through the real
 * CLI (`run()` with the process context: the real openStore), and fingerprints again.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, statfsSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './paths.js';

export type Confinement = 'writable' | 'read-only file' | 'read-only folder' | 'full disk';

/** A CLI command (`--db <file>` is put in front), or `kmswatch serve` without a token and a GET of /metrics. */
export type Step = { args: string[] } | { metrics: true };

export interface StepResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Fingerprint {
  sha256: string;
  size: number;
  /** Nanoseconds, as text (a bigint). */
  mtimeNs: string;
  /** The database's folder: names and sizes, sorted (a -wal, -shm or -journal would show here). */
  folder: string[];
}

export interface ConfinedRun {
  method: 'mount' | 'chmod' | 'none';
  /** What a write into the confinement got (an errno code), or `written` when it succeeded. */
  proof: string;
  /** Free blocks of the database's file system for an unprivileged writer (statfs bavail). */
  freeBlocks: number;
  before: Fingerprint;
  after: Fingerprint;
  results: StepResult[];
}

const HERE = fileURLToPath(import.meta.url);
const MAIN = path.join(repoRoot, 'src/cli/main.ts');
const DB_NAME = 'kmswatch.db';
const RESULT_MARK = 'READ-ONLY-FS-RESULT ';

/** How this machine can confine a child: a mount namespace (as root or in a user namespace), else chmod. */
export function confinementMethod(): { method: 'mount'; unshare: string[] } | { method: 'chmod'; why: string } {
  const root = userInfo().uid === 0;
  const unshare = root ? ['unshare', '-m', '--propagation', 'private'] : ['unshare', '-r', '-m', '--propagation', 'private'];
  const probe = spawnSync(unshare[0], [...unshare.slice(1), 'true'], { encoding: 'utf8' });
  if (probe.status === 0) return { method: 'mount', unshare };
  const why = probe.error ? probe.error.message : (probe.stderr || `exit ${probe.status}`).trim();
  if (root) {
    throw new Error(
      `running as root, which ignores file modes: a read-only or full file system is needed, made inside \`${unshare.join(' ')}\` (util-linux), which failed here: ${why}`,
    );
  }
  return { method: 'chmod', why };
}

/** A copy of `db` confined as `kind`; `steps` run on it in a child process. */
export async function runConfined(kind: Confinement, db: string, steps: readonly Step[]): Promise<ConfinedRun> {
  const work = mkdtempSync(path.join(tmpdir(), 'kmswatch-ro-'));
  const box = path.join(work, 'box');
  mkdirSync(box);
  const file = path.join(box, DB_NAME);
  const request = JSON.stringify({ kind, file, steps });
  if (kind === 'writable') {
    copyFileSync(db, file);
    return child(process.execPath, ['--import', 'tsx', HERE, '--child', request], 'none');
  }
  const how = confinementMethod();
  if (how.method === 'chmod') {
    if (kind === 'full disk') {
      throw new Error(
        `a full disk needs a file system of its own, mounted as root or in a user namespace (\`unshare -rm\`), which failed here (${how.why}); ` +
          'PRAGMA max_page_count cannot stand in: it limits one connection, not the file, so the CLI in another process never sees it',
      );
    }
    copyFileSync(db, file);
    if (kind === 'read-only file') chmodSync(file, 0o444);
    else chmodSync(box, 0o555);
    try {
      return await child(process.execPath, ['--import', 'tsx', HERE, '--child', request], 'chmod');
    } finally {
      chmodSync(box, 0o755);
      chmodSync(file, 0o644);
    }
  }
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  let setup: string;
  if (kind === 'full disk') {
    // room for the database and a little more, then all of it taken by a filler file
    const kib = Math.ceil(statSync(db).size / 1024) + 256;
    setup = `mount -t tmpfs -o size=${kib}k tmpfs ${q(box)} && cp ${q(db)} ${q(file)} && { cat /dev/zero > ${q(path.join(box, 'filler'))} 2>/dev/null || true; }`;
  } else {
    copyFileSync(db, file);
    const target = kind === 'read-only file' ? file : box;
    setup = `mount --bind ${q(target)} ${q(target)} && mount -o remount,bind,ro ${q(target)}`;
  }
  const script = `set -e; ${setup}; exec ${q(process.execPath)} --import tsx ${q(HERE)} --child ${q(request)}`;
  return child(how.unshare[0], [...how.unshare.slice(1), 'sh', '-c', script], 'mount');
}

function child(command: string, args: string[], method: ConfinedRun['method']): Promise<ConfinedRun> {
  return new Promise((resolve, reject) => {
    const p = spawn(command, args, { cwd: repoRoot, env: { ...process.env, KMSWATCH_DB: '', KMSWATCH_TOKEN: '', KMSWATCH_READ_TOKEN: '' } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.once('error', reject);
    p.once('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_MARK));
      if (code !== 0 || line === undefined) {
        reject(new Error(`the confined child (${method}) exited with ${code}:\n${err}\n${out}`));
        return;
      }
      resolve({ method, ...(JSON.parse(line.slice(RESULT_MARK.length)) as Omit<ConfinedRun, 'method'>) });
    });
  });
}

// ---- the child ----

function fingerprint(file: string): Fingerprint {
  const dir = path.dirname(file);
  const folder = readdirSync(dir).sort().map((name) => `${name} ${statSync(path.join(dir, name)).size}`);
  return {
    sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
    size: statSync(file).size,
    mtimeNs: String(statSync(file, { bigint: true }).mtimeNs),
    folder,
  };
}

/** Tries the write the confinement must stop: into the file (read-only file) or a new file in the folder. */
function writeProof(kind: Confinement, file: string): string {
  const probe = path.join(path.dirname(file), '.write-probe');
  try {
    if (kind === 'read-only file') {
      closeSync(openSync(file, 'r+'));
    } else {
      // 64 KiB: more than a full tmpfs has left (a filler file took every block)
      writeFileSync(probe, Buffer.alloc(64 * 1024));
      unlinkSync(probe);
    }
    return 'written';
  } catch (err) {
    try {
      unlinkSync(probe);
    } catch {
      /* not created */
    }
    return String((err as NodeJS.ErrnoException).code);
  }
}

async function runStep(step: Step, file: string): Promise<StepResult> {
  if ('metrics' in step) return serveMetrics(file);
  const { processContext, run } = await import('../../src/cli/main.js');
  const stdout: string[] = [];
  const stderr: string[] = [];
  const ctx = { ...processContext(), env: {}, stdout: { write: (t: string) => stdout.push(t) }, stderr: { write: (t: string) => stderr.push(t) } };
  const code = await run(['node', 'kmswatch', '--db', file, ...step.args], ctx);
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

/**
 * `kmswatch serve --db <db>` in a process of its own, without a token (so it opens the store
 * read-only), then GET /metrics, then SIGTERM: the metrics text, and serve's exit code (or the
 * HTTP status when it was not 200).
 */
export async function serveMetrics(db: string): Promise<StepResult> {
  const p: ChildProcess = spawn(process.execPath, ['--import', 'tsx', MAIN, '--db', db, 'serve', '--port', '0'], {
    cwd: repoRoot,
    env: { ...process.env, KMSWATCH_TOKEN: '', KMSWATCH_READ_TOKEN: '' },
  });
  let stderr = '';
  const exited = new Promise<number>((resolve) => p.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  const url = await new Promise<string | null>((resolve) => {
    p.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /on (http:\/\/\S+?)\/ /.exec(stderr);
      if (m) resolve(m[1]);
    });
    void exited.then(() => resolve(null));
  });
  if (url === null) return { code: await exited, stdout: '', stderr };
  let body = '';
  let status = 0;
  try {
    const res = await fetch(`${url}/metrics`);
    status = res.status;
    body = await res.text();
  } finally {
    p.kill('SIGTERM');
  }
  const code = await exited;
  return { code: status === 200 ? code : status, stdout: body, stderr };
}

async function childMain(request: { kind: Confinement; file: string; steps: Step[] }): Promise<void> {
  const { kind, file, steps } = request;
  const before = fingerprint(file);
  const proof = kind === 'writable' ? 'writable copy' : writeProof(kind, file);
  const freeBlocks = Number(statfsSync(path.dirname(file)).bavail);
  const results: StepResult[] = [];
  for (const step of steps) results.push(await runStep(step, file));
  const after = fingerprint(file);
  process.stdout.write(`\n${RESULT_MARK}${JSON.stringify({ proof, freeBlocks, before, after, results })}\n`);
}

if (process.argv[2] === '--child' && path.resolve(process.argv[1] ?? '') === HERE) {
  await childMain(JSON.parse(process.argv[3]) as { kind: Confinement; file: string; steps: Step[] });
  process.exit(0);
}
