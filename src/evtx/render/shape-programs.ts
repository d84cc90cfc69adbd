/**
 * Byte programs: an instance shape's output as a flat list of ops — copy static UTF-8 bytes,
 * write value n with a writer chosen for its type and context, or run a part of a nested
 * instance's program — compiled once per shape (shape-xml.ts, shape-json.ts) and kept on the
 * template, so each later record is only its values' bytes. A nested instance is compiled on its
 * own; the instance around it sees only its summary (node count; JSON: member keys and static
 * text), which is part of the outer program's key.
 */
import { CLS_SIZET32, type FlatValues } from '../binxml/flat-values.js';
import { VT } from '../binxml/value-types.js';
import { writeUtf8 } from './byte-out.js';
import type { DumpFormat } from './chunk-output.js';
import { JsonShape } from './shape-json.js';
import { XmlShape } from './shape-xml.js';
import { CTX_JSON_STR, CTX_JSON_TYPED, CTX_XML_ATTR, CTX_XML_TEXT, ShapeView, Unsupported, type ChildInfo, type Piece } from './shape.js';
import {
  ESC_JSON, ESC_XML_ATTR, ESC_XML_TEXT,
  writeAnsi, writeFileTime, writeGuid, writeHex32, writeHex64, writeHexBytes, writeInt, writeInt64, writeSid,
  writeBool, writeSystemTime, writeUInt64, writeUtf16, writeViaText,
} from './value-bytes.js';

const OP_STATIC = 0;
const OP_CALL = 1;
const W_STR_XT = 2;
const W_STR_XA = 3;
const W_STR_J = 4;
const W_ANSI_XT = 5;
const W_ANSI_XA = 6;
const W_ANSI_J = 7;
const W_I8 = 8;
const W_U8 = 9;
const W_I16 = 10;
const W_U16 = 11;
const W_I32 = 12;
const W_U32 = 13;
const W_I64 = 14;
const W_U64 = 15;
const W_I64_J = 16;
const W_U64_J = 17;
const W_BOOL = 18;
const W_HEX_BYTES = 19;
const W_GUID = 20;
const W_HEX32 = 21;
const W_HEX64 = 22;
const W_FILETIME = 23;
const W_SYSTIME = 24;
const W_SID = 25;
const W_TEXT = 26;
const W_TEXT_J = 27;

/** Triples: OP_STATIC, pool offset, length | OP_CALL, BinXml slot, part | writer, slot, 0 (slots relative to the instance). */
export interface Program {
  ops: Int32Array;
  pool: Uint8Array;
}

/** The compiled shape of one instance: the record's text (root) or the parts a nested instance offers. */
export interface InstanceProgram {
  parts: Program[];
  info: ChildInfo;
  /** Interned `info`: what the outer instance's key records. */
  summary: number;
}

/** Programs by key hash; `program` null = a shape the string renderers handle. */
interface Entry {
  key: Int32Array;
  program: InstanceProgram | null;
  next: Entry | null;
}
export interface ShapePrograms {
  byHash: Map<number, Entry>;
  /** The entry used last: records of a template mostly repeat one shape. */
  last: Entry | null;
}

/** At most this many shapes per template, format and role are compiled (memory bound); others take the string path. */
const MAX_SHAPES = 256;

/** Summary text → id, never reusing an id (so a cleared table cannot make two summaries equal). */
const summaryIds = new Map<string, number>();
let nextSummary = 0;
function intern(info: ChildInfo): number {
  const text = JSON.stringify(info);
  let id = summaryIds.get(text);
  if (id === undefined) {
    if (summaryIds.size >= 100_000) summaryIds.clear();
    id = ++nextSummary;
    summaryIds.set(text, id);
  }
  return id;
}

