/**
 * Builds one 64 KiB EVTX chunk: records are encoded straight into the chunk buffer so that name
 * and template references can be chunk offsets (names and templates inline on first use in the
 * chunk, referenced by offset after). Layout: docs/reference/evtx-format.md §1.2-§1.7.
 */
import { crc32 as jsCrc32, type Crc32Fn } from './crc32.js';
import { EvtxWriteError } from './errors.js';
import {
  DATA,
  DATA_VALUE_COUNT,
  FIELD_VALUE_TYPE,
  SYS,
  SYSTEM_VALUE_COUNT,
  VALUE_TYPE,
  eventDataTemplate,
  isElement,
  namedDataTemplate,
  systemTemplate,
  templateGuid,
  type TemplateElement,
  type TemplateValue,
} from './template.js';
import type { EvtxDataField, EvtxEventInput } from './types.js';
import { HAS_MORE, TOKEN } from '../binxml/tokens.js';
import { CHUNK_HEADER_SIZE } from '../chunk-header.js';
import { CHUNK_SIZE } from '../file-header.js';
import { RECORD_MAGIC } from '../record-header.js';

export { CHUNK_SIZE };
export { CHUNK_HEADER_SIZE };
const CHUNK_TAIL_RESERVE = 8;
/** 100 ns ticks between 1601-01-01 and 1970-01-01, whole and as 32-bit halves. */
const FILETIME_EPOCH = 116444736000000000n;
const FILETIME_EPOCH_LO = Number(FILETIME_EPOCH & 0xffffffffn);
const FILETIME_EPOCH_HI = Number(FILETIME_EPOCH >> 32n);
/** Up to year 30828 the high half stays below 2^32; beyond, fall back to BigInt (and its range error). */
const MAX_FAST_FILETIME_MS = 910692730085477;

/**
 * Thrown internally when a record does not fit in the rest of the chunk: one shared object, not an
 * Error, because it happens once per chunk and a stack trace is pure cost here.
 */
const CHUNK_FULL = { chunkFull: true } as const;


/**
 * Key of the nested EventData template: one for classic events, one per list of field names and
 * types for events with named fields (which must then carry no string array and no binary).
 */
function dataTemplateKey(ev: EvtxEventInput, recordId: number): string {
  const fields = ev.namedData;
  if (!fields || fields.length === 0) return 'eventdata';
  if ((ev.data && ev.data.length > 0) || (ev.dataUtf16 && ev.dataUtf16.length > 0) || (ev.binary && ev.binary.length > 0)) {
    throw new EvtxWriteError('an event with named fields takes no data strings and no binary', 'EVTX_WRITE_BAD_EVENT', recordId);
  }
  for (const f of fields) {
    if (FIELD_VALUE_TYPE[f.type] === undefined) throw new EvtxWriteError(`field ${f.name}: unknown type ${String(f.type)}`, 'EVTX_WRITE_BAD_EVENT', recordId);
  }
  return 'fields' + JSON.stringify(fields.map((f) => [f.name, f.type]));
}

/** Name hash per MS-EVEN6: h = h * 65599 + code unit, low 16 bits kept. */
export function nameHash(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 65599) + name.charCodeAt(i)) >>> 0;
  return h & 0xffff;
}

interface TemplateRef {
  id: number;
  offset: number;
  guid: Uint8Array;
  body: TemplateElement;
}

/** Cross-chunk cache of template trees and GUIDs by key (the bytes differ per chunk: name offsets). */
const templateCache = new Map<string, { guid: Uint8Array; body: TemplateElement }>();
function cachedTemplate(key: string, make: () => TemplateElement): { guid: Uint8Array; body: TemplateElement } {
  let t = templateCache.get(key);
  if (!t) {
    t = { guid: templateGuid(key), body: make() };
    templateCache.set(key, t);
  }
  return t;
}

/** The System template's literals of the previous record, with their key (almost every record repeats them). */
interface SystemKeyMemo {
  provider: string;
  providerGuid: string | undefined;
  eventSourceName: string | undefined;
  channel: string;
  computer: string;
  key: string;
}

/**
 * One chunk being filled. The builder is reused: finish() hands out its own buffer, valid until
 * reset(), so a writer allocates one 64 KiB buffer per file, not one per chunk.
 */
