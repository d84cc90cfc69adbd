/**
 * Instance shape → the fields ingest reads (System fields, EventData values): the fast path's third
 * output beside XML and JSON. shape-walk.ts decides, once per record shape, which elements,
 * attributes and text the record keeps; the result is a small tree of names with value slots
 * left open, cached by shape. Per record only the values the fields use are turned into text, with
 * values.ts, as the record tree would hold them: fields.ts reads the same off that tree.
 */
import { hexUpper } from '../bytes.js';
import type { ChunkContext } from '../binxml/context.js';
import type { FlatValues } from '../binxml/instance-slots.js';
import type { CompiledTemplate, IrElement } from '../binxml/ir.js';
import { formatScalar } from '../binxml/values.js';
import { VT } from '../binxml/value-types.js';
import { parseSystemTime, type SystemFields } from '../fields.js';
import { ShapeView, Unsupported, type ChildInfo } from './shape.js';
import { ShapeWalk, type AttributeParts, type Gathered } from './shape-walk.js';

/** System fields and EventData values of one record, as fields.ts reads them off its tree. */
export interface RecordFields {
  /**
   * null when the record has no System element. `systemTime` (the text) is left out when
   * TimeCreated is a plain FILETIME: `timeMs` is read from it directly.
   */
  system: SystemFields | null;
  /** null when the record has no EventData element. */
  data: string[] | null;
}

/** Text parts: static text, or the slot of a value whose text is not empty. */
type TextPart = string | number;

interface FieldElement {
  name: string;
  attrs: Array<{ name: string; parts: AttributeParts }>;
  content: FieldContent;
}

interface FieldContent extends Gathered {
  /** Child elements, nested instances' included, in order. */
  elements: FieldElement[];
  text: TextPart[];
}

const newContent = (): FieldContent => ({ nodes: 0, elements: [], text: [] });
const NO_INFO: ChildInfo = { nodes: 0, keys: [], jkeys: [], texts: [], textTypes: [] };

class FieldShape extends ShapeWalk<FieldContent> {
  constructor(
    private readonly flat: FlatValues,
    inst: number,
    private readonly done: Map<number, FieldContent>,
  ) {
    super(new ShapeView(flat, inst, (child) => ({ ...NO_INFO, nodes: contentOf(flat, child, done).nodes })));
  }

  content(): FieldContent {
    return this.gather(newContent());
  }

  protected newContent(): FieldContent {
    return newContent();
  }

  protected text(c: FieldContent, text: string): void {
    c.text.push(text);
  }

  protected value(c: FieldContent, slot: number): void {
    c.text.push(slot);
  }

  protected item(c: FieldContent, slot: number): void {
    if (!this.f.empty(slot)) c.text.push(slot);
  }

  protected nested(c: FieldContent, slot: number): void {
    const child = contentOf(this.flat, this.flat.sub[slot], this.done);
    c.elements.push(...child.elements);
    c.text.push(...child.text);
  }

  protected pi(): void {
    // A node, but neither element nor text.
  }

  protected element(out: FieldContent, el: IrElement, attrs: Array<AttributeParts | null>, content: FieldContent): void {
    const kept: FieldElement['attrs'] = [];
    attrs.forEach((parts, i) => {
      if (parts !== null) kept.push({ name: el.attrs[i].name, parts });
    });
    out.elements.push({ name: el.name, attrs: kept, content });
  }
}

/** Instance `inst`'s content (slots absolute: a record shape fixes every instance's slots). */
function contentOf(f: FlatValues, inst: number, done: Map<number, FieldContent>): FieldContent {
  let c = done.get(inst);
  if (c === undefined) {
    c = new FieldShape(f, inst, done).content();
    done.set(inst, c);
  }
  return c;
}

interface Entry {
  key: Int32Array;
  /** null: a shape the record tree handles (an array value in an attribute). */
  root: FieldContent | null;
}

/** Record shapes by root template, then by the hash of the whole record's key; bounded per template. */
const shapes = new WeakMap<CompiledTemplate, Map<number, Entry[]>>();
const MAX_SHAPES = 4096;

function sameKey(key: Int32Array, f: FlatValues): boolean {
  if (key.length !== f.keyLen) return false;
  for (let i = 0; i < key.length; i++) if (key[i] !== f.key[i]) return false;
  return true;
}

