import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CHUNK_SIZE, EvtxFileWriter, EvtxWriteError, MemorySink, crc32, nameHash, writeEvtx, type EvtxEventInput } from '../../src/evtx/writer/index.js';
import { corpusDir } from '../helpers/paths.js';
import { peersAvailable, readWithEvtxexport, readWithPythonEvtx } from '../simulate/peers.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'kmswatch-writer-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SPP = {
  provider: 'Microsoft-Windows-Security-SPP',
  providerGuid: '{E23B33B0-C8C9-472C-A5F9-F2BDFEA0F156}',
  eventSourceName: 'KmsRequests',
};
const T0 = Date.UTC(2025, 0, 1, 8, 0, 0);

function kmsEvent(i: number, over: Partial<EvtxEventInput> = {}): EvtxEventInput {
  const fields = ['0x0', '25', `pc${i}.contoso.com`, 'e5c98033-aab6-4d0b-9af9-1d399597dd56', '2025/1/1 8:00', '1', '1', '249120', '2de67392-b7a7-462a-b1ca-108dd189f588'];
  return {
    ...SPP,
    eventId: 12290,
    qualifiers: 16384,
    level: 4,
    keywords: 0x80000000000000n,
    time: T0 + i * 60_000,
    channel: 'Key Management Service',
    computer: 'KMS01.contoso.com',
    data: [fields.join(','), ...fields],
    ...over,
  };
}

function save(name: string, bytes: Uint8Array): string {
  const file = path.join(tmp, name);
  writeFileSync(file, bytes);
  return file;
}

const u32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at, true);
const u16 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint16(at, true);
const u64 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getBigUint64(at, true);