export class ChunkBuilder {
  private readonly buf = new Uint8Array(CHUNK_SIZE);
  private readonly view = new DataView(this.buf.buffer);
  private pos = CHUNK_HEADER_SIZE;
  private readonly names = new Map<string, number>();
  private readonly templates = new Map<string, TemplateRef>();
  private systemKey: SystemKeyMemo | null = null;
  /** What the record being written added, to undo when it does not fit. */
  private readonly addedNames: string[] = [];
  private readonly addedTemplates: string[] = [];
  private firstId = 0;
  private lastId = 0;
  private lastRecordOffset = 0;
  records = 0;

  constructor(private readonly crc32: Crc32Fn = jsCrc32) {}

  get lastRecordId(): number {
    return this.lastId;
  }

  /** Empties the chunk for the next one (the buffer handed out by finish() is overwritten). */
  reset(): void {
    this.buf.fill(0);
    this.pos = CHUNK_HEADER_SIZE;
    this.names.clear();
    this.templates.clear();
    this.firstId = 0;
    this.lastId = 0;
    this.lastRecordOffset = 0;
    this.records = 0;
  }

  /** Appends a record; false when it does not fit (the chunk is left exactly as before). */
  tryAppend(ev: EvtxEventInput, recordId: number): boolean {
    const start = this.pos;
    this.addedNames.length = 0;
    this.addedTemplates.length = 0;
    try {
      this.writeRecord(ev, recordId);
      return true;
    } catch (err) {
      // Whatever stopped the record (no room, a bad value), the chunk goes back to how it was.
      this.buf.fill(0, start);
      this.pos = start;
      for (const k of this.addedNames) this.names.delete(k);
      for (const k of this.addedTemplates) this.templates.delete(k);
      if (err !== CHUNK_FULL) throw err;
      return false;
    }
  }

  /** Fills in the chunk header (tables, CRCs) and returns the 64 KiB chunk: the builder's own buffer, valid until reset(). */
  finish(): Uint8Array {
    const v = this.view;
    const b = this.buf;
    const crc32 = this.crc32;
    this.linkTables();
    b.set([0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00], 0); // "ElfChnk\0"
    v.setBigUint64(8, BigInt(this.firstId), true);
    v.setBigUint64(16, BigInt(this.lastId), true);
    v.setBigUint64(24, BigInt(this.firstId), true);
    v.setBigUint64(32, BigInt(this.lastId), true);
    v.setUint32(40, 128, true);
    v.setUint32(44, this.lastRecordOffset, true);
    v.setUint32(48, this.pos, true);
    v.setUint32(52, crc32(b, CHUNK_HEADER_SIZE, this.pos), true);
    v.setUint32(120, 1, true);
    v.setUint32(124, crc32(b, 128, CHUNK_HEADER_SIZE, crc32(b, 0, 120)), true);
    return b;
  }

  // ---- records ---------------------------------------------------------------------------------

  private writeRecord(ev: EvtxEventInput, recordId: number): void {
    const start = this.pos;
    this.u32(RECORD_MAGIC);
    this.u32(0); // size, patched below
    this.u64n(recordId);
    this.filetime(ev.time);
    this.fragmentHeader();
    this.templateInstance(this.systemTemplateKey(ev), ev, recordId, true);
    this.u8(TOKEN.EOF);
    const unpadded = this.pos - start + 4;
    const size = (unpadded + 7) & ~7;
    this.zeros(size - unpadded);
    this.u32(size);
    // libevtx (20181227) drops a record that ends exactly at the chunk end: keep 8 bytes free.
    if (this.pos > CHUNK_SIZE - CHUNK_TAIL_RESERVE) throw CHUNK_FULL;
    this.view.setUint32(start + 4, size, true);
    if (this.records === 0) this.firstId = recordId;
    this.lastId = recordId;
    this.lastRecordOffset = start;
    this.records++;
  }

  /** The key of the System template for this event's literals (memoised: records of one log repeat them). */
  private systemTemplateKey(ev: EvtxEventInput): string {
    const m = this.systemKey;
    if (
      m !== null &&
      m.provider === ev.provider &&
      m.providerGuid === ev.providerGuid &&
      m.eventSourceName === ev.eventSourceName &&
      m.channel === ev.channel &&
      m.computer === ev.computer
    ) {
      return m.key;
    }
    const key = `sys\u0000${ev.provider}\u0000${ev.providerGuid ?? ''}\u0000${ev.eventSourceName ?? ''}\u0000${ev.channel}\u0000${ev.computer}`;
    this.systemKey = { provider: ev.provider, providerGuid: ev.providerGuid, eventSourceName: ev.eventSourceName, channel: ev.channel, computer: ev.computer, key };
    return key;
  }

