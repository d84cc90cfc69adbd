/**
 * A live Windows log cannot be opened or read while the Event Log service holds it (libuv turns
 * ERROR_SHARING_VIOLATION and ERROR_LOCK_VIOLATION into EBUSY), and winevt\Logs is readable only
 * when elevated. Linux cannot produce those errors for a regular file, so the file system calls
 * are replaced for paths under a "held" directory: they throw what Node throws on Windows (code,
 * errno, syscall, path and message as libuv words them).
 */
import { describe, expect, it, vi } from 'vitest';
import { liveLogHint, logNameOf } from '../../src/evtx/node/live-log.js';
import { openSource } from '../../src/sources/index.js';
import { runCli } from '../cli/helpers.js';
import { collect } from '../sources/helpers.js';

const HELD = 'C:\\Windows\\System32\\winevt\\Logs\\';

function windowsError(code: 'EBUSY' | 'EPERM' | 'EACCES', syscall: string, path: string): NodeJS.ErrnoException {
  const words = { EBUSY: 'resource busy or locked', EPERM: 'operation not permitted', EACCES: 'permission denied' }[code];
  const errno = { EBUSY: -4082, EPERM: -4048, EACCES: -4092 }[code];
  return Object.assign(new Error(`${code}: ${words}, ${syscall} '${path}'`), { code, errno, syscall, path });
}

/** Which error a path under HELD gets: the file name says it ("busy …" or "denied …"). */
function heldError(path: string, syscall: string): NodeJS.ErrnoException | null {
  if (!path.startsWith(HELD)) return null;
  return windowsError(path.includes('denied') ? 'EACCES' : 'EBUSY', syscall, path);
}

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const open = (async (path: string, ...rest: unknown[]) => {
    const e = heldError(String(path), 'open');
    if (e) throw e;
    return (real.open as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof real.open;
  return { ...real, default: { ...real, open }, open };
});

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const openSync = ((path: string, ...rest: unknown[]) => {
    const e = heldError(String(path), 'open');
    if (e) throw e;
    return (real.openSync as (...a: unknown[]) => number)(path, ...rest);
  }) as typeof real.openSync;
  const statSync = ((path: string, ...rest: unknown[]) => {
    // The dump's thread default looks at the size first; a held file's size is readable on Windows.
    if (String(path).startsWith(HELD)) return { size: 1 << 20, isFile: () => true };
    return (real.statSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof real.statSync;
  return { ...real, default: { ...real, openSync, statSync }, openSync, statSync };
});

describe('log names of winevt\\Logs files', () => {
  it('takes the base name, drops .evtx and turns %4 back into /', () => {
    expect(logNameOf(`${HELD}Key Management Service.evtx`)).toBe('Key Management Service');
    expect(logNameOf(`${HELD}Microsoft-Windows-TaskScheduler%4Operational.evtx`)).toBe('Microsoft-Windows-TaskScheduler/Operational');
    expect(logNameOf('/mnt/c/logs/Application.EVTX')).toBe('Application');
    expect(logNameOf('exports\\kms01.evtx')).toBe('kms01');
  });
});

describe('the hint for a file Windows holds', () => {
  const kms = `${HELD}Key Management Service.evtx`;

  it('EBUSY (sharing or lock violation): export a copy with wevtutil epl, wherever the file is', () => {
    expect(liveLogHint(windowsError('EBUSY', 'open', kms), kms)).toBe(
      '; another program holds this file open (on Windows, the Event Log service holds its live logs): export a copy with  wevtutil epl "Key Management Service" copy.evtx  and read the copy',
    );
    expect(liveLogHint(windowsError('EBUSY', 'read', 'D:\\kms.evtx'), 'D:\\kms.evtx')).toContain('wevtutil epl "kms" copy.evtx');
  });

  it('finds the code in a cause, as the reader wraps read errors', () => {
    const wrapped = new Error('kms.evtx: cannot read at offset 0x1000: resource busy or locked (EBUSY)', { cause: windowsError('EBUSY', 'read', kms) });
    expect(liveLogHint(wrapped, kms)).toContain('wevtutil epl "Key Management Service"');
  });

  it('access denied: an elevated shell, but only for winevt\\Logs', () => {
    for (const code of ['EACCES', 'EPERM'] as const) {
      expect(liveLogHint(windowsError(code, 'open', kms), kms)).toContain('elevated shell (Run as administrator)');
      expect(liveLogHint(windowsError(code, 'open', 'C:\\Users\\a\\kms.evtx'), 'C:\\Users\\a\\kms.evtx')).toBe('');
    }
  });

  it('nothing for other errors', () => {
    const missing = Object.assign(new Error("ENOENT: no such file or directory, open 'x'"), { code: 'ENOENT', syscall: 'open', path: 'x' });
    expect(liveLogHint(missing, 'x')).toBe('');
    expect(liveLogHint(new Error('plain'), kms)).toBe('');
    expect(liveLogHint(undefined, kms)).toBe('');
  });
});

describe('what a user sees', () => {
  it('ingest: the issue of the file says busy and how to get a copy', async () => {
    const file = `${HELD}busy Key Management Service.evtx`;
    const got = await collect(openSource(file, { timezone: 'UTC' }));
    expect(got.events).toHaveLength(0);
    expect(got.issues).toHaveLength(1);
    expect(got.issues[0].file).toBe(file);
    expect(got.issues[0].reason).toBe(
      'cannot read file: resource busy or locked (EBUSY); another program holds this file open (on Windows, the Event Log service holds its live logs): export a copy with  wevtutil epl "busy Key Management Service" copy.evtx  and read the copy',
    );
  });

  it('evtx info and evtx dump: one line naming the file, exit 1', async () => {
    const busy = `${HELD}busy Key Management Service.evtx`;
    for (const args of [['evtx', 'info', busy], ['evtx', 'dump', busy, '--threads', '1']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toBe(
        `kmswatch: ${busy}: cannot open: resource busy or locked (EBUSY); another program holds this file open (on Windows, the Event Log service holds its live logs): export a copy with  wevtutil epl "busy Key Management Service" copy.evtx  and read the copy\n`,
      );
    }
    const denied = `${HELD}denied Security.evtx`;
    const r = await runCli(['evtx', 'info', denied]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`kmswatch: ${denied}: cannot open: permission denied (EACCES); the logs under winevt\\Logs are readable only from an elevated shell`);
  });
});
