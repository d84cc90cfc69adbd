// `kmswatch ingest` of `wevtutil qe … /f:text` exports against the XML export of the same events
// (test/fixtures/sources/README.md: the text fixtures render the events of wevtutil-kms01.xml).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';
import { runCliOnDb } from './helpers.js';

const fixture = (name: string) => path.join(repoRoot, 'test/fixtures/sources', name);
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-wevtutil-text-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (db: string, ...args: string[]) => runCliOnDb(path.join(dir, db), ...args);

/** Ingests `files` into a new database and returns `report --json` as of 2026-02-10 and the clients. */
async function reportOf(db: string, ...ingestArgs: string[]) {
  const ingested = await cli(db, 'ingest', '--json', '--timezone', 'Europe/Berlin', ...ingestArgs);
  expect(ingested.stderr).toBe('');
  expect(ingested.code).toBe(0);
  const report = await cli(db, 'report', '--json', '--at', '2026-02-10T00:00:00Z', '--timezone', 'Europe/Berlin');
  const clients = await cli(db, 'clients', '--json', '--at', '2026-02-10T00:00:00Z', '--timezone', 'Europe/Berlin');
  return { summary: JSON.parse(ingested.stdout), report: withoutStretches(JSON.parse(report.stdout)), clients: JSON.parse(clients.stdout) };
}

/** The report without its coverage stretches: they name the file (and zone) each store was read from. */
function withoutStretches<T>(report: T): T {
  for (const h of (report as { hosts: { coverage: { stretches?: unknown }[] }[] }).hosts) for (const c of h.coverage) delete c.stretches;
  return report;
}

describe('ingest wevtutil /f:text', () => {
  it('the PowerShell 5.1 (UTF-16LE) and the cmd.exe (cp850, --encoding) text give the report and clients of the XML export', async () => {
    const xml = await reportOf('xml.db', fixture('wevtutil-kms01.xml'));
    const ps51 = await reportOf('ps51.db', fixture('wevtutil-kms01-ps51.txt'));
    const cp850 = await reportOf('cp850.db', '--encoding', 'cp850', fixture('wevtutil-kms01-cp850.txt'));
    // wevtutil-kms01.xml: 6 requests (records 1201-1206) and 4 host events (88001-88004).
    for (const r of [xml, ps51, cp850]) expect([r.summary.requests, r.summary.hostEvents, r.summary.anomalies]).toEqual([6, 4, 0]);
    expect(ps51.report).toEqual(xml.report);
    expect(cp850.report).toEqual(xml.report);
    expect(ps51.clients).toEqual(xml.clients);
    expect(cp850.clients).toEqual(xml.clients);
    // The fields the text form has only in its message came back: the comma and the umlaut included.
    const machines = JSON.stringify(xml.clients);
    expect(machines).toContain('"LAB,PC03"');
    expect(machines).toContain('"BÜRO-PC04"');
    expect(xml.report.hosts.map((h: { host: string }) => h.host)).toEqual(['KMS01.corp.contoso.com']);
    expect(xml.report.hosts[0]).toMatchObject({ requests: 6, dnsPublishFailures: 1, dnsPublishSuccesses: 2 });
  });

  it('the cmd.exe text without --encoding is still read, but the code page decides the names', async () => {
    const guessed = await reportOf('guessed.db', fixture('wevtutil-kms01-cp850.txt'));
    expect(JSON.stringify(guessed.clients)).not.toContain('BÜRO-PC04');
  });

  it('an --encoding no decoder knows is a usage error', async () => {
    const r = await cli('bad.db', 'ingest', '--encoding', 'cp99999', fixture('wevtutil-kms01-cp850.txt'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown encoding "cp99999"');
  });
});