  /** Writes value `i` of the System template; returns its type (Null when absent). */
  private systemValue(ev: EvtxEventInput, recordId: number, i: number): number {
    const T = VALUE_TYPE;
    switch (i) {
      case SYS.level: this.u8(ev.level); return T.UInt8;
      case SYS.opcode: this.u8(ev.opcode ?? 0); return T.UInt8;
      case SYS.task: this.u16(ev.task ?? 0); return T.UInt16;
      case SYS.eventId: this.u16(ev.eventId); return T.UInt16;
      case SYS.qualifiers:
        if (ev.qualifiers === null || ev.qualifiers === undefined) return T.Null;
        this.u16(ev.qualifiers);
        return T.UInt16;
      case SYS.keywords: this.u64(ev.keywords); return T.HexInt64;
      case SYS.timeCreated: this.filetime(ev.time); return T.FileTime;
      case SYS.processId: this.u32(ev.processId ?? 0); return T.UInt32;
      case SYS.threadId: this.u32(ev.threadId ?? 0); return T.UInt32;
      case SYS.recordId: this.u64n(recordId); return T.UInt64;
      case SYS.version: this.u8(ev.version ?? 0); return T.UInt8;
      case SYS.userId:
        if (!ev.userSid) return T.Null;
        this.sid(ev.userSid, recordId);
        return T.Sid;
      case SYS.eventData:
        this.fragmentHeader();
        this.templateInstance(dataTemplateKey(ev, recordId), ev, recordId, false);
        this.u8(TOKEN.EOF);
        return T.BinXml;
      default:
        return T.Null; // activity ids: not written by classic events
    }
  }

  private dataValue(ev: EvtxEventInput, recordId: number, j: number): number {
    if (ev.namedData && ev.namedData.length > 0) return this.fieldValue(ev.namedData[j], recordId);
    if (j === DATA.strings) {
      const encoded = ev.dataUtf16;
      if (encoded) {
        if (encoded.length === 0) return VALUE_TYPE.Null;
        this.bytes(encoded);
        return VALUE_TYPE.StringArray;
      }
      if (!ev.data || ev.data.length === 0) return VALUE_TYPE.Null;
      for (const s of ev.data) {
        if (!this.utf16(s)) throw new EvtxWriteError('insertion string contains NUL', 'EVTX_WRITE_BAD_EVENT', recordId);
        this.u16(0);
      }
      return VALUE_TYPE.StringArray;
    }
    if (!ev.binary || ev.binary.length === 0) return VALUE_TYPE.Null;
    this.bytes(ev.binary);
    return VALUE_TYPE.Binary;
  }

  /** One named field's value, in its BinXML type. */
  private fieldValue(f: EvtxDataField, recordId: number): number {
    switch (f.type) {
      case 'string':
        if (f.value === '') return VALUE_TYPE.Null;
        if (!this.utf16(f.value)) throw new EvtxWriteError(`field ${f.name} contains NUL`, 'EVTX_WRITE_BAD_EVENT', recordId);
        return VALUE_TYPE.String;
      case 'uint32':
        if (!Number.isInteger(f.value) || f.value < 0 || f.value > 0xffffffff) {
          throw new EvtxWriteError(`field ${f.name}: ${f.value} is not a UInt32`, 'EVTX_WRITE_BAD_EVENT', recordId);
        }
        this.u32(f.value);
        return VALUE_TYPE.UInt32;
      case 'real64':
        this.view.setFloat64(this.room(8), f.value, true);
        return VALUE_TYPE.Real64;
      case 'boolean':
        this.u32(f.value ? 1 : 0);
        return VALUE_TYPE.Bool;
    }
  }

