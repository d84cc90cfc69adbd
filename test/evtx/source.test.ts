/**
 * src/sources/evtx.ts: EVTX → RawEvent. Expected values are read off evtxexport's output for the
 * same record (expected/evtxrs__Application_no_crc32.evtxexport.xml, record 432: a classic
 * Security-SPP event, the shape of the KMS events).
 */
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEvtxSource } from '../../src/sources/evtx.js';
import type { RawEvent, SourceItem } from '../../src/sources/types.js';
import { corpusDir } from './helpers/corpus.js';
import { buildFile, ChunkBuilder, utf16z } from './helpers/binxml-builder.js';
import { VT } from '../../src/evtx/binxml/value-types.js';

async function collect(file: string): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  for await (const item of readEvtxSource(file, { file, timezone: 'UTC' })) out.push(item);
  return out;
}

const events = (items: SourceItem[]) => items.filter((i): i is { ok: true; event: RawEvent } => i.ok).map((i) => i.event);

const tmp = mkdtempSync(path.join(tmpdir(), 'kmswatch-evtx-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('readEvtxSource', () => {
  it('maps a classic Security-SPP record to a RawEvent', async () => {
    const file = path.join(corpusDir, 'evtxrs__Application_no_crc32.evtx');
    const items = await collect(file);
    // no problem: the file says it carries no CRCs, which is a note (test/evtx/integrity.test.ts)
    expect(items.every((i) => i.ok || i.issue.note === true)).toBe(true);
    const evs = events(items);
    expect(evs.length).toBe(17);
    const e = evs.find((x) => x.recordId === 432)!;
    expect(e).toMatchObject({
      eventId: 900,
      qualifiers: 16384,
      provider: 'Microsoft-Windows-Security-SPP',
      channel: 'Application',
      host: 'DESKTOP-0HIJB49',
      recordId: 432,
      data: ['TriggerStarted:6'],
    });
    // SystemTime 2021-03-31T23:53:25.2622682Z, truncated to the millisecond.
    expect(e.time).toBe(Date.UTC(2021, 2, 31, 23, 53, 25, 262));
    expect(e.origin).toMatchObject({ file, format: 'evtx' });
  });

  it('an empty string array gives no data items (record 426: <EventData/> in evtxexport)', async () => {
    const evs = events(await collect(path.join(corpusDir, 'evtxrs__Application_no_crc32.evtx')));
    expect(evs.find((x) => x.recordId === 426)!.data).toEqual([]);
  });

  it('a KMS-shaped classic record (0x81 array of 10 strings) gives 10 data items in order', async () => {
    const b = new ChunkBuilder();
    b.beginRecord(77n, 116444736000000000n + 17000000000000000n).fragmentHeader();
    b.templateInline([9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9], (x) => {
      x.fragmentHeader();
      x.open('Event', { dep: 0xffff }).closeStart();
      x.open('System', { dep: 0xffff }).closeStart();
      x.open('Provider', { attrs: true, dep: 0xffff }).attr('Name', true).text('Microsoft-Windows-Security-SPP').attr('EventSourceName').text('Software Protection Platform Service').closeEmpty();
      x.open('EventID', { attrs: true, dep: 0xffff }).attr('Qualifiers').subst(1, VT.UInt16, true).closeStart().subst(0, VT.UInt16).end();
      x.open('TimeCreated', { attrs: true, dep: 0xffff }).attr('SystemTime').subst(2, VT.FileTime).closeEmpty();
      x.open('EventRecordID', { dep: 0xffff }).closeStart().subst(3, VT.UInt64).end();
      x.open('Channel', { dep: 0xffff }).closeStart().text('Key Management Service').end();
      x.open('Computer', { dep: 0xffff }).closeStart().text('kms01.example.test').end();
      x.end();
      x.open('EventData', { dep: 0xffff }).closeStart().open('Data', { dep: 0xffff }).closeStart().subst(4, VT.String | VT.Array).end().end();
      x.end().eof();
    }, [
      [VT.UInt16, new Uint8Array([0x02, 0x30])], // 0x3002 = 12290
      [VT.UInt16, new Uint8Array([0x00, 0x40])], // 0x4000 = 16384
      [VT.FileTime, new Uint8Array(new BigUint64Array([116444736000000000n + 17000000000000000n]).buffer)], // 1700000000 s
      [VT.UInt64, new Uint8Array(new BigUint64Array([77n]).buffer)],
      [VT.String | VT.Array, utf16z('0x0', '25', 'client.example.test', 'cmid', '2023-11-14 22:13:20', '0', '2', '43200', 'act-id', '')],
    ]);
    b.eof().endRecord();
    const file = path.join(tmp, 'kms.evtx');
    writeFileSync(file, buildFile([b.finish()]));
    const evs = events(await collect(file));
    expect(evs).toEqual([
      {
        eventId: 12290,
        qualifiers: 16384,
        provider: 'Microsoft-Windows-Security-SPP',
        channel: 'Key Management Service',
        host: 'kms01.example.test',
        recordId: 77,
        time: 1700000000 * 1000,
        data: ['0x0', '25', 'client.example.test', 'cmid', '2023-11-14 22:13:20', '0', '2', '43200', 'act-id', ''],
        origin: { file, format: 'evtx', index: 0 },
      },
    ]);
  });

  it('damaged chunks and records become issues while good records still arrive', async () => {
    const items = await collect(path.join(corpusDir, 'evtxrs__sample_with_a_bad_chunk_magic.evtx'));
    const issues = items.filter((i) => !i.ok);
    // MANIFEST: 2 chunks with bad magic, and size-copy mismatches that stop record walks.
    expect(issues.filter((i) => !i.ok && /bad signature/.test(i.issue.reason)).length).toBe(2);
    expect(issues.every((i) => !i.ok && i.issue.offset !== undefined && !i.issue.fatal)).toBe(true);
    expect(events(items).length).toBeGreaterThan(250);
  });

  it('a file that is not EVTX yields one fatal issue', async () => {
    const file = path.join(corpusDir, 'evtxrs__binxml.dat');
    const items = await collect(file);
    expect(items.length).toBe(1);
    expect(items[0]).toMatchObject({ ok: false, issue: { file, format: 'evtx', fatal: true } });
    // The issue names the file; its reason does not name it again.
    expect(items[0]).toMatchObject({ issue: { reason: 'not an EVTX file: file header: no "ElfFile" signature (offset 0x0)' } });
  });

  it('a file cut inside its header: the reason says so', async () => {
    const file = path.join(tmp, 'cut-header.evtx');
    writeFileSync(file, readFileSync(path.join(corpusDir, 'evtxrs__security.evtx')).subarray(0, 100));
    const items = await collect(file);
    expect(items).toMatchObject([{ ok: false, issue: { file, fatal: true, reason: 'not an EVTX file: file header: only 100 bytes, shorter than a file header (offset 0x0)' } }]);
  });

  it('a missing file yields one fatal issue', async () => {
    const items = await collect(path.join(tmp, 'nope.evtx'));
    expect(items).toMatchObject([{ ok: false, issue: { fatal: true } }]);
  });
});
