/**
 * Byte programs: an instance shape's output as a flat list of ops — copy static UTF-8 bytes,
 * write value n with a writer chosen for its type and context, or run a part of a nested
 * instance's program — compiled once per shape (shape-xml.ts, shape-json.ts) and kept on the
 * template, so each later record is only its values' bytes. A nested instance is compiled on its
 * own; the instance around it sees only its summary (node count; JSON: member keys and static
 * text), which is part of the outer program's key.
 */
import { CLS_SIZET32, type FlatValues } from '../binxml/instance-slots.js';
import type { CompiledTemplate } from '../binxml/ir.js';
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

/** Triples: OP_STATIC, static run, length | OP_CALL, BinXml slot, part | writer, slot, 0 (slots relative to the instance). */
export interface Program {
  ops: Int32Array;
  /** The static runs' bytes, each its own array (copied with `set` when long). */
  statics: Uint8Array[];
  /** Their total length. */
  staticBytes: number;
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

/** Programs by template, format and role: kept on the render side, as long as the template is. */
const programsOf = new WeakMap<CompiledTemplate, ShapePrograms[]>();
/** The template looked up last, and its tables: records of one template mostly come in runs. */
let lastTemplate: CompiledTemplate | null = null;
let lastTables: ShapePrograms[] | undefined;

/** At most this many shapes per template, format and role are compiled (memory bound); others take the string path. */
const MAX_SHAPES = 256;

/** Summary text → id, never reusing an id (so a cleared table cannot make two summaries equal). */
const summaryIds = new Map<string, number>();
let summaryChars = 0;
let nextSummary = 0;
/** Characters of summary text kept at most (names from damaged files can be long). */
const SUMMARY_CHARS = 4 << 20;
function intern(info: ChildInfo): number {
  const text = JSON.stringify(info);
  let id = summaryIds.get(text);
  if (id === undefined) {
    if (summaryIds.size >= 100_000 || summaryChars + text.length > SUMMARY_CHARS) {
      summaryIds.clear();
      summaryChars = 0;
    }
    id = ++nextSummary;
    summaryIds.set(text, id);
    summaryChars += text.length;
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

/** The writer for a value in a context; QUOTED is set when JSON quotes go around it (as static text). */
const QUOTED = 0x100;
function writerFor(type: number, cls: number, ctx: number): number {
  if (type === VT.String || type === VT.AnsiString) {
    const str = type === VT.String;
    if (ctx === CTX_XML_TEXT) return str ? W_STR_XT : W_ANSI_XT;
    if (ctx === CTX_XML_ATTR) return str ? W_STR_XA : W_ANSI_XA;
    return (str ? W_STR_J : W_ANSI_J) | (ctx === CTX_JSON_TYPED ? QUOTED : 0);
  }
  const code = plainWriter(type, cls);
  if (ctx !== CTX_JSON_TYPED) return code;
  if (type === VT.Int64) return W_I64_J;
  if (type === VT.UInt64) return W_U64_J;
  if (type === VT.Real32 || type === VT.Real64) return W_TEXT_J;
  return type >= VT.Int8 && type <= VT.Bool ? code : code | QUOTED;
}

/** Growing scratch for compiling: static bytes and ops (compiled programs copy out what they use). */
let scratchPool = new Uint8Array(1 << 16);
let scratchOps = new Int32Array(1 << 12);

function toProgram(pieces: Piece[], f: FlatValues, base: number, newline: boolean): Program {
  let need = 8;
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i];
    need += typeof p === 'string' ? 3 * p.length : 2;
  }
  if (scratchPool.length < need) scratchPool = new Uint8Array(2 * need);
  if (scratchOps.length < 9 * pieces.length + 3) scratchOps = new Int32Array(18 * pieces.length + 6);
  const pool = scratchPool;
  const ops = scratchOps;
  let at = 0;
  let n = 0;
  // Static text between values is merged into one copy.
  let textStart = 0;
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i];
    if (typeof p === 'string') {
      at = writeUtf8(pool, at, p);
      continue;
    }
    let code: number;
    let arg: number;
    if (p.kind === 'call') {
      code = OP_CALL;
      arg = p.part;
    } else {
      code = writerFor(f.type[base + p.slot], f.cls[base + p.slot], p.ctx);
      arg = 0;
    }
    if (code & QUOTED) pool[at++] = 0x22;
    if (at > textStart) {
      ops[n++] = OP_STATIC;
      ops[n++] = textStart;
      ops[n++] = at - textStart;
    }
    ops[n++] = code & 0xff;
    ops[n++] = p.slot;
    ops[n++] = arg;
    textStart = at;
    if (code & QUOTED) pool[at++] = 0x22;
  }
  if (newline) pool[at++] = 0x0a;
  if (at > textStart) {
    ops[n++] = OP_STATIC;
    ops[n++] = textStart;
    ops[n++] = at - textStart;
  }
  const statics: Uint8Array[] = [];
  const program = ops.slice(0, n);
  for (let i = 0; i < n; i += 3) {
    if (program[i] !== OP_STATIC) continue;
    statics.push(pool.slice(program[i + 1], program[i + 1] + program[i + 2]));
    program[i + 1] = statics.length - 1;
  }
  return { ops: program, statics, staticBytes: at };
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

