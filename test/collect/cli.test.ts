import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory.js';
import { startSmtp, type TestSmtp } from '../notify/smtp.js';
import { runMine } from './cli.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const AT = '2026-03-01T00:00:00Z';

let smtp: TestSmtp | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
});

async function setup(extraYaml = '') {
  const dir = await mkdtemp(path.join(tmpdir(), 'kmswatch-cli-'));
  await copyFile(path.join(fixtures, 'wevtutil-kms01-kms.xml'), path.join(dir, 'kms.xml'));
  await copyFile(path.join(fixtures, 'wevtutil-kms01-app.xml'), path.join(dir, 'app.xml'));
  const config = path.join(dir, 'kmswatch.yaml');
  await writeFile(config, `sources:\n  - files: "*.xml"\n${extraYaml}`);
  const store = createMemoryStore();
  await store.migrate();
  return { dir, config, store };
}

describe('kmswatch collect / alerts / notify', () => {
  it('collect twice: mail the first time only; alerts lists them; notify has nothing new', async () => {
    smtp = await startSmtp();
    const { config, store } = await setup(`mail:\n  from: kmswatch@contoso.test\n  to: admins@contoso.test\n`);
    const first = await runMine(['collect', '--config', config, '--smtp', smtp.url, '--at', AT], { store });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('*.xml: 2 files (0 unchanged), 3 new requests, 2 host events, 0 duplicates');
    // the exports hold a few days of kms01's log, not the 30-day window: its count is partial
    expect(first.stdout).toContain('mail sent: [KMS] CRITICAL kms01.contoso.com: Windows count 2 < 25 (partial) (+1 more)');
    expect(smtp.messages.map((m) => m.subject)).toEqual(['[KMS] CRITICAL kms01.contoso.com: Windows count 2 < 25 (partial) (+1 more)']);

    const second = await runMine(['collect', '--config', config, '--smtp', smtp.url, '--at', '2026-03-01T01:00:00Z'], { store });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('*.xml: 2 files (2 unchanged)');
    expect(second.stdout).toContain('nothing new: no mail sent (2 alerts still open)');
    expect(smtp.messages).toHaveLength(1);

    const list = await runMine(['alerts', '--at', '2026-03-01T02:00:00Z'], { store });
    expect(list.stdout).toMatch(/^2 open alerts at 2026-03-01 02:00Z\n/);
    expect(list.stdout).toContain('CRITICAL  kms01.contoso.com     Windows count 2 < 25');
    expect(list.stdout).toContain('low-count:kms01.contoso.com:Windows:25  first 2026-03-01 00:00Z  last 2026-03-01 02:00Z  (mailed)');

    const notify = await runMine(['notify', '--smtp', smtp.url, '--from', 'k@contoso.test', '--to', 'a@contoso.test', '--at', '2026-03-01T03:00:00Z'], { store });
    expect(notify.stdout).toBe('nothing new: no mail sent (2 alerts still open)\n');
    const always = await runMine(['notify', '--smtp', smtp.url, '--from', 'k@contoso.test', '--to', 'a@contoso.test,b@contoso.test', '--always', '--at', '2026-03-01T03:00:00Z'], { store });
    expect(always.stdout).toBe('mail sent: [KMS] OK: no new alerts (2 still open)\n');
    expect(smtp.recipients[1]).toEqual(['a@contoso.test', 'b@contoso.test']);
  });

  it('notify --dry-run prints the mail and the CSV, sends nothing, stores nothing', async () => {
    const { config, store } = await setup();
    await runMine(['collect', '--config', config, '--at', AT], { store }); // no mail configured: alerts stored only
    const dry = await runMine(['notify', '--dry-run', '--at', AT], { store });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Subject: \[KMS\] CRITICAL kms01\.contoso\.com: Windows count 2 < 25 \(partial\) \(\+1 more\)\n\nkmswatch report at 2026-03-01 00:00 UTC\n/);
    expect(dry.stdout).toContain('--- clients.csv (2 rows) ---');
    const states = await store.alertStates!();
    expect(states.every((s) => s.notifiedAt === null)).toBe(true);
  });

  it('collect: an empty drop folder is no error (ingest of such a folder is one: test/cli/ingest.test.ts)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kmswatch-cli-'));
    await mkdir(path.join(dir, 'drop'));
    const config = path.join(dir, 'kmswatch.yaml');
    await writeFile(config, 'sources:\n  - files: "drop/*.evtx"\n');
    const store = createMemoryStore();
    await store.migrate();
    const r = await runMine(['collect', '--config', config, '--at', AT], { store });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('drop/*.evtx: 0 files (0 unchanged)');
  });

  it('notify with news but no SMTP server fails with a clear error', async () => {
    const { config, store } = await setup();
    await runMine(['collect', '--config', config, '--at', AT], { store });
    const r = await runMine(['notify', '--at', AT], { store });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('NotifyError NOTIFY_SMTP_URL: no SMTP server');
  });

  it('a bad config names the file and key; exit 1', async () => {
    const { dir, store } = await setup();
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, 'alerts:\n  lowCount: { margin: many }\n');
    const r = await runMine(['alerts', '--config', bad], { store });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`AlertConfigError CONFIG_INVALID: ${bad}: alerts.lowCount.margin:`);
  });

  it('collect and watch without sources are usage errors that open no database', async () => {
    const { dir, store } = await setup();
    const mailOnly = path.join(dir, 'mail-only.yaml');
    await writeFile(mailOnly, 'mail:\n  to: admins@contoso.test\n');
    for (const args of [['collect'], ['collect', '--config', mailOnly], ['watch', '--every', '10m', '--config', mailOnly]]) {
      const r = await runMine(args, { store });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.opens, args.join(' ')).toBe(0);
      expect(r.stderr).toContain('no sources configured: collect reads the sources: list of a config file and ');
      expect(r.stderr).toContain(args.length === 1 ? 'no --config FILE was given' : `${mailOnly} has none`);
      expect(r.stderr).toContain('run kmswatch notify');
    }
  });
});

describe('kmswatch watch', () => {
  it('rejects a bad --every with a usage error', async () => {
    const { store } = await setup();
    const r = await runMine(['watch', '--every', '5s'], { store });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the shortest interval is 10s');
  });

  it('SIGTERM stops the loop after the current run', async () => {
    const { config, store } = await setup();
    const listeners = new Map<string, () => void>();
    const signals = {
      once: (sig: string, fn: () => void) => {
        listeners.set(sig, fn);
        // the signal arrives while the first run is under way
        if (sig === 'SIGTERM') setImmediate(fn);
      },
      removeListener: (sig: string) => listeners.delete(sig),
    };
    const started = Date.now();
    const r = await runMine(['watch', '--config', config, '--every', '1h'], { store, signals, now: Date.parse(AT) });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('stopping after the current run');
    expect(r.stdout.match(/\*\.xml: /g)).toHaveLength(1); // exactly one run
    expect(listeners.size).toBe(0); // handlers removed
  });
});
