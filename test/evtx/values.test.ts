/** Value rendering, each expectation derived by hand in the comments (evtx-format.md §1.7, §4). */
import { describe, expect, it } from 'vitest';
import { formatArray, formatScalar, fileTimeToEpochMs } from '../../src/evtx/binxml/values.js';
import { VT } from '../../src/evtx/binxml/value-types.js';
import { escapeAttribute, escapeText } from '../../src/evtx/render/xml.js';
import { nodesToJson } from '../../src/evtx/render/json.js';
import { crc32 } from '../../src/evtx/bytes.js';
import type { XmlElement } from '../../src/evtx/tree.js';
import { le, utf16z } from './helpers/binxml-builder.js';

function fmt(type: number, bytes: Uint8Array): string | null {
  return formatScalar(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.length), type, 0, bytes.length);
}

describe('scalar values', () => {
  it('FILETIME: ticks of 100 ns since 1601, 7 fraction digits', () => {
    // 116444736000000000 ticks = 11644473600 s = 1970-01-01T00:00:00Z; one more tick = 100 ns.
    expect(fmt(VT.FileTime, le(8, 116444736000000001n))).toBe('1970-01-01T00:00:00.0000001Z');
    // 1620032305.9210336 s after 1970 = 2021-05-03T08:58:25.9210336Z (18750 days to 2021-05-03,
    // 18750*86400 = 1620000000, + 32305 s = 8 h 58 min 25 s).
    expect(fmt(VT.FileTime, le(8, 116444736000000000n + 16200323059210336n))).toBe('2021-05-03T08:58:25.9210336Z');
    expect(fileTimeToEpochMs(new DataView(le(8, 116444736000000000n + 16200323059210336n).buffer), 0)).toBe(1620032305921);
  });

  it('integers: Int32 signed, 64-bit exact', () => {
    // 0x8004805F as two's complement: 0x8004805F - 2^32 = 2147778655 - 4294967296 = -2147188641.
    expect(fmt(VT.Int32, le(4, 0x8004805fn))).toBe('-2147188641');
    expect(fmt(VT.UInt32, le(4, 0x8004805fn))).toBe('2147778655');
    expect(fmt(VT.UInt64, le(8, 0xffffffffffffffffn))).toBe('18446744073709551615');
    expect(fmt(VT.Int64, le(8, 0xffffffffffffffffn))).toBe('-1');
    // 2^53 + 1 is not representable as a double: must stay exact.
    expect(fmt(VT.UInt64, le(8, 9007199254740993n))).toBe('9007199254740993');
    expect(fmt(VT.Int8, le(1, 0xffn))).toBe('-1');
    expect(fmt(VT.Int16, le(2, 0x8000n))).toBe('-32768');
  });

  it('hex types: lower case, unpadded', () => {
    expect(fmt(VT.HexInt32, le(4, 0x1fn))).toBe('0x1f');
    expect(fmt(VT.HexInt64, le(8, 0x8020000000000000n))).toBe('0x8020000000000000');
    expect(fmt(VT.HexInt64, le(8, 0x88f313a8n))).toBe('0x88f313a8');
    expect(fmt(VT.HexInt64, le(8, 0n))).toBe('0x0');
    // SizeT takes its width from the descriptor size.
    expect(fmt(VT.SizeT, le(4, 0x7eecn))).toBe('0x7eec');
    expect(fmt(VT.SizeT, le(8, 0x100000000n))).toBe('0x100000000');
  });

  it('GUID: Data1-3 little-endian, Data4 raw, upper case in braces', () => {
    const g = new Uint8Array([0x25, 0x96, 0x84, 0x54, 0x78, 0x54, 0x94, 0x49, 0xa5, 0xba, 0x3e, 0x3b, 0x03, 0x28, 0xc3, 0x0d]);
    expect(fmt(VT.Guid, g)).toBe('{54849625-5478-4994-A5BA-3E3B0328C30D}');
  });

  it('SID: 48-bit big-endian authority, little-endian sub-authorities', () => {
    // S-1-5-18: revision 1, 1 sub-authority, authority 5, sub-authority 18 (0x12).
    expect(fmt(VT.Sid, new Uint8Array([1, 1, 0, 0, 0, 0, 0, 5, 0x12, 0, 0, 0]))).toBe('S-1-5-18');
    // S-1-5-21-1-2: two sub-authorities 21 and... here 3 sub-authorities 21, 1, 2.
    expect(fmt(VT.Sid, new Uint8Array([1, 3, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0]))).toBe('S-1-5-21-1-2');
    // A cut SID (count says 2, bytes hold 1) cannot be rendered as a SID.
    expect(fmt(VT.Sid, new Uint8Array([1, 2, 0, 0, 0, 0, 0, 5, 0x12, 0, 0, 0]))).toBe(null);
  });

  it('SYSTEMTIME: year, month, weekday, day, h, m, s, ms', () => {
    const b = new Uint8Array(16);
    const v = new DataView(b.buffer);
    [2017, 4, 5, 21, 7, 41, 17, 3].forEach((x, i) => v.setUint16(2 * i, x, true));
    expect(fmt(VT.SystemTime, b)).toBe('2017-04-21T07:41:17.003Z');
  });

  it('Bool is 4 bytes; any non-zero value is true', () => {
    expect(fmt(VT.Bool, le(4, 0n))).toBe('false');
    expect(fmt(VT.Bool, le(4, 1n))).toBe('true');
    expect(fmt(VT.Bool, le(4, 0x100n))).toBe('true');
  });

  it('strings: UTF-16 cut at NUL, lone surrogate → U+FFFD, ANSI as windows-1252', () => {
    expect(fmt(VT.String, utf16z('abc'))).toBe('abc');
    expect(fmt(VT.String, new Uint8Array([0x00, 0xd8, 0x41, 0x00]))).toBe('\ufffdA');
    // 0x80 is € in windows-1252; 0xA6 is ¦.
    expect(fmt(VT.AnsiString, new Uint8Array([0x41, 0x80, 0xa6, 0x00]))).toBe('A€¦');
  });

  it('Binary: upper-case hex; Real64: shortest decimal', () => {
    expect(fmt(VT.Binary, new Uint8Array([0xd9, 0x06, 0x00, 0x00]))).toBe('D9060000');
    const r = new Uint8Array(8);
    new DataView(r.buffer).setFloat64(0, 3199.234, true);
    expect(fmt(VT.Real64, r)).toBe('3199.234');
  });

  it('too few bytes for a fixed-width type give null (reported, not misread)', () => {
    expect(fmt(VT.UInt32, le(2, 1n))).toBe(null);
    expect(fmt(VT.FileTime, le(4, 1n))).toBe(null);
  });
});

