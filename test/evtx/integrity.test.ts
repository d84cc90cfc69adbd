/**
 * src/evtx/integrity.ts through the file reader (src/sources/evtx.ts) on real corpus files: which
 * findings are problems and which are notes (docs/definitions.md "damaged chunk"). Expected chunks
 * and record ids come from the files' own bytes, read here with zlib's CRC-32 and DataView (not the
 * reader's code), and from MANIFEST.tsv.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readEvtxSource } from '../../src/sources/evtx.js';
import type { InputIssue, RawEvent, SourceItem } from '../../src/sources/types.js';
import { corpusDir } from './helpers/corpus.js';

const crc32 = (zlib as unknown as { crc32: (b: Uint8Array) => number }).crc32;
const tmp = mkdtempSync(path.join(tmpdir(), 'kmswatch-integrity-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function read(file: string): Promise<{ events: RawEvent[]; problems: InputIssue[]; notes: InputIssue[] }> {
  const items: SourceItem[] = [];
  for await (const item of readEvtxSource(file, { file, timezone: 'UTC' })) items.push(item);
  const issues = items.flatMap((i) => (i.ok ? [] : [i.issue]));
  return { events: items.flatMap((i) => (i.ok ? [i.event] : [])), problems: issues.filter((i) => !i.note), notes: issues.filter((i) => i.note) };
}

const corpus = (name: string) => path.join(corpusDir, name);
const u64 = (b: Buffer, o: number) => Number(b.readBigUInt64LE(o));
const chunkAt = (k: number) => 4096 + k * 65536;

/** Chunk slots whose stored data CRC differs from zlib's over [512, free space offset). */
function dataCrcFailures(b: Buffer): number[] {
  const out: number[] = [];
  for (let k = 0; chunkAt(k) + 65536 <= b.length; k++) {
    const o = chunkAt(k);
    if (b.toString('latin1', o, o + 7) !== 'ElfChnk') continue;
    const free = b.readUInt32LE(o + 48);
    if (crc32(b.subarray(o + 512, o + free)) !== b.readUInt32LE(o + 52)) out.push(k);
  }
  return out;
}

describe('damaged EVTX: CRC failures are problems, records kept and marked', () => {
  it('a VSS copy with 2 chunks of bad data CRC (MANIFEST): one problem per chunk naming chunk, check and record ids; their events marked', async () => {
    const file = corpus('evtxrs__2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx');
    const bytes = readFileSync(file);
    const failing = dataCrcFailures(bytes);
    expect(failing).toEqual([0, 13]);
    const { events, problems } = await read(file);
    const crc = problems.filter((p) => p.check !== undefined);
    expect(crc.map((p) => [p.chunk, p.check])).toEqual(failing.map((k) => [k, 'chunk data CRC']));
    for (const p of crc) {
      // the records read from the chunk: from its header's first id up to at most its last
      // (the walk of both chunks stops at an overwritten record)
      const o = chunkAt(p.chunk!);
      expect(p.firstRecordId).toBe(u64(bytes, o + 24));
      expect(p.lastRecordId).toBeLessThanOrEqual(u64(bytes, o + 32));
      expect(p.offset).toBe(o);
      expect(p.reason).toMatch(new RegExp(`^chunk ${p.chunk}: data CRC mismatch .*records ${p.firstRecordId}–${p.lastRecordId}`));
      // kept: every record of the chunk that was read arrives, marked
      const marked = events.filter((e) => e.damage?.chunk === p.chunk);
      expect(marked.length).toBeGreaterThan(0);
      expect(marked.every((e) => e.recordId! >= p.firstRecordId! && e.recordId! <= p.lastRecordId! && e.damage!.checks === 'chunk data CRC')).toBe(true);
    }
    // the other chunks' events are not marked; the MANIFEST's 1,910 good records all arrive
    expect(events.filter((e) => e.damage === undefined).length + events.filter((e) => e.damage !== undefined).length).toBe(1910);
  });

  it('a changed byte in a record of a clean file: that chunk fails its data CRC', async () => {
    const bytes = readFileSync(corpus('evtxrs__security.evtx'));
    expect(dataCrcFailures(bytes)).toEqual([]);
    const copy = Buffer.from(bytes);
    // inside chunk 2's records (they span [512, free space)); the CRC is left as it was
    copy[chunkAt(2) + 4000] ^= 0x01;
    const file = path.join(tmp, 'security-flipped.evtx');
    writeFileSync(file, copy);
    const { problems } = await read(file);
    expect(problems.filter((p) => p.check !== undefined).map((p) => [p.chunk, p.check])).toEqual([[2, 'chunk data CRC']]);
  });

  it('a changed file header (CRC left stale) is a problem of its own', async () => {
    const copy = Buffer.from(readFileSync(corpus('evtxrs__security.evtx')));
    copy[24] ^= 0x10; // next record id, covered by the header CRC over bytes [0, 120)
    const file = path.join(tmp, 'security-header.evtx');
    writeFileSync(file, copy);
    const { problems } = await read(file);
    expect(problems.map((p) => p.check)).toEqual(['file header CRC']);
    expect(problems[0]).toMatchObject({ offset: 0 });
  });
});