/** The record's field tree: compiled on the first record of its shape; null when the tree must answer. */
function rootOf(f: FlatValues): FieldContent | null {
  let byHash = shapes.get(f.template[0]);
  if (byHash === undefined) shapes.set(f.template[0], (byHash = new Map()));
  let h = 0x811c9dc5;
  for (let i = 0; i < f.keyLen; i++) h = Math.imul(h ^ f.key[i], 0x01000193);
  const list = byHash.get(h);
  if (list) for (const e of list) if (sameKey(e.key, f)) return e.root;
  let root: FieldContent | null;
  try {
    root = contentOf(f, 0, new Map());
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    root = null;
  }
  if (byHash.size < MAX_SHAPES) {
    const entry = { key: f.key.slice(0, f.keyLen), root };
    if (list) list.push(entry);
    else byHash.set(h, [entry]);
  }
  return root;
}

/** A value's text, as binxml/expand.ts `scalarText` gives it (an array item alike). */
function slotText(c: ChunkContext, f: FlatValues, s: number): string {
  return formatScalar(c.bytes, c.view, f.type[s], f.off[s], f.size[s]) ?? hexUpper(c.bytes, f.off[s], f.size[s]);
}

function joined(c: ChunkContext, f: FlatValues, parts: TextPart[]): string {
  let s = '';
  for (const p of parts) s += typeof p === 'string' ? p : slotText(c, f, p);
  return s;
}

function child(el: FieldElement | undefined, name: string): FieldElement | undefined {
  return el?.content.elements.find((e) => e.name === name);
}

function attribute(el: FieldElement | undefined, name: string): AttributeParts | undefined {
  return el?.attrs.find((a) => a.name === name)?.parts;
}

function toInt(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** 9999-12-31T23:59:59.999Z + 1 ms: within [0, this) Date.UTC and the ISO text agree exactly. */
const MAX_ISO_MS = 253402300800000;

/**
 * parseSystemTime(text) of a FILETIME value, without the text: floor(ticks / 10^4) - 1601→1970 ms,
 * exact (2^32 = 429496 * 10^4 + 7296 keeps every product below 2^53). undefined outside 1970–9999.
 */
function fileTimeMs(c: ChunkContext, f: FlatValues, s: number): number | undefined {
  const lo = c.view.getUint32(f.off[s], true);
  const hi = c.view.getUint32(f.off[s] + 4, true);
  const ms = hi * 429496 + Math.floor((hi * 7296 + lo) / 1e4) - 11644473600000;
  return ms >= 0 && ms < MAX_ISO_MS ? ms : undefined;
}

function systemOf(c: ChunkContext, f: FlatValues, event: FieldElement): SystemFields | null {
  const system = child(event, 'System');
  if (!system) return null;
  const text = (name: string) => {
    const el = child(system, name);
    return el ? joined(c, f, el.content.text) : '';
  };
  const attr = (el: FieldElement | undefined, name: string) => {
    const parts = attribute(el, name);
    return parts && joined(c, f, parts);
  };
  const eventId = child(system, 'EventID');
  const provider = child(system, 'Provider');
  const fields: SystemFields = { eventId: toInt(text('EventID')) ?? null, channel: text('Channel'), computer: text('Computer') };
  const q = toInt(attr(eventId, 'Qualifiers'));
  if (q !== undefined) fields.qualifiers = q;
  const name = attr(provider, 'Name');
  if (name !== undefined) fields.provider = name;
  const source = attr(provider, 'EventSourceName');
  if (source !== undefined) fields.eventSourceName = source;
  const rid = toInt(text('EventRecordID'));
  if (rid !== undefined) fields.recordId = rid;
  const time = attribute(child(system, 'TimeCreated'), 'SystemTime');
  if (time === undefined) return fields;
  const only = time.length === 1 ? time[0] : '';
  const ms = typeof only === 'number' && f.type[only] === VT.FileTime && f.size[only] >= 8 ? fileTimeMs(c, f, only) : undefined;
  if (ms !== undefined) {
    // Ingest does not need the text: the FILETIME goes straight to epoch ms.
    fields.timeMs = ms;
    return fields;
  }
  fields.systemTime = joined(c, f, time);
  const parsed = parseSystemTime(fields.systemTime);
  if (parsed !== undefined) fields.timeMs = parsed;
  return fields;
}

/**
 * The fields of the record just read into `f`; undefined when the record tree must answer (a shape
 * this does not take, or a record without any element, which the tree path reports).
 */
export function shapeFields(c: ChunkContext, f: FlatValues): RecordFields | undefined {
  const root = rootOf(f);
  if (root === null || root.elements.length === 0) return undefined;
  const event = root.elements.find((e) => e.name === 'Event');
  if (!event) return { system: null, data: null };
  const eventData = child(event, 'EventData');
  const data = eventData ? eventData.content.elements.filter((e) => e.name === 'Data').map((e) => joined(c, f, e.content.text)) : null;
  return { system: systemOf(c, f, event), data };
}
