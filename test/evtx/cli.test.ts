/** `evtx dump` / `evtx info`: output order with threads, well-formed XML document, exit behaviour. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectInfo, runDump } from '../../src/cli/commands/evtx.js';
import { runCli } from '../cli/helpers.js';
import { corpusDir } from './helpers/corpus.js';
import { isWellFormed } from './helpers/xml.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}

const SECURITY = path.join(corpusDir, 'evtxrs__security.evtx');

async function dump(file: string, format: 'xml' | 'jsonl', threads: number) {
  const out = new Sink();
  const err = new Sink();
  const counts = await runDump(file, { format, threads, out, err });
  return { out: out.text, err: err.text, counts };
}

describe('evtx dump', () => {
  it('jsonl: same bytes with 1 and 2 threads, one line per record', async () => {
    const one = await dump(SECURITY, 'jsonl', 1);
    const two = await dump(SECURITY, 'jsonl', 2);
    expect(two.out).toBe(one.out);
    const lines = one.out.trimEnd().split('\n');
    expect(lines.length).toBe(2261); // MANIFEST records_by_header_walk
    expect(JSON.parse(lines[0]).Event.System.EventRecordID).toBe(1);
    expect(one.err).toBe('');
  });

  it('xml: one well-formed <Events> document', async () => {
    const r = await dump(path.join(corpusDir, 'evtxrs__Application_no_crc32.evtx'), 'xml', 2);
    expect(r.out.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<Events>\n')).toBe(true);
    expect(isWellFormed(r.out)).toBe(true);
    expect(r.out.match(/<Event /g)?.length).toBe(17);
    expect(r.counts).toEqual({ ok: 17, errors: 0 });
  });

  it('reports damage on stderr with offsets and goes on', async () => {
    const r = await dump(path.join(corpusDir, 'evtxrs__sample_with_a_bad_chunk_magic.evtx'), 'jsonl', 1);
    expect(r.err).toMatch(/record walk stopped: .*offset 0x[0-9a-f]+/);
    expect(r.err).toMatch(/chunk \d+ skipped \(bad-magic\)/);
    expect(r.out.trimEnd().split('\n').length).toBe(r.counts.ok);
  });

  it('a non-EVTX file is an error before any output', async () => {
    await expect(dump(path.join(corpusDir, 'evtxrs__binxml.dat'), 'xml', 1)).rejects.toMatchObject({ code: 'EVTX_NOT_EVTX' });
  });
});

/** Runs `kmswatch evtx ARGS` in-process (src/cli/main.ts run() with a captured CliContext): its stderr and exit code. */
async function runEvtxCommand(args: string[]): Promise<{ stderr: string; exitCode: number }> {
  const r = await runCli(['evtx', ...args]);
  return { stderr: r.stderr, exitCode: r.code };
}

describe('a file that is not EVTX', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'kmswatch-notevtx-'));
  const empty = path.join(tmp, 'empty.evtx');
  writeFileSync(empty, '');
  const short = path.join(tmp, 'short.evtx');
  writeFileSync(short, 'hello\n');
  const xml = path.join(path.dirname(fileURLToPath(import.meta.url)), '../collect/fixtures/wevtutil-kms01-kms.xml');

  it('gets one line naming the file once, the reason, and exit 1; an export another reader takes is named', async () => {
    try {
      for (const command of ['dump', 'info']) {
        expect(await runEvtxCommand([command, empty])).toEqual({ stderr: `kmswatch: ${empty}: not an EVTX file (file header: the file is empty (offset 0x0))\n`, exitCode: 1 });
        expect(await runEvtxCommand([command, short])).toEqual({
          stderr: `kmswatch: ${short}: not an EVTX file (file header: only 6 bytes, shorter than a file header (offset 0x0))\n`,
          exitCode: 1,
        });
        expect(await runEvtxCommand([command, xml])).toEqual({
          stderr: `kmswatch: ${xml}: not an EVTX file (file header: no "ElfFile" signature (offset 0x0)); it is an export in event XML (wevtutil, Get-WinEvent), which kmswatch ingest reads\n`,
          exitCode: 1,
        });
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('evtx dump --output', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'kmswatch-output-'));

  it('writes the same bytes as standard output gets, with 1 and 2 threads', async () => {
    try {
      for (const [format, threads] of [['jsonl', 1], ['xml', 2]] as const) {
        const target = path.join(tmp, `out-${format}`);
        expect(await runEvtxCommand(['dump', '--format', format, '--threads', String(threads), '-o', target, SECURITY])).toEqual({ stderr: '', exitCode: 0 });
        expect(readFileSync(target, 'utf8')).toBe((await dump(SECURITY, format, 1)).out);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('never overwrites the file being read, and creates nothing for a file that is not EVTX', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-output-'));
    try {
      const copy = path.join(dir, 'copy.evtx');
      writeFileSync(copy, readFileSync(SECURITY));
      // A usage error (CLI_BAD_OPTION): exit 2, said on stderr.
      expect(await runEvtxCommand(['dump', copy, '--output', path.join(dir, '.', 'copy.evtx')])).toEqual({ stderr: expect.stringContaining(`is the file being read`), exitCode: 2 });
      expect(readFileSync(copy).equals(readFileSync(SECURITY))).toBe(true);
      const notEvtx = path.join(dir, 'notes.txt');
      writeFileSync(notEvtx, 'hello\n');
      const target = path.join(dir, 'never.xml');
      const r = await runEvtxCommand(['dump', notEvtx, '-o', target]);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain('not an EVTX file');
      expect(existsSync(target)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an output that cannot be opened or written: one line naming it, exit 1', async () => {
    const missing = path.join(tmpdir(), 'kmswatch-no-such-dir', 'x.xml');
    expect(await runEvtxCommand(['dump', SECURITY, '-o', missing])).toEqual({ stderr: `kmswatch: ${missing}: cannot open: no such file or directory (ENOENT)\n`, exitCode: 1 });
    if (existsSync('/dev/full')) {
      expect(await runEvtxCommand(['dump', SECURITY, '-o', '/dev/full'])).toEqual({ stderr: 'kmswatch: /dev/full: cannot write: no space left on device (ENOSPC)\n', exitCode: 1 });
    }
  });
});

describe('evtx info', () => {
  it('counts chunks, CRCs, records and templates (sysmon.evtx, see MANIFEST)', async () => {
    const info = await collectInfo(path.join(corpusDir, 'evtxrs__sysmon.evtx'));
    expect(info.header.chunkCount).toBe(1);
    expect(info.chunks).toMatchObject({ slots: 17, ok: 9, badMagic: 8, empty: 0 });
    expect(info.records).toMatchObject({ ok: 358, errors: 0 });
    expect(info.templates.distinct).toBeGreaterThan(0);
  });

  it('is wired as a subcommand with --json, its output through the CLI context', async () => {
    const r = await runCli(['evtx', 'info', '--json', path.join(corpusDir, 'evtxrs__new-user-security.evtx')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).records.ok).toBe(4); // MANIFEST: 4 records
  });

  it('dump writes through the CLI context too: the same text runDump gives', async () => {
    for (const format of ['xml', 'jsonl'] as const) {
      const r = await runCli(['evtx', 'dump', '--format', format, '--threads', '1', SECURITY]);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(r.stdout).toBe((await dump(SECURITY, format, 1)).out);
    }
  });
});
