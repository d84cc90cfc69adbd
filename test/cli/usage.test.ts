// Exit codes: 0 ok, 1 some input failed, 2 usage (commander's own errors included).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/types.js';
import { runCli } from './helpers.js';

describe('usage errors exit 2 with one clear line', () => {
  it.each([
    [['report', '--bogus'], /unknown option '--bogus'/],
    [['--bogus'], /unknown option '--bogus'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['ingest'], /missing required argument 'file'/],
    [['report', '--json', '--csv'], /cannot be used with/],
    [['report', '--timezone', 'Mars/Olympus'], /unknown time zone "Mars\/Olympus"/],
    [['report', '--at', 'yesterday'], /'--at <time>' argument 'yesterday' is invalid/],
    [['report', '--idle-hours', '-3'], /argument '-3' is invalid|unknown option/],
    [['clients', '--state', 'happy'], /"happy" is not a license state/],
    [['clients', '--expiring-days', 'soon'], /"soon" is not a whole number/],
    [['ingest', '--format', 'docx', 'a.txt'], /Allowed choices are evtx, xml/],
  ])('%j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.opened).toEqual([]); // nothing touched the database
  });

  it('--help and --version exit 0', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: kmswatch/);
    for (const command of ['ingest', 'report', 'clients']) expect(help.stdout).toContain(command);
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('runtime errors', () => {
  it('print one line without a stack and exit 1; KMSWATCH_DEBUG=1 adds the stack', async () => {
    const openError = new StoreError('cannot open /nope/kms.db: no such directory', 'STORE_OPEN');
    const plain = await runCli(['report', '--db', '/nope/kms.db'], { openError });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toBe('kmswatch: StoreError STORE_OPEN: cannot open /nope/kms.db: no such directory\n');
    expect(plain.opened).toEqual(['/nope/kms.db']);
    const debug = await runCli(['report'], { openError, env: { KMSWATCH_DEBUG: '1' } });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('a file that cannot be opened or read is named, with the reason in words and its code', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-usage-'));
    try {
      const missing = path.join(dir, 'missing.evtx');
      const r = await runCli(['evtx', 'dump', missing]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`kmswatch: ${missing}: cannot open: no such file or directory (ENOENT)\n`);
      const info = await runCli(['evtx', 'info', missing]);
      expect(info.code).toBe(1);
      expect(info.stderr).toBe(`kmswatch: ${missing}: cannot open: no such file or directory (ENOENT)\n`);
      // A directory opens on Linux; its first read fails.
      const d = await runCli(['evtx', 'dump', dir]);
      expect(d.code).toBe(1);
      expect(d.stderr).toBe(`kmswatch: SlotReadError: ${dir}: cannot read at offset 0x0: illegal operation on a directory (EISDIR)\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--db is global: before or after the command', async () => {
    const openError = new StoreError('x', 'STORE_OPEN');
    expect((await runCli(['--db', 'a.db', 'report'], { openError })).opened).toEqual(['a.db']);
    expect((await runCli(['clients', '--db', 'b.db'], { openError })).opened).toEqual(['b.db']);
  });
});
