/**
 * vitest globalSetup: every temp file and directory a test run makes (os.tmpdir(), and the
 * TMPDIR of the processes tests start) goes under one directory, removed when the run ends, so
 * runs leave nothing behind in /tmp whether or not each test cleans up after itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(path.join(tmpdir(), 'kmswatch-test-run-'));
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