/** Writer for a value written as is (text that needs no escaping). */
function plainWriter(type: number, cls: number): number {
  switch (type) {
    case VT.Int8: return W_I8;
    case VT.UInt8: return W_U8;
    case VT.Int16: return W_I16;
    case VT.UInt16: return W_U16;
    case VT.Int32: return W_I32;
    case VT.UInt32: return W_U32;
    case VT.Int64: return W_I64;
    case VT.UInt64: return W_U64;
    case VT.Real32:
    case VT.Real64: return W_TEXT;
    case VT.Bool: return W_BOOL;
    case VT.Guid: return W_GUID;
    case VT.SizeT: return cls & CLS_SIZET32 ? W_HEX32 : W_HEX64;
    case VT.FileTime: return W_FILETIME;
    case VT.SystemTime: return W_SYSTIME;
    case VT.Sid: return W_SID;
    case VT.HexInt32: return W_HEX32;
    case VT.HexInt64: return W_HEX64;
    default: return W_HEX_BYTES; // Binary and types without a text form of their own
  }
}

/** The writer for a value in a context, and whether JSON quotes go around it (as static text). */
function writerFor(type: number, cls: number, ctx: number): [code: number, quoted: boolean] {
  if (type === VT.String || type === VT.AnsiString) {
    const str = type === VT.String;
    if (ctx === CTX_XML_TEXT) return [str ? W_STR_XT : W_ANSI_XT, false];
    if (ctx === CTX_XML_ATTR) return [str ? W_STR_XA : W_ANSI_XA, false];
    return [str ? W_STR_J : W_ANSI_J, ctx === CTX_JSON_TYPED];
  }
  const code = plainWriter(type, cls);
  if (ctx !== CTX_JSON_TYPED) return [code, false];
  if (type === VT.Int64) return [W_I64_J, false];
  if (type === VT.UInt64) return [W_U64_J, false];
  if (type === VT.Real32 || type === VT.Real64) return [W_TEXT_J, false];
  return [code, !(type >= VT.Int8 && type <= VT.Bool)];
}

function toProgram(pieces: Piece[], f: FlatValues, base: number, newline: boolean): Program {
  // Static text between values is merged into one copy.
  const seq: Array<string | [number, number, number]> = [];
  let text = '';
  for (const p of pieces) {
    if (typeof p === 'string') {
      text += p;
      continue;
    }
    let op: [number, number, number];
    let quoted = false;
    if (p.kind === 'call') op = [OP_CALL, p.slot, p.part];
    else {
      const [code, q] = writerFor(f.type[base + p.slot], f.cls[base + p.slot], p.ctx);
      op = [code, p.slot, 0];
      quoted = q;
    }
    if (quoted) text += '"';
    if (text !== '') seq.push(text);
    seq.push(op);
    text = quoted ? '"' : '';
  }
  if (newline) text += '\n';
  if (text !== '') seq.push(text);
  let poolSize = 0;
  for (const s of seq) if (typeof s === 'string') poolSize += 3 * s.length;
  const pool = new Uint8Array(poolSize);
  const ops: number[] = [];
  let at = 0;
  for (const s of seq) {
    if (typeof s === 'string') {
      const end = writeUtf8(pool, at, s);
      ops.push(OP_STATIC, at, end - at);
      at = end;
    } else ops.push(s[0], s[1], s[2]);
  }
  return { ops: Int32Array.from(ops), pool: pool.slice(0, at) };
}

const NO_INFO: ChildInfo = { nodes: 0, keys: [], jkeys: [], texts: [], textTypes: [] };

