import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expandGlob, segmentRegExp } from '../../src/collect/glob.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kmswatch-glob-'));
  for (const f of ['a/kms01.evtx', 'a/kms02.EVTX', 'a/notes.txt', 'a/.hidden.evtx', 'a/deep/x/kms03.evtx', 'b/app.xml']) {
    await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
    await writeFile(path.join(dir, f), '');
  }
});

const rel = (files: string[]) => files.map((f) => path.relative(dir, f).split(path.sep).join('/'));

describe('expandGlob', () => {
  it('* within a name, case-insensitive, no hidden files', async () => {
    expect(rel(await expandGlob('a/*.evtx', dir))).toEqual(['a/kms01.evtx', 'a/kms02.EVTX']);
  });
  it('** for any depth', async () => {
    expect(rel(await expandGlob('**/*.evtx', dir))).toEqual(['a/deep/x/kms03.evtx', 'a/kms01.evtx', 'a/kms02.EVTX']);
  });
  it('? and classes; plain paths; absolute patterns', async () => {
    expect(rel(await expandGlob('a/kms0[2-9].evtx', dir))).toEqual(['a/kms02.EVTX']);
    expect(rel(await expandGlob('?/app.xml', dir))).toEqual(['b/app.xml']);
    expect(rel(await expandGlob('b/app.xml', dir))).toEqual(['b/app.xml']);
    expect(await expandGlob('b/missing.xml', dir)).toEqual([]);
    expect(rel(await expandGlob(path.join(dir, 'a', '*.txt'), '/'))).toEqual(['a/notes.txt']);
  });
  it('regex characters in names are literal', () => {
    expect(segmentRegExp('kms(1).evtx').test('kms(1).evtx')).toBe(true);
    expect(segmentRegExp('kms(1).evtx').test('kms1xevtx')).toBe(false);
  });
});