  /**
   * `0c 01 id defOffset [definition] count descriptors values`; sizes are patched after writing.
   * `system`: the outer System template, else the nested EventData one.
   */
  private templateInstance(key: string, ev: EvtxEventInput, recordId: number, system: boolean): void {
    this.u8(TOKEN.TEMPLATE_INSTANCE);
    this.u8(0x01);
    let ref = this.templates.get(key);
    if (ref) {
      this.u32(ref.id);
      this.u32(ref.offset);
    } else {
      const t = system
        ? cachedTemplate(key, () => systemTemplate(ev))
        : cachedTemplate(key, () => (ev.namedData && ev.namedData.length > 0 ? namedDataTemplate(ev.namedData) : eventDataTemplate()));
      const id = new DataView(t.guid.buffer).getUint32(0, true);
      this.u32(id);
      const offset = this.pos + 4;
      this.u32(offset);
      ref = { id, offset, guid: t.guid, body: t.body };
      this.u32(0); // next definition in the template-table bucket, linked in finish()
      this.bytes(t.guid);
      const sizeAt = this.pos;
      this.u32(0);
      const bodyStart = this.pos;
      this.fragmentHeader();
      this.element(t.body, true);
      this.u8(TOKEN.EOF);
      this.view.setUint32(sizeAt, this.pos - bodyStart, true);
      this.templates.set(key, ref);
      this.addedTemplates.push(key);
    }
    const count = system ? SYSTEM_VALUE_COUNT : ev.namedData && ev.namedData.length > 0 ? ev.namedData.length : DATA_VALUE_COUNT;
    this.u32(count);
    const descAt = this.pos;
    this.zeros(count * 4);
    for (let i = 0; i < count; i++) {
      const valueStart = this.pos;
      const type = system ? this.systemValue(ev, recordId, i) : this.dataValue(ev, recordId, i);
      const size = this.pos - valueStart;
      if (size > 0xffff) throw new EvtxWriteError(`value ${i} is ${size} bytes (max 65535)`, 'EVTX_WRITE_TOO_LARGE');
      this.view.setUint16(descAt + i * 4, size, true);
      this.buf[descAt + i * 4 + 2] = type;
    }
  }

  // ---- template bodies -------------------------------------------------------------------------

  private element(el: TemplateElement, inTemplate: boolean): void {
    const attrs = el.attrs ?? [];
    this.u8(attrs.length ? TOKEN.OPEN_START_ELEMENT | HAS_MORE : TOKEN.OPEN_START_ELEMENT);
    if (inTemplate) this.u16(el.dependency ?? 0xffff);
    const sizeAt = this.pos;
    this.u32(0);
    this.name(el.name);
    if (attrs.length) {
      const attrSizeAt = this.pos;
      this.u32(0);
      attrs.forEach((a, i) => {
        this.u8(i < attrs.length - 1 ? TOKEN.ATTRIBUTE | HAS_MORE : TOKEN.ATTRIBUTE);
        this.name(a.name);
        this.value(a.value);
      });
      this.view.setUint32(attrSizeAt, this.pos - attrSizeAt - 4, true);
    }
    const content = el.content ?? [];
    if (content.length === 0) {
      this.u8(TOKEN.CLOSE_EMPTY_ELEMENT);
    } else {
      this.u8(TOKEN.CLOSE_START_ELEMENT);
      for (const c of content) {
        if (isElement(c)) this.element(c, inTemplate);
        else this.value(c);
      }
      this.u8(TOKEN.END_ELEMENT);
    }
    this.view.setUint32(sizeAt, this.pos - sizeAt - 4, true);
  }

  private value(v: TemplateValue): void {
    if ('text' in v) {
      this.u8(TOKEN.VALUE);
      this.u8(VALUE_TYPE.String);
      this.u16(v.text.length);
      this.utf16(v.text);
    } else {
      this.u8(TOKEN.OPTIONAL_SUBSTITUTION);
      this.u16(v.sub);
      this.u8(v.type);
    }
  }

  /** A name reference: the chunk offset of the Name entry, written inline right here on first use. */
  private name(name: string): void {
    const known = this.names.get(name);
    if (known !== undefined) {
      this.u32(known);
      return;
    }
    const offset = this.pos + 4;
    this.u32(offset);
    this.u32(0); // next entry in the string-table bucket, linked in finish()
    this.u16(nameHash(name));
    this.u16(name.length);
    this.utf16(name);
    this.u16(0);
    this.names.set(name, offset);
    this.addedNames.push(name);
  }

