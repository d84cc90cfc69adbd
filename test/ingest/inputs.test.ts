// resolveInputs: directories and wildcard names on the ingest command line, built in a temp tree
// from the sources fixtures (real exports) plus files that are not exports.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInputs } from '../../src/ingest/inputs.js';
import { repoRoot } from '../helpers/paths.js';

const fixture = (name: string) => path.join(repoRoot, 'test/fixtures/sources', name);
let dir: string;
const at = (...parts: string[]) => path.join(dir, ...parts);

beforeAll(() => {
  // exports/
  //   a-kms.xml           export (XML)
  //   b-kms.ndjson        export (Winlogbeat)
  //   truth.json          not an export
  //   empty.xml           empty
  //   .hidden.xml         export, but a dot-file
  //   sub/c-kms.csv       export (Export-Csv), one level down
  //   a*star.xml          export whose name holds a literal '*'
  dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-inputs-'));
  mkdirSync(at('exports', 'sub'), { recursive: true });
  copyFileSync(fixture('kms-events-root.xml'), at('exports', 'a-kms.xml'));
  copyFileSync(fixture('winlogbeat.ndjson'), at('exports', 'b-kms.ndjson'));
  writeFileSync(at('exports', 'truth.json'), JSON.stringify({ at: '2026-01-01T00:00:00Z', hosts: [] }));
  writeFileSync(at('exports', 'empty.xml'), '');
  copyFileSync(fixture('kms-events-root.xml'), at('exports', '.hidden.xml'));
  copyFileSync(fixture('export-csv-enus.csv'), at('exports', 'sub', 'c-kms.csv'));
  copyFileSync(fixture('kms-events-root.xml'), at('exports', 'a*star.xml'));
  // links/up -> .. (a loop), links/a.xml -> ../exports/a-kms.xml
  mkdirSync(at('links'));
  symlinkSync('..', at('links', 'up'));
  symlinkSync(path.join('..', 'exports', 'a-kms.xml'), at('links', 'a.xml'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveInputs', () => {
  it('a directory stands for the exports under it, sorted, dot-files left out, the rest listed as skipped', async () => {
    const r = await resolveInputs([at('exports')]);
    // Byte order of names: '*' (0x2a) < '-' (0x2d), so "a*star.xml" sorts before "a-kms.xml".
    expect(r.files).toEqual([at('exports', 'a*star.xml'), at('exports', 'a-kms.xml'), at('exports', 'b-kms.ndjson'), at('exports', 'sub', 'c-kms.csv')]);
    expect(r.skipped).toEqual([at('exports', 'empty.xml'), at('exports', 'truth.json')]);
    expect(r.problems).toEqual([]);
  });

  it('with --format every found file is read (the format is the user\'s word)', async () => {
    const r = await resolveInputs([at('exports')], { format: 'xml' });
    expect(r.files).toContain(at('exports', 'truth.json'));
    expect(r.files).toContain(at('exports', 'empty.xml'));
    expect(r.skipped).toEqual([]);
  });

  it('a name with * or ? that names no file is matched against its directory; wildcards only in the last part', async () => {
    const kms = await resolveInputs([at('exports', '*-kms.*')]);
    expect(kms.files).toEqual([at('exports', 'a-kms.xml'), at('exports', 'b-kms.ndjson')]);
    const one = await resolveInputs([at('exports', '?-kms.xml')]);
    expect(one.files).toEqual([at('exports', 'a-kms.xml')]);
    // The pattern matches truth.json only, which is skipped as not an export: a pattern that holds no export is a problem.
    const json = await resolveInputs([at('exports', '*.json')]);
    expect(json).toEqual({ files: [], skipped: [at('exports', 'truth.json')], problems: [{ file: at('exports', '*.json'), reason: 'no export among the 1 file this pattern matches' }] });
    const none = await resolveInputs([at('exports', 'nothing*.evtx')]);
    expect(none).toEqual({ files: [], skipped: [], problems: [{ file: at('exports', 'nothing*.evtx'), reason: 'no file matches this pattern' }] });
    // A wildcard in a directory part is not expanded: the name goes to the reader as it is.
    const deep = await resolveInputs([at('*', 'a-kms.xml')]);
    expect(deep).toEqual({ files: [at('*', 'a-kms.xml')], skipped: [], problems: [] });
  });

  it('a name that exists is taken as it is, even with a * in it, and a named non-export is still read', async () => {
    const literal = await resolveInputs([at('exports', 'a*star.xml')]);
    expect(literal.files).toEqual([at('exports', 'a*star.xml')]);
    const named = await resolveInputs([at('exports', 'truth.json'), at('missing.xml')]);
    expect(named).toEqual({ files: [at('exports', 'truth.json'), at('missing.xml')], skipped: [], problems: [] });
  });

  it('a file named twice, or named and found in its directory, is read once, where it first comes', async () => {
    const r = await resolveInputs([at('exports', 'b-kms.ndjson'), at('exports', 'sub'), at('exports', 'b-kms.ndjson')]);
    expect(r.files).toEqual([at('exports', 'b-kms.ndjson'), at('exports', 'sub', 'c-kms.csv')]);
  });

  it('a directory that holds no export is a problem naming it: empty, or only files that are not exports', async () => {
    mkdirSync(at('empty-drop'));
    mkdirSync(at('notes', 'deeper'), { recursive: true });
    writeFileSync(at('notes', 'README.txt'), 'not an export');
    writeFileSync(at('notes', 'deeper', 'truth.json'), '{}');
    const r = await resolveInputs([at('empty-drop'), at('notes'), at('exports', 'sub')]);
    expect(r.files).toEqual([at('exports', 'sub', 'c-kms.csv')]);
    expect(r.skipped).toEqual([at('notes', 'README.txt'), at('notes', 'deeper', 'truth.json')]);
    expect(r.problems).toEqual([
      { file: at('empty-drop'), reason: 'no export in this directory: it holds no file' },
      { file: at('notes'), reason: 'no export in this directory: none of its 2 files is an export' },
    ]);
    // --format makes every found file an export; an empty directory stays a problem.
    const forced = await resolveInputs([at('notes'), at('empty-drop')], { format: 'xml' });
    expect(forced.problems).toEqual([{ file: at('empty-drop'), reason: 'no export in this directory: it holds no file' }]);
  });

  it('a link to a file is read; a link to a directory is not followed, so a loop ends', async () => {
    const r = await resolveInputs([at('links')]);
    expect(r).toEqual({ files: [at('links', 'a.xml')], skipped: [], problems: [] });
  });
});