describe('crc32 and name hash against Windows-written bytes', () => {
  it('crc32 equals zlib and reproduces the header CRC Windows wrote', () => {
    const sample = new TextEncoder().encode('123456789');
    expect(crc32(sample)).toBe(0xcbf43926); // the CRC-32 check value of the standard
    const z = (zlib as unknown as { crc32?: (d: Uint8Array) => number }).crc32;
    if (z) expect(crc32(sample)).toBe(z(sample));
    const file = new Uint8Array(readFileSync(path.join(corpusDir, 'evtxrs__security.evtx')));
    expect(crc32(file, 0, 120)).toBe(u32(file, 124));
    const chunk = file.subarray(4096, 4096 + CHUNK_SIZE);
    expect(crc32(chunk, 128, 512, crc32(chunk, 0, 120))).toBe(u32(chunk, 124));
    expect(crc32(chunk, 512, u32(chunk, 48))).toBe(u32(chunk, 52));
  });

  it.skipIf(!(zlib as unknown as { crc32?: unknown }).crc32)('crc32 (slice-by-8) equals zlib on every range length and start, chained or not', () => {
    const z = (zlib as unknown as { crc32: (d: Uint8Array, v?: number) => number }).crc32;
    const bytes = new Uint8Array(CHUNK_SIZE + 37);
    let x = 0x12345678;
    for (let i = 0; i < bytes.length; i++) bytes[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
    for (let start = 0; start < 9; start++) {
      for (let len = 0; len < 40; len++) expect(crc32(bytes, start, start + len)).toBe(z(bytes.subarray(start, start + len)));
    }
    expect(crc32(bytes, 3, bytes.length)).toBe(z(bytes.subarray(3)));
    expect(crc32(bytes, 500, 65_000, 0xdeadbeef)).toBe(z(bytes.subarray(500, 65_000), 0xdeadbeef));
  });

  it('nameHash matches every string-table entry of a Windows chunk, bucket = hash % 64', () => {
    const file = new Uint8Array(readFileSync(path.join(corpusDir, 'evtxrs__security.evtx')));
    const chunk = file.subarray(4096, 4096 + CHUNK_SIZE);
    let checked = 0;
    for (let bucket = 0; bucket < 64; bucket++) {
      for (let off = u32(chunk, 128 + bucket * 4); off !== 0; off = u32(chunk, off)) {
        const n = u16(chunk, off + 6);
        let name = '';
        for (let i = 0; i < n; i++) name += String.fromCharCode(u16(chunk, off + 8 + i * 2));
        expect(nameHash(name), name).toBe(u16(chunk, off + 4));
        expect(nameHash(name) % 64).toBe(bucket);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});

describe('file layout', () => {
  it('an empty log is a header plus one empty chunk: 69,632 bytes, as on Windows', () => {
    const bytes = writeEvtx([]);
    expect(bytes.length).toBe(69_632);
    expect(new TextDecoder().decode(bytes.subarray(0, 7))).toBe('ElfFile');
    expect(new TextDecoder().decode(bytes.subarray(4096, 4103))).toBe('ElfChnk');
  });

  it('header fields, CRCs and chunk ranges are consistent over several chunks', () => {
    const events = Array.from({ length: 400 }, (_, i) => kmsEvent(i));
    const bytes = writeEvtx(events);
    const chunks = (bytes.length - 4096) / CHUNK_SIZE;
    expect(Number.isInteger(chunks)).toBe(true);
    expect(chunks).toBeGreaterThan(2);
    expect(u64(bytes, 24)).toBe(401n); // next record id
    expect(u16(bytes, 36)).toBe(1); // minor
    expect(u16(bytes, 38)).toBe(3); // major
    expect(u16(bytes, 42)).toBe(chunks);
    expect(u64(bytes, 16)).toBe(BigInt(chunks - 1));
    expect(crc32(bytes, 0, 120)).toBe(u32(bytes, 124));
    let expectedFirst = 1n;
    for (let c = 0; c < chunks; c++) {
      const chunk = bytes.subarray(4096 + c * CHUNK_SIZE, 4096 + (c + 1) * CHUNK_SIZE);
      expect(crc32(chunk, 128, 512, crc32(chunk, 0, 120))).toBe(u32(chunk, 124));
      const free = u32(chunk, 48);
      expect(crc32(chunk, 512, free)).toBe(u32(chunk, 52));
      expect(u64(chunk, 24)).toBe(expectedFirst);
      // walk the records: magic, 8-byte aligned sizes, size copy
      let off = 512;
      let last = 0;
      while (off < free) {
        expect(u32(chunk, off)).toBe(0x2a2a);
        const size = u32(chunk, off + 4);
        expect(size % 8).toBe(0);
        expect(u32(chunk, off + size - 4)).toBe(size);
        last = off;
        off += size;
      }
      expect(off).toBe(free);
      expect(u32(chunk, 44)).toBe(last);
      expectedFirst = u64(chunk, 32) + 1n;
    }
    expect(expectedFirst).toBe(401n);
  });

  it('a template is defined once per chunk and referenced after', () => {
    const bytes = writeEvtx(Array.from({ length: 50 }, (_, i) => kmsEvent(i)));
    const chunk = bytes.subarray(4096, 4096 + CHUNK_SIZE);
    // 0x0c 0x01 id offset: inline when offset == position right after the u32
    let inline = 0;
    let back = 0;
    for (let off = 512; off < u32(chunk, 48); off += u32(chunk, off + 4)) {
      const at = off + 24 + 4; // after the fragment header
      expect(chunk[at]).toBe(0x0c);
      const defOffset = u32(chunk, at + 6);
      if (defOffset === at + 10) inline++;
      else back++;
    }
    expect(inline).toBe(1);
    expect(back).toBe(49);
  });

  it('an event larger than a chunk is refused with a typed error', () => {
    const huge = kmsEvent(0, { data: ['x'.repeat(40_000)] });
    expect(() => writeEvtx([huge])).toThrow(EvtxWriteError);
    try {
      writeEvtx([huge]);
    } catch (err) {
      expect((err as EvtxWriteError).code).toBe('EVTX_WRITE_TOO_LARGE');
    }
  });

  it('a NUL inside an insertion string is refused', () => {
    expect(() => writeEvtx([kmsEvent(0, { data: ['a\u0000b'] })])).toThrow(/NUL/);
  });

  it('a refused event leaves no trace: the file equals one written without it', () => {
    const sink = new MemorySink();
    const w = new EvtxFileWriter(sink);
    w.append(kmsEvent(0));
    expect(() => w.append(kmsEvent(1, { data: ['ok', 'a\u0000b'] }))).toThrow(EvtxWriteError);
    w.append(kmsEvent(2));
    w.close();
    expect(Buffer.from(sink.bytes()).equals(Buffer.from(writeEvtx([kmsEvent(0), kmsEvent(2)])))).toBe(true);
  });

  it.skipIf(!(zlib as unknown as { crc32?: unknown }).crc32)('an injected CRC function (zlib) gives the same file', () => {
    const z = (zlib as unknown as { crc32: (d: Uint8Array, v?: number) => number }).crc32;
    const events = Array.from({ length: 300 }, (_, i) => kmsEvent(i));
    const sink = new MemorySink();
    const w = new EvtxFileWriter(sink, { crc32: (b, start, end, crc = 0) => z(b.subarray(start, end), crc) });
    for (const ev of events) w.append(ev);
    w.close();
    expect(Buffer.from(sink.bytes()).equals(Buffer.from(writeEvtx(events)))).toBe(true);
  });
});

describe.skipIf(!peersAvailable())('read by evtxexport and python-evtx', () => {
  it('both peers read every record with the same fields', () => {
    const events = Array.from({ length: 250 }, (_, i) =>
      kmsEvent(i, {
        binary: i % 7 === 0 ? new Uint8Array([0xde, 0xad, i & 0xff]) : null,
        userSid: i % 5 === 0 ? 'S-1-5-21-3623811015-3361044348-30300820-1013' : null,
        qualifiers: i % 11 === 0 ? null : 16384,
        computer: i % 2 ? 'KMS01.contoso.com' : 'kms02',
      }),
    );
    const file = save('many.evtx', writeEvtx(events));
    for (const read of [readWithEvtxexport, readWithPythonEvtx]) {
      const recs = read(file);
      expect(recs.length).toBe(events.length);
      recs.forEach((r, i) => {
        const ev = events[i];
        expect(r.recordId).toBe(i + 1);
        expect(r.eventId).toBe(12290);
        expect(r.qualifiers).toBe(ev.qualifiers ?? null);
        expect(r.level).toBe(4);
        expect(r.keywords).toBe(0x80000000000000n);
        expect(r.provider).toEqual({ Name: SPP.provider, Guid: SPP.providerGuid, EventSourceName: SPP.eventSourceName });
        expect(r.channel).toBe('Key Management Service');
        expect(r.computer).toBe(ev.computer);
        expect(r.userSid).toBe(ev.userSid ?? null);
        expect(r.data).toEqual(ev.data);
        expect(r.binary).toBe(ev.binary ? Buffer.from(ev.binary).toString('hex').toUpperCase() : '');
      });
    }
  });

  it('chunks filled close to their end keep 8 bytes free and are read in full', () => {
    // lengths 0..63 chars step the record size by 2 bytes, so chunk ends land on every 8-byte slot
    const events = Array.from({ length: 700 }, (_, i) => kmsEvent(i, { data: ['x'.repeat((i * 37) % 64), 'y'.repeat(i % 300)] }));
    const bytes = writeEvtx(events);
    for (let at = 4096; at < bytes.length; at += CHUNK_SIZE) expect(u32(bytes, at + 48)).toBeLessThanOrEqual(CHUNK_SIZE - 8);
    const file = save('fill.evtx', bytes);
    expect(readWithEvtxexport(file).map((r) => r.data)).toEqual(events.map((e) => e.data));
  });

  it('evtxexport prints TimeCreated with the sub-millisecond fraction', () => {
    // 2025-01-01T08:00:00Z plus 123.25 ms (exact in a double) = 1,232,500 ticks of 100 ns
    const file = save('time.evtx', writeEvtx([kmsEvent(0, { time: T0 + 123.25 })]));
    expect(readWithEvtxexport(file)[0].systemTime).toBe('2025-01-01T08:00:00.123250000Z');
  });

  it('record ids beyond 2^32 and times far from 1970 keep every bit', () => {
    // 2^32 + 5 = 4,294,967,301. 2107-03-04T05:06:07.891Z is 4,328,226,367,891 ms: its FILETIME
    // crosses the 2^32 boundary of the low half differently from today's times.
    const events = [
      kmsEvent(0, { recordId: 2 ** 32 + 5, time: Date.UTC(2107, 2, 4, 5, 6, 7, 891) }),
      kmsEvent(1, { recordId: 2 ** 32 + 6, time: Date.UTC(1999, 11, 31, 23, 59, 59, 999) }),
    ];
    const file = save('big-ids.evtx', writeEvtx(events));
    const recs = readWithEvtxexport(file);
    expect(recs.map((r) => r.recordId)).toEqual([4294967301, 4294967302]);
    expect(recs.map((r) => r.systemTime)).toEqual(['2107-03-04T05:06:07.891000000Z', '1999-12-31T23:59:59.999000000Z']);
  });

  it('record ids restarting (a log clear) start a new chunk and both peers keep every record', () => {
    const before = Array.from({ length: 30 }, (_, i) => kmsEvent(i, { recordId: 500 + i }));
    const after = Array.from({ length: 20 }, (_, i) => kmsEvent(100 + i, { recordId: 1 + i }));
    const bytes = writeEvtx([...before, ...after]);
    expect((bytes.length - 4096) / CHUNK_SIZE).toBe(2);
    expect(u64(bytes, 24)).toBe(21n);
    const file = save('clear.evtx', bytes);
    for (const read of [readWithEvtxexport, readWithPythonEvtx]) {
      expect(read(file).map((r) => r.recordId)).toEqual([...before, ...after].map((e) => e.recordId));
    }
  });
});
