// `kmswatch ingest` on the sources fixtures, into a real SQLite file, then `report --json`.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/context.js';
import { processContext, run } from '../../src/cli/main.js';
import { repoRoot } from '../helpers/paths.js';

const fixture = (name: string) => path.join(repoRoot, 'test/fixtures/sources', name);
let dir: string;
let db: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-ingest-'));
  db = path.join(dir, 'kms.db');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const ctx: CliContext = { ...processContext(), env: {}, stdout: { write: (t: string) => stdout.push(t) }, stderr: { write: (t: string) => stderr.push(t) } };
  const code = await run(['node', 'kmswatch', '--db', db, ...args], ctx);
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

const line = (out: string, label: string) => Number(new RegExp(`^\\s+${label}\\s+(\\d+)$`, 'm').exec(out)?.[1]);

describe('kmswatch ingest', () => {
  it('stores a wevtutil export once; the second run only skips duplicates', async () => {
    // kms-events-root.xml: records 101-103 are 12290 (seed line, MS-F074, VA2-OPS), 104 is event 1337 in the KMS log.
    const first = await cli('ingest', '--timezone', 'UTC', fixture('kms-events-root.xml'));
    expect(first.code).toBe(0);
    expect([line(first.stdout, 'events'), line(first.stdout, 'new requests'), line(first.stdout, 'anomalies'), line(first.stdout, 'errors')]).toEqual([4, 3, 1, 0]);
    const again = await cli('ingest', '--timezone', 'UTC', fixture('kms-events-root.xml'));
    expect(again.code).toBe(0);
    expect([line(again.stdout, 'new requests'), line(again.stdout, 'duplicates skipped')]).toEqual([0, 4]);
  });

  it('a truncated file: good events kept, each problem printed with file and line, exit 1', async () => {
    const r = await cli('ingest', '--timezone', 'UTC', '--json', fixture('kms-truncated.xml'));
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout);
    expect(summary.issues.length).toBeGreaterThan(0);
    for (const issue of summary.issues) expect(r.stderr).toContain(`kmswatch: ${fixture('kms-truncated.xml')}: line ${issue.line}`);
  });

  it('a missing file is reported, not thrown', async () => {
    const r = await cli('ingest', '--timezone', 'UTC', path.join(dir, 'nope.xml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nope.xml');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('report --json over what was ingested', async () => {
    const r = await cli('report', '--json', '--at', '2015-10-28T12:00:00Z', '--timezone', 'UTC');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    // The three requests of kms-events-root.xml (3 CMIDs, 3 machines, host kms01.domain.com) and its
    // anomaly, plus whatever kms-truncated.xml added: compare the fixture's own hosts only.
    const kms01 = report.hosts.find((h: { host: string }) => h.host === 'kms01.domain.com');
    // Window (2015-09-28T12:00Z, 2015-10-28T12:00Z]: only the seed request (0x0, N=25).
    // Its stored log, records 101-104 without a gap, reaches back to 2006 (record 103), before the
    // window's start: the count is not partial.
    expect(kms01.counts).toEqual([{ application: 'Windows', current: 1, active: 1, cap: 50, thresholds: [{ minimum: 25, clients: 1, met: false }], partial: false }]);
  });
});

describe('kmswatch ingest DIR and patterns; a --db that does not exist', () => {
  async function cliOn(dbFile: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const ctx: CliContext = { ...processContext(), env: {}, stdout: { write: (t: string) => stdout.push(t) }, stderr: { write: (t: string) => stderr.push(t) } };
    const code = await run(['node', 'kmswatch', '--db', dbFile, ...args], ctx);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  }

  it('reads the exports in a directory, skips and lists the rest, exit 0; a pattern that matches nothing is an error', async () => {
    const logs = path.join(dir, 'logs');
    mkdirSync(logs);
    copyFileSync(fixture('kms-events-root.xml'), path.join(logs, 'kms01.xml'));
    writeFileSync(path.join(logs, 'truth.json'), '{"at": "2015-10-28T12:00:00Z"}');
    const dbFile = path.join(dir, 'dir.db');
    const r = await cliOn(dbFile, 'ingest', '--timezone', 'UTC', logs);
    expect(r.code).toBe(0);
    // kms-events-root.xml: 4 events, 3 requests (as in the first test above).
    expect([line(r.stdout, 'files'), line(r.stdout, 'events'), line(r.stdout, 'new requests'), line(r.stdout, 'errors')]).toEqual([1, 4, 3, 0]);
    expect(r.stdout).toContain(`Skipped 1 file found by directory or pattern that is not an export: ${path.join(logs, 'truth.json')}.`);
    const json = await cliOn(dbFile, 'ingest', '--timezone', 'UTC', '--json', path.join(logs, '*.xml'), path.join(logs, 'none*.evtx'));
    expect(json.code).toBe(1);
    const summary = JSON.parse(json.stdout);
    expect([summary.files, summary.duplicates, summary.skipped]).toEqual([1, 4, []]);
    expect(summary.issues).toEqual([{ file: path.join(logs, 'none*.evtx'), format: 'unknown', reason: 'no file matches this pattern', fatal: true }]);
    expect(json.stderr).toBe(`kmswatch: ${path.join(logs, 'none*.evtx')}: not read: no file matches this pattern\n`);
    // Only a pattern that matches nothing: exit 1, and no database is created for it.
    const fresh = path.join(dir, 'fresh.db');
    const none = await cliOn(fresh, 'ingest', path.join(logs, 'none*.evtx'));
    expect(none.code).toBe(1);
    expect(existsSync(fresh)).toBe(false);
  });

  it('a directory that holds no export: exit 1, the directory named on stderr, no database created', async () => {
    const drop = path.join(dir, 'no-exports');
    mkdirSync(drop);
    writeFileSync(path.join(drop, 'notes.txt'), 'no events here');
    const fresh = path.join(dir, 'never.db');
    const r = await cliOn(fresh, 'ingest', drop);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('No problems');
    expect(r.stdout).toContain('1 problem, 1 file(s) not read: see below.');
    expect(r.stderr).toBe(`kmswatch: ${drop}: not read: no export in this directory: its 1 file is not an export\n`);
    expect(existsSync(fresh)).toBe(false);
  });

  it('commands that only read refuse a database that does not exist, and do not create it', async () => {
    const typo = path.join(dir, 'typo.db');
    for (const command of [['report'], ['clients'], ['alerts'], ['notify', '--dry-run']]) {
      const r = await cliOn(typo, ...command);
      expect(r.code, command[0]).toBe(1);
      expect(r.stderr).toBe(`kmswatch: StoreError STORE_MISSING: no database at ${typo}: \`kmswatch ingest\` creates one; --db or KMSWATCH_DB names another\n`);
      expect(existsSync(typo)).toBe(false);
    }
    // ingest creates it; then report reads it.
    expect((await cliOn(typo, 'ingest', '--timezone', 'UTC', fixture('kms-events-root.xml'))).code).toBe(0);
    expect((await cliOn(typo, 'report', '--json')).code).toBe(0);
  });
});
