import { readFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseEvtxBuffer } from '../../src/evtx/file.js';
import { recordToXml } from '../../src/evtx/render/xml.js';
import { CHUNK_SIZE, EvtxFileWriter, EvtxWriteError, MemorySink, crc32, nameHash, writeEvtx, type EvtxEventInput } from '../../src/evtx/writer/index.js';
import {
  PEERS,
  SPP,
  T0,
  WRITER_CASES,
  committedRecords,
  committedSums,
  kmsEvent,
  real64Events,
  real64File,
  sha256,
  staleMessage,
  type WriterCase,
} from '../fixtures/peers/cases.js';
import { corpusDir } from '../helpers/paths.js';

const u32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at, true);
const u16 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint16(at, true);
const u64 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getBigUint64(at, true);

describe('crc32 and name hash against Windows-written bytes', () => {
  it('crc32 equals zlib and reproduces the header CRC Windows wrote', () => {
    const sample = new TextEncoder().encode('123456789');
    expect(crc32(sample)).toBe(0xcbf43926); // the CRC-32 check value of the standard
    expect(crc32(sample)).toBe(zlib.crc32(sample));
    const file = new Uint8Array(readFileSync(path.join(corpusDir, 'evtxrs__security.evtx')));
    expect(crc32(file, 0, 120)).toBe(u32(file, 124));
    const chunk = file.subarray(4096, 4096 + CHUNK_SIZE);
    expect(crc32(chunk, 128, 512, crc32(chunk, 0, 120))).toBe(u32(chunk, 124));
    expect(crc32(chunk, 512, u32(chunk, 48))).toBe(u32(chunk, 52));
  });

  // zlib.crc32 exists from Node 20.15, the engines floor of package.json.
  it('crc32 (slice-by-8) equals zlib on every range length and start, chained or not', () => {
    const z = zlib.crc32;
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

  it('an injected CRC function (zlib) gives the same file', () => {
    const z = zlib.crc32;
    const events = Array.from({ length: 300 }, (_, i) => kmsEvent(i));
    const sink = new MemorySink();
    const w = new EvtxFileWriter(sink, { crc32: (b, start, end, crc = 0) => z(b.subarray(start, end), crc) });
    for (const ev of events) w.append(ev);
    w.close();
    expect(Buffer.from(sink.bytes()).equals(Buffer.from(writeEvtx(events)))).toBe(true);
  });

  it('chunks filled close to their end keep 8 bytes free (libevtx drops a record ending at the chunk end)', () => {
    // lengths 0..63 chars step the record size by 2 bytes, so chunk ends land on many 8-byte slots
    const events = Array.from({ length: 700 }, (_, i) => kmsEvent(i, { data: ['x'.repeat((i * 37) % 64), 'y'.repeat(i % 300)] }));
    const bytes = writeEvtx(events);
    const frees: number[] = [];
    for (let at = 4096; at < bytes.length; at += CHUNK_SIZE) frees.push(u32(bytes, at + 48));
    expect(frees.length).toBeGreaterThan(3);
    for (const free of frees) expect(free).toBeLessThanOrEqual(CHUNK_SIZE - 8);
    const p = parseEvtxBuffer(bytes);
    expect(p.chunks.flatMap((c) => c.records.map((r) => (r.ok ? r.record.recordId : -1)))).toEqual(events.map((_, i) => i + 1));
  });
});

describe('named, typed EventData values', () => {
  const xmlOf = (events: EvtxEventInput[]) => {
    const p = parseEvtxBuffer(writeEvtx(events));
    return p.chunks.flatMap((c) => c.records.map((r) => (r.ok ? recordToXml(r.record) : `error: ${r.error.message}`)));
  };

  it('are written as <Data Name> with one substitution of each type, read back by our reader', () => {
    const xml = xmlOf(real64Events());
    expect(xml).toHaveLength(4);
    expect(xml[0]).toContain('<EventData><Data Name="Label">one and a half</Data><Data Name="Value">1.5</Data><Data Name="Enabled">true</Data><Data Name="Count">0</Data></EventData>');
    expect(xml[1]).toContain('<Data Name="Value">-0.1</Data><Data Name="Enabled">false</Data>');
    expect(xml[2]).toContain('<Data Name="Value">1e+300</Data><Data Name="Enabled">true</Data><Data Name="Count">4294967295</Data>');
    expect(xml[3]).toContain('<Data Name="Value">3199.234</Data>');
  });

  it('the value bytes are the BinXML types: Real64 (0x0c) little-endian double, Bool (0x0d) as 4 bytes', () => {
    const bytes = writeEvtx([real64Events()[0]]);
    const double = Buffer.alloc(8);
    double.writeDoubleLE(1.5);
    // descriptors of the nested template instance: (size u16, type u8, 0) × 4, then the values
    const values = Buffer.concat([Buffer.from('one and a half', 'utf16le'), double, Buffer.from([1, 0, 0, 0]), Buffer.from([0, 0, 0, 0])]);
    const descriptors = Buffer.from([28, 0, 0x01, 0, 8, 0, 0x0c, 0, 4, 0, 0x0d, 0, 4, 0, 0x08, 0]);
    expect(Buffer.from(bytes).indexOf(Buffer.concat([Buffer.from([4, 0, 0, 0]), descriptors, values]))).toBeGreaterThan(4096);
  });

  it('events with the same names and types share one template; other names get their own', () => {
    const [a, b] = real64Events();
    const renamed = { ...b, namedData: b.namedData!.map((f, i) => (i === 0 ? { ...f, name: 'Other' } : f)) };
    const xml = xmlOf([a, b, renamed, kmsEvent(0)]);
    expect(xml[1]).toContain('<Data Name="Label">minus a tenth</Data>');
    expect(xml[2]).toContain('<Data Name="Other">minus a tenth</Data>');
    expect(xml[3]).toContain('<Data>pc0.contoso.com</Data>');
    // 3 EventData templates (2 named, 1 classic) and 2 System templates (one per provider)
    const chunk = writeEvtx([a, b, renamed, kmsEvent(0)]).subarray(4096, 4096 + CHUNK_SIZE);
    let templates = 0;
    for (let bucket = 0; bucket < 32; bucket++) for (let off = u32(chunk, 384 + bucket * 4); off !== 0; off = u32(chunk, off)) templates++;
    expect(templates).toBe(5);
  });

  it('refuses named values together with data strings or binary, a UInt32 out of range, a NUL in a string', () => {
    const [ev] = real64Events();
    const bad = (over: Partial<EvtxEventInput>) => () => writeEvtx([{ ...ev, ...over }]);
    expect(bad({ data: ['x'] })).toThrow(/no data strings and no binary/);
    expect(bad({ binary: new Uint8Array([1]) })).toThrow(/no data strings and no binary/);
    expect(bad({ namedData: [{ name: 'n', type: 'uint32', value: 2 ** 32 }] })).toThrow(/not a UInt32/);
    expect(bad({ namedData: [{ name: 'n', type: 'uint32', value: 1.5 }] })).toThrow(EvtxWriteError);
    expect(bad({ namedData: [{ name: 'n', type: 'string', value: 'a\u0000b' }] })).toThrow(/NUL/);
  });

  it('test/fixtures/peers/real64.evtx is what the writer writes for real64Events()', () => {
    expect(sha256(new Uint8Array(readFileSync(real64File)))).toBe(sha256(writeEvtx(real64Events())));
  });
});

/**
 * What evtxexport (libevtx 20181227) and python-evtx (0.6.1) read from the writer's files: their
 * outputs are committed in test/fixtures/peers (inputs in cases.ts; `npm run test:peers` reruns
 * them and requires the same output). Each case first checks that the writer still writes the
 * bytes the peers read.
 */
describe('read by evtxexport and python-evtx (their committed outputs, test/fixtures/peers)', () => {
  const sums = committedSums();
  function fixture(name: WriterCase): { events: EvtxEventInput[]; bytes: Uint8Array } {
    const events = WRITER_CASES[name]();
    const bytes = writeEvtx(events);
    expect(sha256(bytes), staleMessage(name)).toBe(sums.get(name));
    return { events, bytes };
  }

  it('both peers read every record with the same fields', () => {
    const { events } = fixture('writer-many');
    expect(events.some((e) => e.binary) && events.some((e) => e.userSid) && events.some((e) => e.qualifiers === null)).toBe(true);
    for (const peer of PEERS) {
      const recs = committedRecords('writer-many', peer);
      expect(recs.length, peer).toBe(events.length);
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

  it('a chunk filled to CHUNK_SIZE - 8 is read in full, and the next chunk too', () => {
    const { events, bytes } = fixture('writer-fill');
    expect((bytes.length - 4096) / CHUNK_SIZE).toBe(2);
    expect(u32(bytes, 4096 + 48)).toBe(CHUNK_SIZE - 8);
    for (const peer of PEERS) expect(committedRecords('writer-fill', peer).map((r) => r.data), peer).toEqual(events.map((e) => e.data));
  });

  it('evtxexport prints TimeCreated with the sub-millisecond fraction', () => {
    fixture('writer-time');
    // 2025-01-01T08:00:00Z plus 123.25 ms (exact in a double) = 1,232,500 ticks of 100 ns
    expect(committedRecords('writer-time', 'evtxexport')[0].systemTime).toBe('2025-01-01T08:00:00.123250000Z');
    // python-evtx prints microseconds computed through a float: here 1 µs short
    expect(committedRecords('writer-time', 'python-evtx')[0].systemTime).toBe('2025-01-01 08:00:00.123249');
  });

  it('record ids beyond 2^32 and times far from 1970 keep every bit', () => {
    fixture('writer-big-ids');
    const recs = committedRecords('writer-big-ids', 'evtxexport');
    expect(recs.map((r) => r.recordId)).toEqual([4294967301, 4294967302]);
    expect(recs.map((r) => r.systemTime)).toEqual(['2107-03-04T05:06:07.891000000Z', '1999-12-31T23:59:59.999000000Z']);
    expect(committedRecords('writer-big-ids', 'python-evtx').map((r) => r.recordId)).toEqual([4294967301, 4294967302]);
  });

  it('record ids restarting (a log clear) start a new chunk and both peers keep every record', () => {
    const { events, bytes } = fixture('writer-clear');
    expect((bytes.length - 4096) / CHUNK_SIZE).toBe(2);
    expect(u64(bytes, 24)).toBe(4n);
    for (const peer of PEERS) {
      expect(committedRecords('writer-clear', peer).map((r) => r.recordId), peer).toEqual(events.map((e) => e.recordId));
    }
  });

  it('both peers read the named Real64, Bool, String and UInt32 values (compared per value in test/evtx/peers.test.ts)', () => {
    const { events } = fixture('real64');
    for (const peer of PEERS) {
      const recs = committedRecords('real64', peer);
      expect(recs.map((r) => r.eventId), peer).toEqual(events.map((e) => e.eventId));
      expect(recs.map((r) => r.provider.Name), peer).toEqual(events.map((e) => e.provider));
    }
  });

  it('every committed input is one of these cases or a simulated file (test/simulate/simulate.test.ts)', () => {
    expect([...sums.keys()].filter((n) => !n.startsWith('sim-')).sort()).toEqual(Object.keys(WRITER_CASES).sort());
  });
});
