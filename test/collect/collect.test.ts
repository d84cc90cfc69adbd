import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/alerts/load-config.js';
import { FILE_KEY_PREFIX, LAST_SUCCESS_KEY, runCollect } from '../../src/collect/collect.js';
import { defaultIngestor } from '../../src/collect/ingestor.js';
import type { CommandRunner } from '../../src/collect/wevtutil.js';
import { createSmtpTransport } from '../../src/notify/transport.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { startSmtp, type TestSmtp } from '../notify/smtp.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const AT = Date.parse('2026-03-01T00:00:00Z');
const HOUR = 3_600_000;

let smtp: TestSmtp | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
});

async function exportsDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kmswatch-collect-'));
  await mkdir(path.join(dir, 'exports'));
  for (const f of ['wevtutil-kms01-kms.xml', 'wevtutil-kms01-app.xml']) await copyFile(path.join(fixtures, f), path.join(dir, 'exports', f));
  return dir;
}

async function newStore() {
  const store = createMemoryStore();
  await store.migrate();
  return store;
}

describe('runCollect on file sources', () => {
  // The fixtures (see fixtures/README.md) give kms01.contoso.com two 0x0 Windows requests in the
  // window at AT: pc01 (N = 25, licensed) and srv01 (N = 5, licensed); pc02 failed (0xC004F06C, OOB grace, N = 25).
  // current = min(2, 2 × 25) = 2 → below 25 and below 5: two critical low-count alerts. pc02 waits in both
  // (needs more than 2, not licensed). Idle: last request 12:00 on 02-28, 12 h before AT → not idle.
  // DNS: 12293 at 09:00 then 12294 at 13:00 → published. One failure → no spike.
  it('ingests, mails the first time only, and skips unchanged files', async () => {
    smtp = await startSmtp();
    const dir = await exportsDir();
    const config = parseConfigText(
      `sources:\n  - files: exports/*.xml\nmail:\n  smtp: "${smtp.url}"\n  from: kmswatch@contoso.test\n  to: admins@contoso.test\n`,
      path.join(dir, 'kmswatch.yaml'),
    );
    const store = await newStore();
    const deps = { ingest: defaultIngestor, transport: createSmtpTransport(config.mail.smtp!, {}) };
    const opts = { config, baseDir: dir, timezone: 'UTC', now: () => AT };

    const first = await runCollect(store, deps, { ...opts, at: AT });
    expect(first.ok).toBe(true);
    expect(first.sources).toMatchObject([{ source: 'exports/*.xml', matched: 2, unchanged: 0 }]);
    expect([first.totals.requests, first.totals.hostEvents, first.totals.issues.length]).toEqual([3, 2, 0]);
    expect(first.notify?.outcome).toBe('sent');
    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0];
    // a few days of kms01's log, not the 30-day window: the count is partial
    expect(mail.subject).toBe('[KMS] CRITICAL kms01.contoso.com: Windows count 2 < 25 (partial) (+1 more)');
    // the body shows each alert's title (issue 25): 2 counted < 5, the minimum of Windows Server
    expect(mail.text).toContain('[CRITICAL] kms01.contoso.com counts 2 Windows clients: below the 5 that Windows Server and Office need');
    const csv = mail.attachments[0].content.toString('utf8').trimEnd().split('\r\n');
    expect(csv.slice(1).map((l) => l.split(',').slice(0, 5).join(','))).toEqual([
      'low-count:kms01.contoso.com:Windows:25,critical,kms01.contoso.com,pc02.contoso.com,0a1b2c3d-0000-4000-8000-000000000002',
      'low-count:kms01.contoso.com:Windows:5,critical,kms01.contoso.com,pc02.contoso.com,0a1b2c3d-0000-4000-8000-000000000002',
    ]);
    expect(await store.getMeta!(LAST_SUCCESS_KEY)).toBe(String(AT));
    expect(await store.getMeta!(FILE_KEY_PREFIX + path.join(dir, 'exports', 'wevtutil-kms01-kms.xml'))).toMatch(/^3\d{3}:\d+$/);

    const second = await runCollect(store, deps, { ...opts, at: AT + HOUR });
    expect(second.sources).toMatchObject([{ matched: 2, unchanged: 2, ingested: null }]);
    expect(second.notify?.outcome).toBe('nothing-new');
    expect(smtp.messages).toHaveLength(1);
  });

  it('an unreadable file is reported, the others are stored, and it is tried again next run', async () => {
    const dir = await exportsDir();
    await writeFile(path.join(dir, 'exports', 'broken.xml'), '<Events><Event><System><EventID>12290');
    const config = parseConfigText('sources:\n  - files: exports/*.xml\n', 'k.yaml');
    const store = await newStore();
    const r = await runCollect(store, { ingest: defaultIngestor }, { config, baseDir: dir, timezone: 'UTC', at: AT });
    expect(r.totals.requests).toBe(3);
    expect(r.totals.issues.length).toBeGreaterThan(0);
    expect(r.totals.issues.every((i) => i.file.endsWith('broken.xml'))).toBe(true);
    // no mail configured: alerts are evaluated and stored all the same
    expect(r.notify).toBeNull();
    expect(r.evaluation?.states.map((s) => s.id)).toEqual(['low-count:kms01.contoso.com:Windows:25', 'low-count:kms01.contoso.com:Windows:5']);
  });
});