describe('a file shorter than its header chunk count is cut short', () => {
  it('security.evtx (header: 26 chunks, next record id 2226) cut after 5 chunks: a problem naming the missing record ids', async () => {
    const bytes = readFileSync(corpus('evtxrs__security.evtx'));
    expect(bytes.readUInt16LE(42)).toBe(26);
    const cut = bytes.subarray(0, chunkAt(5));
    const file = path.join(tmp, 'security-cut.evtx');
    writeFileSync(file, cut);
    const { events, problems } = await read(file);
    // chunk 4's last record id + 1 up to the header's next record id - 1
    const first = u64(bytes, chunkAt(4) + 32) + 1;
    const last = u64(bytes, 24) - 1;
    expect([first, last]).toEqual([442, 2225]);
    expect(problems).toEqual([
      expect.objectContaining({ check: 'file length', offset: cut.length, firstRecordId: first, lastRecordId: last, reason: expect.stringMatching(/ends after 5 chunks but its header counts 26: it was cut short/) }),
    ]);
    expect(events.length).toBe(last - (last - first + 1)); // records 1–441 were read
  });

  it('cut after the 26 chunks its header counts (only zero slots dropped): no problem', async () => {
    const bytes = readFileSync(corpus('evtxrs__security.evtx'));
    const file = path.join(tmp, 'security-26.evtx');
    writeFileSync(file, bytes.subarray(0, chunkAt(26)));
    const { events, problems, notes } = await read(file);
    expect([problems, notes, events.length]).toEqual([[], [], 2261]);
  });
});

describe('notes, not problems (decided on the corpus)', () => {
  it('NO_CRC32 (MANIFEST: "header CRC field does not match and must not be enforced"): one note, no problem, nothing marked', async () => {
    const file = corpus('evtxrs__Application_no_crc32.evtx');
    const bytes = readFileSync(file);
    // the flag in the file header and in the chunk, and CRCs that would fail if enforced
    expect([bytes.readUInt32LE(120) & 4, bytes.readUInt32LE(chunkAt(0) + 120) & 4]).toEqual([4, 4]);
    expect(dataCrcFailures(bytes)).toEqual([0]);
    const { events, problems, notes } = await read(file);
    expect(problems).toEqual([]);
    expect(notes.map((n) => n.check)).toEqual(['no CRC']);
    expect(events.length).toBe(17);
    expect(events.some((e) => e.damage !== undefined)).toBe(false);
  });

  it.each([
    // MANIFEST "special": dirty; header says 4 chunks, 11 valid chunks exist; 1160 records
    ['evtxrs__2-vss_7-System.evtx', 4, 11, 1160],
    // dirty; header chunk count 5 but 9 valid chunks; 1146 records
    ['evtxrs__E_Windows_system32_winevt_logs_Microsoft-Windows-Shell-Core%4Operational.evtx', 5, 9, 1146],
    // dirty Security log, 5 valid chunks beyond the header count (10 in all); 739 records
    ['velocidex__Security.evtx', 5, 10, 739],
  ])('%s: a dirty log whose header counts %i chunks of %i: a note, every record read', async (name, counted, held, records) => {
    const file = corpus(name);
    const bytes = readFileSync(file);
    expect([bytes.readUInt32LE(120) & 1, bytes.readUInt16LE(42)]).toEqual([1, counted]);
    const { events, problems, notes } = await read(file);
    expect(problems).toEqual([]);
    expect(notes).toEqual([expect.objectContaining({ check: 'chunk count', reason: expect.stringContaining(`counts ${counted} chunks, the file holds ${held}: the log was copied while open (dirty flag)`) })]);
    expect(events.length).toBe(records);
  });

  it('a clean, complete file: neither problems nor notes', async () => {
    const { problems, notes, events } = await read(corpus('hayabusa__ID7000_7009_7045-Payload_deployed_via_service_-_Tchopper.evtx'));
    expect([problems, notes, events.length]).toEqual([[], [], 733]);
  });
});
