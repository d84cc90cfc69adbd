import pg from 'pg';

/**
 * Throwaway PostgreSQL databases for tests. The server comes from KMSWATCH_TEST_PG (default: the
 * local trust-auth server, database `test`); each test file gets its own database
 * `kmswatch_test_<pid>_<random>`, created through that maintenance database and dropped at the
 * end, and each store inside it gets its own schema (fresh and cheap: no CREATE DATABASE per test).
 */
export const ADMIN_URL = process.env.KMSWATCH_TEST_PG || 'postgres://postgres@127.0.0.1:5432/test';

export class ThrowawayDatabase {
  private schemaSeq = 0;

  private constructor(
    readonly name: string,
    readonly url: string,
  ) {}

  static async create(): Promise<ThrowawayDatabase> {
    const name = `kmswatch_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    await admin(async (c) => {
      await c.query(`CREATE DATABASE ${name}`);
    });
    return new ThrowawayDatabase(name, withDatabase(ADMIN_URL, name));
  }

  /** A new empty schema and the URL whose connections use it (search_path set at connect). */
  async freshSchemaUrl(): Promise<string> {
    const schema = `s${++this.schemaSeq}_${Math.random().toString(36).slice(2, 8)}`;
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA ${schema}`);
    } finally {
      await client.end();
    }
    const u = new URL(this.url);
    u.searchParams.set('options', `-c search_path=${schema}`);
    return u.toString();
  }

  async drop(): Promise<void> {
    await admin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`);
    });
  }
}

/** `ADMIN_URL` with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin(fn: (c: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${ADMIN_URL} (${(err as Error).message}); start it with ` +
        '`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` or set BACKENDS=sqlite,memory',
      { cause: err },
    );
  }
  try {
    await fn(client);
  } finally {
    await client.end();
  }
}