describe('array values', () => {
  const arr = (type: number, b: Uint8Array) => formatArray(b, new DataView(b.buffer, b.byteOffset, b.length), type, 0, b.length);
  it('string array: NUL-terminated items, empty items kept', () => {
    expect(arr(VT.String | VT.Array, utf16z('a', '', 'b'))).toEqual(['a', '', 'b']);
    expect(arr(VT.String | VT.Array, new Uint8Array(0))).toEqual([]);
  });
  it('fixed-width arrays split by width', () => {
    const b = new Uint8Array([1, 0, 2, 0, 0xff, 0xff]);
    expect(arr(VT.UInt16 | VT.Array, b)).toEqual(['1', '2', '65535']);
    expect(arr(VT.UInt32 | VT.Array, b)).toBe(null);
  });
});

describe('XML escaping', () => {
  it('escapes markup and replaces characters XML 1.0 cannot carry', () => {
    expect(escapeText('<a & b>')).toBe('&lt;a &amp; b&gt;');
    expect(escapeText('x\u0003y')).toBe('x\ufffdy');
    expect(escapeText('line\r\nnext')).toBe('line&#xD;\nnext');
    expect(escapeAttribute('say "hi"\tnow')).toBe('say &quot;hi&quot;&#x9;now');
  });
});

describe('JSON', () => {
  it('never creates __proto__ or constructor keys', () => {
    const el = (name: string, text: string): XmlElement => ({ type: 'element', name, attributes: [], children: [{ type: 'text', text, valueType: 1 }] });
    const root: XmlElement = { type: 'element', name: 'Event', attributes: [{ name: '__proto__', value: 'x', valueType: 1 }], children: [el('__proto__', 'polluted'), el('constructor', 'c')] };
    const json = nodesToJson([root]);
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/"__proto__"|"constructor"/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.parse(text).Event.__proto___).toBe('polluted');
  });
});

describe('CRC32', () => {
  it('matches the IEEE check value', () => {
    // The standard check value: CRC-32 of "123456789" is 0xCBF43926.
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});
