import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { errnoText, systemErrorLine } from '../src/errno.js';

/** The error a real system call throws, so the test follows Node's own wording. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('Node system errors in words', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-errno-'));
  const missing = path.join(dir, 'missing.evtx');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ENOENT on open: the words and the code, the path once, in front', () => {
    const e = thrown(() => openSync(missing, 'r'));
    expect((e as Error).message).toBe(`ENOENT: no such file or directory, open '${missing}'`);
    expect(errnoText(e)).toBe('no such file or directory (ENOENT)');
    expect(systemErrorLine(e)).toBe(`${missing}: cannot open: no such file or directory (ENOENT)`);
  });

  it('EISDIR on read carries no path: the line starts with the call', () => {
    const e = thrown(() => readFileSync(dir));
    expect(errnoText(e)).toBe('illegal operation on a directory (EISDIR)');
    expect(systemErrorLine(e)).toBe('cannot read: illegal operation on a directory (EISDIR)');
  });

  it('other errors keep their message and are not system-error lines', () => {
    const plain = new Error('ENOENT-looking text but no code');
    expect(errnoText(plain)).toBe('ENOENT-looking text but no code');
    expect(systemErrorLine(plain)).toBeNull();
    // A code that is not an errno (our own typed errors carry codes like STORE_OPEN).
    const typed = Object.assign(new Error('cannot open x'), { code: 'STORE_OPEN', syscall: 'open' });
    expect(systemErrorLine(typed)).toBeNull();
    expect(errnoText('a string')).toBe('a string');
  });
});