  /** Bucket chains: string table (64 heads, hash % 64) and template table (32 heads, id % 32). */
  private linkTables(): void {
    const v = this.view;
    const nameHeads = new Array<number>(64).fill(0);
    for (const [name, offset] of [...this.names].reverse()) {
      const bucket = nameHash(name) % 64;
      v.setUint32(offset, nameHeads[bucket], true);
      nameHeads[bucket] = offset;
    }
    nameHeads.forEach((o, i) => v.setUint32(128 + i * 4, o, true));
    const tplHeads = new Array<number>(32).fill(0);
    for (const ref of [...this.templates.values()].reverse()) {
      const bucket = ref.id % 32;
      v.setUint32(ref.offset, tplHeads[bucket], true);
      tplHeads[bucket] = ref.offset;
    }
    tplHeads.forEach((o, i) => v.setUint32(384 + i * 4, o, true));
  }

  // ---- primitives (every write checks the chunk bound) ----------------------------------------

  private room(n: number): number {
    const at = this.pos;
    if (at + n > CHUNK_SIZE) throw CHUNK_FULL;
    this.pos = at + n;
    return at;
  }
  private fragmentHeader(): void {
    const at = this.room(4);
    this.buf[at] = TOKEN.FRAGMENT_HEADER;
    this.buf[at + 1] = 1;
    this.buf[at + 2] = 1;
    this.buf[at + 3] = 0;
  }
  private u8(x: number): void {
    this.buf[this.room(1)] = x;
  }
  private u16(x: number): void {
    this.view.setUint16(this.room(2), x, true);
  }
  private u32(x: number): void {
    this.view.setUint32(this.room(4), x >>> 0, true);
  }
  private u64(x: bigint): void {
    this.view.setBigUint64(this.room(8), BigInt.asUintN(64, x), true);
  }
  /** A non-negative safe integer as u64, without BigInt. */
  private u64n(x: number): void {
    const at = this.room(8);
    const hi = Math.floor(x / 0x100000000);
    this.view.setUint32(at, x - hi * 0x100000000, true);
    this.view.setUint32(at + 4, hi, true);
  }
  /** FILETIME of epoch ms, the same ticks as filetime() but in two exact 32-bit halves (no BigInt per record). */
  private filetime(ms: number): void {
    const whole = Math.floor(ms);
    if (whole < 0 || whole > MAX_FAST_FILETIME_MS) {
      this.u64(filetime(ms));
      return;
    }
    const q = Math.floor(whole / 0x100000000);
    // r·10⁴ + fraction + low epoch stays below 2^46: exact in a double.
    const t = (whole - q * 0x100000000) * 10000 + Math.round((ms - whole) * 10000) + FILETIME_EPOCH_LO;
    const carry = Math.floor(t / 0x100000000);
    const at = this.room(8);
    this.view.setUint32(at, t - carry * 0x100000000, true);
    this.view.setUint32(at + 4, q * 10000 + FILETIME_EPOCH_HI + carry, true);
  }
  private zeros(n: number): void {
    this.room(n);
  }
  private bytes(b: Uint8Array): void {
    this.buf.set(b, this.room(b.length));
  }
  /** UTF-16LE code units; false when the string holds a NUL (the bytes are then written all the same). */
  private utf16(s: string): boolean {
    let at = this.room(s.length * 2);
    const b = this.buf;
    let nul = false;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 0) nul = true;
      b[at] = c;
      b[at + 1] = c >>> 8;
      at += 2;
    }
    return !nul;
  }
  private sid(text: string, recordId: number): void {
    const m = /^S-(\d+)-(\d+)((?:-\d+)*)$/i.exec(text);
    if (!m) throw new EvtxWriteError(`bad SID ${text}`, 'EVTX_WRITE_BAD_EVENT', recordId);
    const subs = m[3] ? m[3].slice(1).split('-').map(Number) : [];
    const authority = BigInt(m[2]);
    this.u8(Number(m[1]));
    this.u8(subs.length);
    for (let shift = 40n; shift >= 0n; shift -= 8n) this.u8(Number((authority >> shift) & 0xffn));
    for (const s of subs) this.u32(s);
  }
}

/** Epoch milliseconds (fraction allowed) → FILETIME ticks, exact to 100 ns. */
export function filetime(ms: number): bigint {
  const whole = Math.floor(ms);
  return BigInt(whole) * 10000n + BigInt(Math.round((ms - whole) * 10000)) + FILETIME_EPOCH;
}
