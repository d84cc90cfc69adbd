// `kmswatch ingest` and `report` of a Berlin host's exports across the end of daylight saving time
// (2026-10-25: 02:00-02:59 local happens twice): the summary counts the times of the repeated hour,
// a CSV read in the wrong zone is one problem naming the offset, and the report names the zone
// each file was read in.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/context.js';
import { processContext, run } from '../../src/cli/main.js';
import { requestEvent } from '../../src/simulate/events.js';
import { writeEveryShape, type ShapeFile } from '../helpers/export-shapes.js';

const HOST = 'KMS01.corp.contoso.com';
// record 1001 at 01:50 CEST, 1002/1003 at 02:15/02:45 CEST, 1004/1005 at 02:05/02:40 CET, 1006 at 03:10 CET
const TIMES = [Date.UTC(2026, 9, 24, 23, 50), Date.UTC(2026, 9, 25, 0, 15), Date.UTC(2026, 9, 25, 0, 45), Date.UTC(2026, 9, 25, 1, 5), Date.UTC(2026, 9, 25, 1, 40), Date.UTC(2026, 9, 25, 2, 10)];

let dir: string;
let files: ShapeFile[];
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-cli-dst-'));
  const events = TIMES.map((time, i) => requestEvent(HOST, time, 1001 + i, {
    result: 0, minimumCount: 25, machine: `PC${i + 1}`, cmid: `${String(i + 1).padStart(8, '0')}-1111-4111-8111-111111111111`, clientTime: time,
    isVm: false, licenseState: 1, minutesLeft: 0, activationId: '2de67392-b7a7-462a-b1ca-108dd189f588',
  }));
  files = writeEveryShape(dir, [{ fqdn: HOST, zone: 'Europe/Berlin', events }]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fileOf = (shape: string) => files.find((f) => f.shape === shape && !f.file.includes('-app.'))!.file;

async function cli(db: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const ctx: CliContext = { ...processContext(), env: {}, stdout: { write: (t: string) => stdout.push(t) }, stderr: { write: (t: string) => stderr.push(t) } };
  const code = await run(['node', 'kmswatch', '--db', path.join(dir, db), ...args], ctx);
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

describe('ingest across the end of daylight saving time', () => {
  it('counts the times of the repeated hour placed by the log\'s order, and --json carries the counts', async () => {
    const text = await cli('a.db', 'ingest', '--timezone', 'Europe/Berlin', fileOf('Get-EventLog Export-Csv'));
    expect(text.code).toBe(0);
    // four times in 02:00-02:59 (records 1002-1005), each placed by record id
    expect(text.stdout).toMatch(/^ {2}repeated-hour times, by order +4$/m);
    expect(text.stdout).not.toContain('repeated-hour times, earlier');
    const json = await cli('b.db', 'ingest', '--json', '--timezone', 'Europe/Berlin', fileOf('Get-EventLog Export-Csv'));
    expect(JSON.parse(json.stdout)).toMatchObject({ requests: 6, ambiguousByOrder: 4, ambiguousEarlier: 0, shifted: 0, withheld: 0 });
  });

  it('fails a CSV read in the wrong zone, naming the offset, and stores nothing of it', async () => {
    expect((await cli('c.db', 'ingest', fileOf('xml /e:Events'))).code).toBe(0);
    const wrong = await cli('c.db', 'ingest', '--json', '--timezone', 'UTC', fileOf('Get-EventLog Export-Csv'));
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ requests: 0, shifted: 6, logClears: 0 });
    expect(wrong.stderr).toMatch(/export-kms\.csv: times 1 h later or 2 h later than the stored copies of the same 6 records .*--timezone Europe\//);
    const report = JSON.parse((await cli('c.db', 'report', '--json', '--at', '2026-10-26T00:00:00Z', '--timezone', 'UTC')).stdout);
    expect(report.totals.requests).toBe(6);
  });

  it('names in the report the zone each file was read in', async () => {
    await cli('d.db', 'ingest', fileOf('xml /e:Events'));
    await cli('d.db', 'ingest', '--timezone', 'Europe/Berlin', fileOf('Get-EventLog Export-Csv'));
    const report = JSON.parse((await cli('d.db', 'report', '--json', '--at', '2026-10-26T00:00:00Z', '--timezone', 'UTC')).stdout);
    const sources = report.hosts[0].coverage[0].stretches.map((s: { source: string; zone: string | null }) => [path.basename(s.source), s.zone]);
    // both stretches begin at 23:50:00Z: listed by source then
    expect(sources).toEqual([['KMS01-export-kms.csv (csv-export)', 'Europe/Berlin'], ['KMS01-xml-events.xml (xml)', null]]);
    const text = (await cli('d.db', 'report', '--at', '2026-10-26T00:00:00Z', '--timezone', 'UTC')).stdout;
    expect(text).toMatch(/KMS01-export-kms\.csv \(csv-export\) in\s+Europe\/Berlin|KMS01-export-kms\.csv \(csv-export\) in Europe\/Berlin/);
  });
});