function newest(channel: string, recordId: number): Buffer {
  return Buffer.from(
    `<Events><Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID Qualifiers='16384'>12290</EventID>` +
      `<TimeCreated SystemTime='2026-02-28T13:00:00Z'/><EventRecordID>${recordId}</EventRecordID><Channel>${channel}</Channel>` +
      `<Computer>kms01.contoso.com</Computer></System></Event></Events>`,
  );
}

describe('runCollect on a live wevtutil source', () => {
  it('queries from the stored checkpoint on the second run', async () => {
    const fixture = (name: string) => import('node:fs/promises').then((fs) => fs.readFile(path.join(fixtures, name)));
    const calls: string[][] = [];
    let round = 1;
    const runner: CommandRunner = async (file, args) => {
      expect(file).toBe('wevtutil');
      calls.push(args);
      // /c:1 /rd:true: the newest record only, as wevtutil prints it (the fixtures' last records)
      if (args.includes('/c:1')) return newest(args[1], args[1] === 'Application' ? 5007 : 103);
      if (round > 1) return fixture('wevtutil-empty.xml');
      return fixture(args[1] === 'Application' ? 'wevtutil-kms01-app.xml' : 'wevtutil-kms01-kms.xml');
    };
    const config = parseConfigText('sources:\n  - wevtutil: kms01\n', 'k.yaml');
    const store = await newStore();
    const deps = { ingest: defaultIngestor, runner, platform: 'win32' as const };
    const first = await runCollect(store, deps, { config, baseDir: '.', timezone: 'UTC', at: AT });
    expect(first.sources.map((s) => [s.source, s.ingested?.requests, s.ingested?.hostEvents])).toEqual([
      ['wevtutil:kms01 Key Management Service', 3, 0],
      ['wevtutil:kms01 Application', 0, 2],
    ]);
    expect(calls.map((a) => a[3])).toEqual(['/q:*[System[EventRecordID>0]]', '/q:*[System[(EventID=12291 or EventID=12293 or EventID=12294) and EventRecordID>0]]']);

    round = 2;
    calls.length = 0;
    const second = await runCollect(store, deps, { config, baseDir: '.', timezone: 'UTC', at: AT });
    expect(second.ok).toBe(true);
    // The probe (newest record, /c:1) finds 103 and 5007, the checkpoints: not cleared.
    const queries = calls.filter((a) => !a.includes('/c:1')).map((a) => a[3]);
    expect(queries).toEqual(['/q:*[System[EventRecordID>103]]', '/q:*[System[(EventID=12291 or EventID=12293 or EventID=12294) and EventRecordID>5007]]']);
  });

  it('is refused off Windows without stopping the run', async () => {
    const config = parseConfigText('sources:\n  - wevtutil: kms01\n', 'k.yaml');
    const store = await newStore();
    const r = await runCollect(store, { ingest: defaultIngestor, platform: 'linux' }, { config, baseDir: '.', timezone: 'UTC', at: AT });
    expect(r.ok).toBe(false);
    expect(r.sources[0].error).toMatch(/run only on Windows \(this is linux\)/);
    expect(await store.getMeta!(LAST_SUCCESS_KEY)).toBeNull();
  });
});
