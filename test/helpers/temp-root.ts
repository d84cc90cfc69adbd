/**
 * vitest globalSetup: every temp file and directory a test run makes (os.tmpdir(), and the
 * TMPDIR of the processes tests start) goes under one directory, removed when the run ends, so
 * runs leave nothing behind in /tmp whether or not each test cleans up after itself.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(path.join(tmpdir(), 'kmswatch-test-run-'));
  // As root, the embedded PostgreSQL runs as the postgres user, which must pass through this folder
  // to its own (embedded-postgres.ts); others may enter, not list.
  if (userInfo().uid === 0) chmodSync(root, 0o711);
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
