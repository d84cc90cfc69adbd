/**
 * `evtx dump` on damaged and cut files: the CRC failures and the cut are said on stderr (the same
 * findings as ingest: test/evtx/integrity.test.ts), every readable record is still printed, and the
 * exit code stays the documented one (non-zero only when the file cannot be read or is not EVTX).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runDump } from '../../src/cli/commands/evtx.js';
import { runCli } from '../cli/helpers.js';
import { corpusDir } from './helpers/corpus.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}

const tmp = mkdtempSync(path.join(tmpdir(), 'kmswatch-dump-damage-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const VSS0 = path.join(corpusDir, 'evtxrs__2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx');
const SECURITY = path.join(corpusDir, 'evtxrs__security.evtx');

async function dump(file: string, threads = 1) {
  const out = new Sink();
  const err = new Sink();
  const counts = await runDump(file, { format: 'jsonl', threads, out, err });
  return { out: out.text, err: err.text, counts };
}

/** `kmswatch evtx dump FILE -o OUT` in-process: stderr and the exit code. */
async function dumpCommand(file: string): Promise<{ stderr: string; exitCode: number }> {
  const r = await runCli(['evtx', 'dump', file, '-o', path.join(tmp, 'out.jsonl')]);
  return { stderr: r.stderr, exitCode: r.code };
}

describe('evtx dump on damaged files', () => {
  it.each([1, 2])('data CRC failures (chunks 0 and 13 of the VSS copy, MANIFEST) on stderr, records still printed (%i thread(s))', async (threads) => {
    const r = await dump(VSS0, threads);
    expect(r.err).toMatch(new RegExp(`kmswatch: ${VSS0.replace(/[.%]/g, '\\$&')}: chunk 0: data CRC mismatch`));
    expect(r.err).toMatch(/: chunk 13: data CRC mismatch/);
    expect(r.err.match(/CRC mismatch/g)).toHaveLength(2);
    // MANIFEST: 1,910 ok records
    expect(r.counts.ok).toBe(1910);
    expect(r.out.trimEnd().split('\n')).toHaveLength(1910);
  });

  it('a file cut after 5 of the 26 chunks its header counts: said at the end; exit code unchanged', async () => {
    const cut = path.join(tmp, 'security-cut.evtx');
    writeFileSync(cut, readFileSync(SECURITY).subarray(0, 4096 + 5 * 65536));
    const r = await dump(cut);
    expect(r.err).toMatch(/ends after 5 chunks but its header counts 26: it was cut short .*records 442–2225/);
    expect(r.counts.ok).toBe(441); // chunk 4's last record id
    expect(await dumpCommand(cut)).toEqual({ stderr: expect.stringMatching(/cut short/), exitCode: 0 });
    expect(await dumpCommand(VSS0)).toEqual({ stderr: expect.stringMatching(/chunk 13: data CRC mismatch/), exitCode: 0 });
  });

  it('no-CRC and dirty files: notes only, marked as such', async () => {
    const noCrc = await dump(path.join(corpusDir, 'evtxrs__Application_no_crc32.evtx'));
    expect(noCrc.err).toMatch(/: note: CRCs not checked: the file says it carries none/);
    expect(noCrc.err).not.toMatch(/CRC mismatch/);
    const dirty = await dump(path.join(corpusDir, 'evtxrs__2-vss_7-System.evtx'));
    expect(dirty.err).toMatch(/: note: the header counts 4 chunks, the file holds 11/);
    expect((await dump(SECURITY)).err).toBe('');
  });
});
