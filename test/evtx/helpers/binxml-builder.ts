/**
 * A tiny BinXML/chunk writer for hand-made test inputs (evtx-format.md §1). Offsets are
 * chunk-relative, so the builder writes straight into a 64 KiB chunk buffer.
 */
import { crc32 } from '../../../src/evtx/bytes.js';

export class ChunkBuilder {
  readonly bytes = new Uint8Array(65536);
  readonly view = new DataView(this.bytes.buffer);
  pos = 512;
  private records: Array<{ start: number }> = [];
  private recordStart = -1;

  u8(v: number): this { this.bytes[this.pos++] = v; return this; }
  u16(v: number): this { this.view.setUint16(this.pos, v, true); this.pos += 2; return this; }
  u32(v: number): this { this.view.setUint32(this.pos, v, true); this.pos += 4; return this; }
  u64(v: bigint): this { this.view.setBigUint64(this.pos, v, true); this.pos += 8; return this; }
  raw(b: ArrayLike<number>): this { this.bytes.set(b, this.pos); this.pos += b.length; return this; }
  utf16(s: string): this { for (let i = 0; i < s.length; i++) this.u16(s.charCodeAt(i)); return this; }

  /** Name reference written inline (offset = right after the u32). */
  name(s: string): this {
    this.u32(this.pos + 4);
    return this.u32(0).u16(0).u16(s.length).utf16(s).u16(0);
  }
  /** Name reference to a name already written at `offset`. */
  nameRef(offset: number): this { return this.u32(offset); }

  fragmentHeader(): this { return this.u8(0x0f).u8(1).u8(1).u8(0); }
  /** Open start element; `dep` only inside template definitions. Size field is not checked by readers. */
  open(name: string, opts: { attrs?: boolean; dep?: number } = {}): this {
    this.u8(opts.attrs ? 0x41 : 0x01);
    if (opts.dep !== undefined) this.u16(opts.dep);
    this.u32(0).name(name);
    if (opts.attrs) this.u32(0);
    return this;
  }
  attr(name: string, more = false): this { return this.u8(more ? 0x46 : 0x06).name(name); }
  text(s: string): this { return this.u8(0x05).u8(0x01).u16(s.length).utf16(s); }
  closeStart(): this { return this.u8(0x02); }
  closeEmpty(): this { return this.u8(0x03); }
  end(): this { return this.u8(0x04); }
  eof(): this { return this.u8(0x00); }
  subst(index: number, type: number, optional = false): this { return this.u8(optional ? 0x0e : 0x0d).u16(index).u8(type); }
  charRef(code: number): this { return this.u8(0x08).u16(code); }
  entityRef(name: string): this { return this.u8(0x09).name(name); }
  cdata(s: string): this { return this.u8(0x07).u16(s.length).utf16(s); }

  /** Starts a record; returns this for chaining. The BinXML follows. */
  beginRecord(id: bigint, filetime = 116444736000000000n): this {
    this.recordStart = this.pos;
    return this.u32(0x00002a2a).u32(0).u64(id).u64(filetime);
  }
  endRecord(): this {
    while ((this.pos - this.recordStart + 4) % 8 !== 0) this.u8(0);
    const size = this.pos - this.recordStart + 4;
    this.u32(size);
    this.view.setUint32(this.recordStart + 4, size, true);
    this.records.push({ start: this.recordStart });
    return this;
  }

  /**
   * Inline template instance: `body` writes the definition's BinXML (fragment header … EOF);
   * `values` are [type, bytes] pairs. Returns the definition offset for back-references.
   */
  templateInline(guid: ArrayLike<number>, body: (b: this) => void, values: Array<[number, Uint8Array | ((b: ChunkBuilder) => void)]>): number {
    this.u8(0x0c).u8(0x01).u32(0);
    const defOffset = this.pos + 4;
    this.u32(defOffset);
    this.u32(0).raw(guid);
    const sizeAt = this.pos;
    this.u32(0);
    const start = this.pos;
    body(this);
    this.view.setUint32(sizeAt, this.pos - start, true);
    this.values(values);
    return defOffset;
  }
  templateRef(defOffset: number, values: Array<[number, Uint8Array | ((b: ChunkBuilder) => void)]>): this {
    this.u8(0x0c).u8(0x01).u32(0).u32(defOffset);
    return this.values(values);
  }
  /** Values are bytes, or a writer that writes in place (nested BinXml needs its chunk offsets). */
  values(values: Array<[number, Uint8Array | ((b: ChunkBuilder) => void)]>): this {
    this.u32(values.length);
    const descAt = this.pos;
    for (const [type] of values) this.u16(0).u8(type).u8(0);
    values.forEach(([, v], i) => {
      const start = this.pos;
      if (typeof v === 'function') v(this);
      else this.raw(v);
      this.view.setUint16(descAt + 4 * i, this.pos - start, true);
    });
    return this;
  }

  /** Writes the chunk header (magic, ids, free space, CRCs) and returns the chunk bytes. */
  finish(): Uint8Array {
    const v = this.view;
    this.bytes.set([0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00], 0);
    v.setUint32(40, 128, true);
    v.setUint32(44, this.records.length ? this.records[this.records.length - 1].start : 0, true);
    v.setUint32(48, this.pos, true);
    v.setUint32(52, crc32(this.bytes, 512, this.pos), true);
    v.setUint32(120, 1, true);
    v.setUint32(124, crc32(this.bytes, 128, 512, crc32(this.bytes, 0, 120)), true);
    return this.bytes;
  }
}

export function utf16z(...items: string[]): Uint8Array {
  const s = items.map((x) => x + '\0').join('');
  const b = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) { b[2 * i] = s.charCodeAt(i) & 0xff; b[2 * i + 1] = s.charCodeAt(i) >> 8; }
  return b;
}

export function le(bytes: number, value: bigint): Uint8Array {
  const b = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) b[i] = Number((value >> BigInt(8 * i)) & 0xffn);
  return b;
}

/** A whole file: 4 KiB header + the given chunks. */
export function buildFile(chunks: Uint8Array[], flags = 0): Uint8Array {
  const file = new Uint8Array(4096 + chunks.length * 65536);
  const v = new DataView(file.buffer);
  file.set([0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00], 0);
  v.setUint32(32, 128, true);
  v.setUint16(36, 1, true);
  v.setUint16(38, 3, true);
  v.setUint16(40, 4096, true);
  v.setUint16(42, chunks.length, true);
  v.setUint32(120, flags, true);
  v.setUint32(124, crc32(file, 0, 120), true);
  chunks.forEach((c, i) => file.set(c, 4096 + i * 65536));
  return file;
}
