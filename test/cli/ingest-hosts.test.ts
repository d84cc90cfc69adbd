// Event Viewer's saves name no computer: `ingest` refuses them without --host, and --host is
// matched to the stored host it means (case-insensitive; a short name to its stored FQDN).
// The tab-delimited save's layout (eventviewer-kms01.txt) is that of a real "Save All Events As… →
// Text (Tab delimited)" published in rohitsharma1815/SecureMe_Phase_Rohit
// `step2_log_analysis/windows_logs.md`: the CSV header with tabs (`Level`, `Date and Time`, `Source`,
// `Event ID`, `Task Category`), the description unnamed after it, quoted when it spans lines.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';
import { runCliOnDb } from './helpers.js';

const fixture = (name: string) => path.join(repoRoot, 'test/fixtures/sources', name);
const AT = ['--at', '2026-02-10T00:00:00Z', '--timezone', 'Europe/Berlin'];
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-ingest-hosts-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (db: string, ...args: string[]) => runCliOnDb(path.join(dir, db), ...args);

interface HostRow { host: string; aliases: string[]; requests: number }
const hostsOf = async (db: string): Promise<HostRow[]> => JSON.parse((await cli(db, 'report', '--json', ...AT)).stdout).hosts;

describe('ingest of exports that name no computer', () => {
  it.each(['eventviewer-kms01.csv', 'eventviewer-kms01.txt'])('%s without --host: one line naming the file and --host, exit 1, no database created', async (name) => {
    const db = `none-${name}.db`;
    const r = await cli(db, 'ingest', '--timezone', 'Europe/Berlin', fixture(name));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(fixture(name));
    expect(lines[0]).toContain('--host');
    expect(lines[0]).toContain('INPUT_HOST_REQUIRED');
    expect(existsSync(path.join(dir, db))).toBe(false);
  });

  it('with other files given together, nothing of any of them is stored', async () => {
    const db = 'mixed.db';
    // create the database first, so that "nothing stored" is checked in it rather than by its absence
    expect((await cli(db, 'ingest', '--timezone', 'Europe/Berlin', fixture('kms-events-root.xml'))).code).toBe(0);
    const before = await hostsOf(db);
    const r = await cli(db, 'ingest', '--timezone', 'Europe/Berlin', fixture('wevtutil-kms01.xml'), fixture('eventviewer-kms01.csv'));
    expect(r.code).toBe(1);
    expect(await hostsOf(db)).toEqual(before);
  });

  it('--host KMS01 puts the saves on the stored KMS01.corp.contoso.com; the report lists the names it was seen under', async () => {
    const db = 'joined.db';
    expect((await cli(db, 'ingest', '--timezone', 'Europe/Berlin', fixture('wevtutil-kms01.xml'))).code).toBe(0);
    const csv = await cli(db, 'ingest', '--json', '--timezone', 'Europe/Berlin', '--host', 'KMS01', fixture('eventviewer-kms01.csv'));
    expect(csv.code).toBe(0);
    // eventviewer-kms01.csv: three requests later than the XML export's six.
    expect(JSON.parse(csv.stdout).requests).toBe(3);
    // The tab-delimited save holds the same three requests: no record ids, the same content, so duplicates.
    const txt = await cli(db, 'ingest', '--json', '--timezone', 'Europe/Berlin', '--host', 'kms01', fixture('eventviewer-kms01.txt'));
    expect(txt.code).toBe(0);
    expect(JSON.parse(txt.stdout)).toMatchObject({ requests: 0, duplicates: 3 });
    expect(await hostsOf(db)).toMatchObject([{ host: 'KMS01.corp.contoso.com', aliases: ['KMS01', 'kms01'], requests: 9 }]);
    const text = (await cli(db, 'report', ...AT)).stdout;
    expect(text).toContain('Also seen as: KMS01.corp.contoso.com = KMS01, kms01');
  });

  it('in one run, the saves are read after the exports that name the computer, so a short name finds the host they bring', async () => {
    const db = 'one-run.db';
    const r = await cli(db, 'ingest', '--timezone', 'Europe/Berlin', '--host', 'KMS01', fixture('eventviewer-kms01.csv'), fixture('wevtutil-kms01.xml'));
    expect(r.code).toBe(0);
    expect(await hostsOf(db)).toMatchObject([{ host: 'KMS01.corp.contoso.com', aliases: ['KMS01'], requests: 9 }]);
  });

  it('a full name matches case-insensitively', async () => {
    const db = 'case.db';
    await cli(db, 'ingest', '--timezone', 'Europe/Berlin', fixture('wevtutil-kms01.xml'));
    expect((await cli(db, 'ingest', '--timezone', 'Europe/Berlin', '--host', 'kms01.CORP.contoso.com', fixture('eventviewer-kms01.csv'))).code).toBe(0);
    expect(await hostsOf(db)).toMatchObject([{ host: 'KMS01.corp.contoso.com', aliases: ['kms01.CORP.contoso.com'], requests: 9 }]);
  });

  it('a short name two stored FQDNs start with is an error naming both; nothing is stored', async () => {
    const db = 'ambiguous.db';
    await cli(db, 'ingest', '--timezone', 'Europe/Berlin', fixture('wevtutil-kms01.xml'));
    // the same export from a second host of that first label
    const other = path.join(dir, 'kms01-lab.xml');
    const xml = await import('node:fs').then((fs) => fs.readFileSync(fixture('wevtutil-kms01.xml'), 'utf8'));
    writeFileSync(other, xml.replaceAll('KMS01.corp.contoso.com', 'kms01.lab.contoso.com'));
    await cli(db, 'ingest', '--timezone', 'Europe/Berlin', other);
    const before = await hostsOf(db);
    const r = await cli(db, 'ingest', '--timezone', 'Europe/Berlin', '--host', 'KMS01', fixture('eventviewer-kms01.csv'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('INPUT_HOST_AMBIGUOUS');
    expect(r.stderr).toContain('KMS01.corp.contoso.com, kms01.lab.contoso.com');
    expect(await hostsOf(db)).toEqual(before);
  });
});