function compile(f: FlatValues, inst: number, format: DumpFormat, root: boolean): InstanceProgram | null {
  const view = new ShapeView(f, inst, (child) => (f.program[child] as InstanceProgram).info);
  const base = f.base[inst];
  try {
    if (root) {
      const pieces = format === 'xml' ? new XmlShape(view).record() : new JsonShape(view).record();
      return pieces === null ? null : { parts: [toProgram(pieces, f, base, true)], info: NO_INFO, summary: 0 };
    }
    if (format === 'xml') {
      const c = new XmlShape(view).content();
      const info = { ...NO_INFO, nodes: c.nodes };
      return { parts: [toProgram(c.pieces, f, base, false)], info, summary: intern(info) };
    }
    const c = new JsonShape(view).content();
    const info: ChildInfo = { nodes: c.nodes, keys: c.keys, jkeys: c.jkeys, texts: c.texts, textTypes: c.textTypes };
    return { parts: c.vals.map((v) => toProgram(v, f, base, false)), info, summary: intern(info) };
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}

/** The nested instances' summaries, in slot order, mixed into an instance's key. */
function childSummaries(f: FlatValues, inst: number, visit: (summary: number) => boolean): boolean {
  for (let s = f.base[inst], end = s + f.count[inst]; s < end; s++) {
    if (f.type[s] !== VT.BinXml || f.cls[s] !== VT.BinXml) continue;
    if (!visit((f.program[f.sub[s]] as InstanceProgram).summary)) return false;
  }
  return true;
}

function sameKey(e: Entry, f: FlatValues, inst: number): boolean {
  const k = e.key;
  const start = f.keyStart[inst];
  const own = f.keyEnd[inst] - start;
  if (k.length < own) return false;
  for (let i = 0; i < own; i++) if (k[i] !== f.key[start + i]) return false;
  let j = own;
  if (!childSummaries(f, inst, (id) => k[j++] === id)) return false;
  return j === k.length;
}

/**
 * Finds (compiling on first sight) the program of instance `inst` of the record in `f`, after
 * those of its nested instances; false when the record takes the string path.
 */
function resolve(f: FlatValues, inst: number, format: DumpFormat, root: boolean): InstanceProgram | null {
  let nested = false;
  for (let s = f.base[inst], end = s + f.count[inst]; s < end; s++) {
    if (f.type[s] !== VT.BinXml || f.cls[s] !== VT.BinXml) continue;
    const child = resolve(f, f.sub[s], format, false);
    if (child === null) return null;
    f.program[f.sub[s]] = child;
    nested = true;
  }
  const template = f.template[inst];
  const all = (template.programs ??= {});
  const role = root ? format : format === 'xml' ? 'xmlNested' : 'jsonlNested';
  const table = (all[role] ??= { byHash: new Map(), last: null });
  if (table.last !== null && sameKey(table.last, f, inst)) return table.last.program;
  let hash = f.hashOf(inst);
  if (nested) childSummaries(f, inst, (id) => ((hash = Math.imul(hash ^ id, 0x01000193)), true));
  const head = table.byHash.get(hash) ?? null;
  for (let e: Entry | null = head; e !== null; e = e.next) {
    if (sameKey(e, f, inst)) {
      table.last = e;
      return e.program;
    }
  }
  const program = table.byHash.size < MAX_SHAPES ? compile(f, inst, format, root) : null;
  const key: number[] = Array.from(f.key.subarray(f.keyStart[inst], f.keyEnd[inst]));
  childSummaries(f, inst, (id) => key.push(id) > 0);
  const entry: Entry = { key: Int32Array.from(key), program, next: head };
  table.byHash.set(hash, entry);
  table.last = entry;
  return program;
}

/** The record's program (its nested instances' programs land in f.program); null = use the string renderers. */
export function programFor(f: FlatValues, format: DumpFormat): Program | null {
  const p = resolve(f, 0, format, true);
  return p === null ? null : p.parts[0];
}

/** Room a record is given: writers emit at most 6 bytes per value byte plus a few per value. */
export function roomFor(prog: Program, f: FlatValues, recordBytes: number): number {
  return 2 * prog.pool.length + 6 * recordBytes + 16 * f.used + 256;
}

/** A value writer: value bytes at `off` (`size` long) → text at out[p]; returns the end. */
type Writer = (out: Uint8Array, p: number, bytes: Uint8Array, view: DataView, off: number, size: number, type: number) => number;

/*
 * Called through a table rather than a switch: each writer is optimised on its own, and a writer
 * met for the first time does not throw away the optimised code of the loop below.
 */
const WRITERS: Writer[] = [];
WRITERS[W_STR_XT] = (out, p, bytes, _v, off, size) => writeUtf16(out, p, bytes, off, size, ESC_XML_TEXT);
WRITERS[W_STR_XA] = (out, p, bytes, _v, off, size) => writeUtf16(out, p, bytes, off, size, ESC_XML_ATTR);
WRITERS[W_STR_J] = (out, p, bytes, _v, off, size) => writeUtf16(out, p, bytes, off, size, ESC_JSON);
WRITERS[W_ANSI_XT] = (out, p, bytes, _v, off, size) => writeAnsi(out, p, bytes, off, size, ESC_XML_TEXT);
WRITERS[W_ANSI_XA] = (out, p, bytes, _v, off, size) => writeAnsi(out, p, bytes, off, size, ESC_XML_ATTR);
WRITERS[W_ANSI_J] = (out, p, bytes, _v, off, size) => writeAnsi(out, p, bytes, off, size, ESC_JSON);
WRITERS[W_I8] = (out, p, _b, view, off) => writeInt(out, p, view.getInt8(off));
WRITERS[W_U8] = (out, p, bytes, _v, off) => writeInt(out, p, bytes[off]);
WRITERS[W_I16] = (out, p, _b, view, off) => writeInt(out, p, view.getInt16(off, true));
WRITERS[W_U16] = (out, p, bytes, _v, off) => writeInt(out, p, bytes[off] | (bytes[off + 1] << 8));
WRITERS[W_I32] = (out, p, _b, view, off) => writeInt(out, p, view.getInt32(off, true));
WRITERS[W_U32] = (out, p, _b, view, off) => writeInt(out, p, view.getUint32(off, true));
WRITERS[W_I64] = (out, p, _b, view, off) => writeInt64(out, p, view, off, false);
WRITERS[W_U64] = (out, p, _b, view, off) => writeUInt64(out, p, view, off, false);
WRITERS[W_I64_J] = (out, p, _b, view, off) => writeInt64(out, p, view, off, true);
WRITERS[W_U64_J] = (out, p, _b, view, off) => writeUInt64(out, p, view, off, true);
WRITERS[W_BOOL] = (out, p, _b, view, off) => writeBool(out, p, view.getUint32(off, true) !== 0);
WRITERS[W_HEX_BYTES] = (out, p, bytes, _v, off, size) => writeHexBytes(out, p, bytes, off, size);
WRITERS[W_GUID] = (out, p, bytes, _v, off) => writeGuid(out, p, bytes, off);
WRITERS[W_HEX32] = (out, p, bytes, _v, off) => writeHex32(out, p, bytes, off);
WRITERS[W_HEX64] = (out, p, bytes, _v, off) => writeHex64(out, p, bytes, off);
WRITERS[W_FILETIME] = (out, p, bytes, view, off) => writeFileTime(out, p, bytes, view, off);
WRITERS[W_SYSTIME] = (out, p, bytes, _v, off) => writeSystemTime(out, p, bytes, off);
WRITERS[W_SID] = (out, p, bytes, view, off, size) => writeSid(out, p, bytes, view, off, size);
WRITERS[W_TEXT] = (out, p, bytes, view, off, size, type) => writeViaText(out, p, bytes, view, type, off, size, false);
WRITERS[W_TEXT_J] = (out, p, bytes, view, off, size, type) => writeViaText(out, p, bytes, view, type, off, size, true);

/**
 * Writes instance `inst` of the record in `f` through `prog` at out[p]; returns the end. Writes
 * past the end of `out` are lost, so the caller checks the end against out.length.
 */
export function runProgram(prog: Program, out: Uint8Array, p: number, bytes: Uint8Array, view: DataView, f: FlatValues, inst: number): number {
  const ops = prog.ops;
  const pool = prog.pool;
  const base = f.base[inst];
  for (let i = 0; i < ops.length; i += 3) {
    const code = ops[i];
    const a = ops[i + 1];
    if (code === OP_STATIC) {
      const end = a + ops[i + 2];
      for (let k = a; k < end; k++) out[p++] = pool[k];
    } else if (code === OP_CALL) {
      const child = f.sub[base + a];
      p = runProgram((f.program[child] as InstanceProgram).parts[ops[i + 2]], out, p, bytes, view, f, child);
    } else {
      const s = base + a;
      p = WRITERS[code](out, p, bytes, view, f.off[s], f.size[s], f.type[s]);
    }
  }
  return p;
}