/** Whether `e` is the entry of instance `inst`: its own key, then its nested instances' summaries in slot order. */
function sameKey(e: Entry, f: FlatValues, inst: number): boolean {
  const k = e.key;
  const start = f.keyStart[inst];
  const own = f.keyEnd[inst] - start;
  if (k.length < own) return false;
  for (let i = 0; i < own; i++) if (k[i] !== f.key[start + i]) return false;
  let j = own;
  for (let s = f.base[inst], end = s + f.count[inst]; s < end; s++) {
    if (f.cls[s] !== VT.BinXml) continue;
    if (j === k.length || k[j++] !== (f.program[f.sub[s]] as InstanceProgram).summary) return false;
  }
  return j === k.length;
}

function keyOf(f: FlatValues, inst: number): Int32Array {
  const key: number[] = Array.from(f.key.subarray(f.keyStart[inst], f.keyEnd[inst]));
  for (let s = f.base[inst], end = s + f.count[inst]; s < end; s++) {
    if (f.cls[s] === VT.BinXml) key.push((f.program[f.sub[s]] as InstanceProgram).summary);
  }
  return Int32Array.from(key);
}

/** Table index by format; + 2 for nested instances' parts (the record's own program otherwise). */
const ROLE_XML = 0;
const ROLE_JSON = 1;

/**
 * Finds (compiling on first sight) the program of instance `inst` of the record in `f`, after
 * those of its nested instances; null when the record takes the string path.
 */
function resolve(f: FlatValues, inst: number, format: DumpFormat, root: boolean): InstanceProgram | null {
  let nested = false;
  for (let s = f.base[inst], end = s + f.count[inst]; s < end; s++) {
    // Class exactly BinXml: a nested instance (an empty one has CLS_EMPTY set).
    if (f.cls[s] !== VT.BinXml) continue;
    const child = resolve(f, f.sub[s], format, false);
    if (child === null) return null;
    f.program[f.sub[s]] = child;
    nested = true;
  }
  const template = f.template[inst];
  let tables = template === lastTemplate ? lastTables : programsOf.get(template);
  if (tables === undefined) programsOf.set(template, (tables = []));
  lastTemplate = template;
  lastTables = tables;
  const role = (format === 'xml' ? ROLE_XML : ROLE_JSON) + (root ? 0 : 2);
  let table = tables[role];
  if (table === undefined) table = tables[role] = { byHash: new Map(), last: null };
  if (table.last !== null && sameKey(table.last, f, inst)) return table.last.program;
  let hash = f.hashOf(inst);
  if (nested) {
    for (let s = f.base[inst], end = s + f.count[inst]; s < end; s++) {
      if (f.cls[s] === VT.BinXml) hash = Math.imul(hash ^ (f.program[f.sub[s]] as InstanceProgram).summary, 0x01000193);
    }
  }
  const head = table.byHash.get(hash) ?? null;
  for (let e: Entry | null = head; e !== null; e = e.next) {
    if (sameKey(e, f, inst)) {
      table.last = e;
      return e.program;
    }
  }
  const program = table.byHash.size < MAX_SHAPES ? compile(f, inst, format, root) : null;
  const entry: Entry = { key: keyOf(f, inst), program, next: head };
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
  return 2 * prog.staticBytes + 6 * recordBytes + 16 * f.used + 256;
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
  const statics = prog.statics;
  const base = f.base[inst];
  for (let i = 0; i < ops.length; i += 3) {
    const code = ops[i];
    const a = ops[i + 1];
    if (code === OP_STATIC) {
      const run = statics[a];
      const n = ops[i + 2];
      if (n > 16 && p + n <= out.length) out.set(run, p);
      else for (let k = 0; k < n; k++) out[p + k] = run[k];
      p += n;
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
