/**
 * Allocation-free reading of the usual record shape, for the byte render path: fragment headers,
 * one template instance, end — nested BinXml values alike — with array values split into items.
 *
 * Each instance gets a run of slots: its values, then its arrays' items (so a slot's position
 * relative to its instance depends on that instance alone); nested instances follow. Each
 * instance's own *shape* is written as an integer key: template id, value count, per value a
 * class (type, empty text, SizeT width), item counts and item classes. Instances with equal keys
 * (and equal nested summaries, render/shape-programs.ts) render through the same program.
 *
 * Whatever does not fit — template-less or several fragments, damage of any kind, values whose
 * bytes cannot hold their type, arrays of types without fixed width — makes `read` return false,
 * and the record goes the general way (parse.ts), which reports errors exactly as before. Every
 * check of parse.ts `readInstance` is made here too, so no record passes here that fails there.
 */
import type { ChunkContext } from './context.js';
import { templateWeight } from './record-weight.js';
import type { CompiledTemplate } from './ir.js';
import { compileTemplate } from './parse.js';
import { KIND_MASK, TOKEN } from './tokens.js';
import { FIXED_WIDTH, VT } from './value-types.js';

/** Class flag: the value's text is empty (or a BinXml value holds no instance). */
export const CLS_EMPTY = 0x100;
/** Class flag: a SizeT stored in 4 bytes. */
export const CLS_SIZET32 = 0x200;

// Read once per record: plain numbers rather than property loads.
const { EOF, FRAGMENT_HEADER, TEMPLATE_INSTANCE } = TOKEN;

const BAIL = -1;
const NONE = -2;

const WIDTH = new Uint8Array(256);
for (const [t, w] of Object.entries(FIXED_WIDTH)) WIDTH[Number(t)] = w;

function grown<T extends Int32Array | Uint8Array | Float64Array>(a: T, n: number): T {
  let cap = a.length * 2;
  while (cap < n) cap *= 2;
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}

export class FlatValues {
  /** Value type (array items: the base type). */
  type = new Uint8Array(64);
  off = new Int32Array(64);
  size = new Int32Array(64);
  cls = new Int32Array(64);
  /** BinXml: the nested instance's number; array: first item slot. */
  sub = new Int32Array(64);
  /** Array: item count. */
  subCount = new Int32Array(64);
  /** Where each slot's class sits in `key`. */
  private keyAt = new Int32Array(64);
  used = 0;

  /** Instances in reading order; instance 0 is the record's. */
  template: CompiledTemplate[] = [];
  base = new Int32Array(8);
  count = new Int32Array(8);
  keyStart = new Int32Array(8);
  keyEnd = new Int32Array(8);
  /** Each instance's expanded size (record-weight.ts): past the limit, the record goes the general way, which reports it. */
  weight = new Float64Array(8);
  /** Scratch for the renderer: the program chosen for each instance. */
  program: unknown[] = [];
  instances = 0;

  key = new Int32Array(256);
  keyLen = 0;

  private endPos = 0;

  /**
   * Reads the record BinXML in [start, end); false when the record needs the general path (which
   * also reports a record that expands past the limit, record-weight.ts).
   */
  read(c: ChunkContext, start: number, end: number): boolean {
    this.used = 0;
    this.keyLen = 0;
    this.instances = 0;
    try {
      if (this.fragments(c, start, end, 0) < 0 || c.expanded + this.weight[0] > c.limits.maxChunkExpansion) return false;
      c.expanded += this.weight[0];
      return true;
    } catch {
      // A template that cannot be compiled: the general path reports it.
      return false;
    }
  }

  /** Hash of an instance's own key. */
  hashOf(inst: number): number {
    let h = 0x811c9dc5;
    for (let i = this.keyStart[inst], end = this.keyEnd[inst]; i < end; i++) h = Math.imul(h ^ this.key[i], 0x01000193);
    return h;
  }

  private push(x: number): void {
    if (this.keyLen === this.key.length) this.key = grown(this.key, this.keyLen + 1);
    this.key[this.keyLen++] = x;
  }

  private alloc(n: number): number {
    const base = this.used;
    const need = base + n;
    if (need > this.type.length) {
      this.type = grown(this.type, need);
      this.off = grown(this.off, need);
      this.size = grown(this.size, need);
      this.cls = grown(this.cls, need);
      this.sub = grown(this.sub, need);
      this.subCount = grown(this.subCount, need);
      this.keyAt = grown(this.keyAt, need);
    }
    this.used = need;
    return base;
  }

  /** One instance between optional fragment headers and the end: its number, NONE, or BAIL. */
  private fragments(c: ChunkContext, pos: number, end: number, depth: number): number {
    const bytes = c.bytes;
    while (pos < end && (bytes[pos] & KIND_MASK) === FRAGMENT_HEADER) {
      if (pos + 4 > end) return BAIL;
      pos += 4;
    }
    if (pos >= end || (bytes[pos] & KIND_MASK) === EOF) return NONE;
    if ((bytes[pos] & KIND_MASK) !== TEMPLATE_INSTANCE) return BAIL;
    const inst = this.instance(c, pos + 1, end, depth);
    if (inst < 0) return BAIL;
    pos = this.endPos;
    if (pos < end && (bytes[pos] & KIND_MASK) !== EOF) return BAIL;
    return inst;
  }

  private instance(c: ChunkContext, pos: number, end: number, depth: number): number {
    const view = c.view;
    if (pos + 9 > end) return BAIL;
    const defOffset = view.getUint32(pos + 5, true);
    pos += 9;
    let template: CompiledTemplate;
    if (defOffset === pos) {
      if (pos + 24 > end) return BAIL;
      const size = view.getUint32(pos + 20, true);
      if (pos + 24 + size > end) return BAIL;
      template = compileTemplate(c, defOffset, 'template.definition');
      pos += 24 + size;
    } else {
      template = compileTemplate(c, defOffset, 'template.reference');
    }
    if (pos + 4 > end) return BAIL;
    const count = view.getUint32(pos, true);
    pos += 4;
    if (count > c.limits.maxValues || pos + 4 * count > end) return BAIL;
    const inst = this.instances++;
    if (inst === this.base.length) {
      this.base = grown(this.base, inst + 1);
      this.count = grown(this.count, inst + 1);
      this.keyStart = grown(this.keyStart, inst + 1);
      this.keyEnd = grown(this.keyEnd, inst + 1);
      this.weight = grown(this.weight, inst + 1);
    }
    const base = this.alloc(count);
    this.template[inst] = template;
    this.base[inst] = base;
    this.count[inst] = count;
    this.keyStart[inst] = this.keyLen;
    this.push(template.id);
    this.push(count);
    const bytes = c.bytes;
    let p = pos + 4 * count;
    let nested = false;
    for (let i = 0; i < count; i++) {
      const d = pos + 4 * i;
      const size = bytes[d] | (bytes[d + 1] << 8);
      const type = bytes[d + 2];
      const s = base + i;
      this.type[s] = type;
      this.off[s] = p;
      this.size[s] = size;
      if (p + size > end) return BAIL;
      this.keyAt[s] = this.keyLen;
      this.push(0);
      let cls: number;
      const width = WIDTH[type];
      if (width !== 0) {
        // Fixed-width types, the most common ones (arrays and a few others go through CLASSIFY).
        if (size < width) return BAIL;
        cls = type;
      } else if (type === VT.String) {
        cls = size < 2 || (bytes[p] | bytes[p + 1]) === 0 ? type | CLS_EMPTY : type;
      } else if (type === VT.BinXml) {
        cls = size === 0 ? type | CLS_EMPTY : type;
        if (size > 0) nested = true;
      } else {
        cls = CLASSIFY[type](this, c, s, type, p, size);
        if (cls < 0) return BAIL;
      }
      this.cls[s] = cls;
      this.key[this.keyAt[s]] = cls;
      p += size;
    }
    this.keyEnd[inst] = this.keyLen;
    // At least record-weight.ts's weight: every value as often as the most used one, nested
    // instances' weights on top; no per-value work in the loop above.
    const tw = templateWeight(template);
    let weight = tw.nodes + tw.totalUses + tw.maxUses * (p - (pos + 4 * count));
    if (nested) {
      // Nested instances come after this instance's own slots and key.
      for (let s = base; s < base + count; s++) {
        if (this.type[s] !== VT.BinXml || this.size[s] === 0) continue;
        if (depth >= c.limits.maxDepth) return BAIL;
        const child = this.fragments(c, this.off[s], this.off[s] + this.size[s], depth + 1);
        if (child === BAIL) return BAIL;
        if (child === NONE) {
          this.cls[s] |= CLS_EMPTY;
          this.key[this.keyAt[s]] = this.cls[s];
        } else {
          this.sub[s] = child;
          const i = s - base;
          if (i < tw.uses.length) weight += tw.uses[i] * this.weight[child];
        }
      }
    }
    if (weight > c.limits.maxExpansion) return BAIL;
    this.weight[inst] = weight;
    this.endPos = p;
    return inst;
  }

  /** Array value: one slot per item (values.ts `formatArray`); the key gets the item count and classes. */
  array(c: ChunkContext, s: number, type: number, p: number, size: number): number {
    const bytes = c.bytes;
    const base = type & 0x7f;
    let n = 0;
    let first: number;
    if (base === VT.String) {
      const units = size >> 1;
      for (let i = 0; i < units; i++) if ((bytes[p + 2 * i] | bytes[p + 2 * i + 1]) === 0) n++;
      if (units > 0 && (bytes[p + 2 * units - 2] | bytes[p + 2 * units - 1]) !== 0) n++;
      first = this.alloc(n);
      this.push(n);
      let start = 0;
      let k = first;
      for (let i = 0; i <= units; i++) {
        if (i === units ? start < units : (bytes[p + 2 * i] | bytes[p + 2 * i + 1]) === 0) {
          this.item(k++, base, p + 2 * start, 2 * (i - start), i === start ? base | CLS_EMPTY : base);
          start = i + 1;
        }
      }
    } else if (base === VT.AnsiString) {
      for (let i = 0; i < size; i++) if (bytes[p + i] === 0) n++;
      if (size > 0 && bytes[p + size - 1] !== 0) n++;
      first = this.alloc(n);
      this.push(n);
      let start = 0;
      let k = first;
      for (let i = 0; i <= size; i++) {
        if (i === size ? start < size : bytes[p + i] === 0) {
          this.item(k++, base, p + start, i - start, i === start ? base | CLS_EMPTY : base);
          start = i + 1;
        }
      }
    } else {
      const width = base === VT.SizeT ? 8 : WIDTH[base];
      if (width === 0 || size % width !== 0) return BAIL;
      n = size / width;
      first = this.alloc(n);
      this.push(n);
      for (let i = 0; i < n; i++) this.item(first + i, base, p + i * width, width, base);
    }
    this.sub[s] = first;
    this.subCount[s] = n;
    return type;
  }

  private item(k: number, type: number, off: number, size: number, cls: number): void {
    this.type[k] = type;
    this.off[k] = off;
    this.size[k] = size;
    this.cls[k] = cls;
    this.push(cls);
  }
}

/**
 * Classes of the types `instance` does not classify inline, one function per type, called
 * through this table: `instance` never inlines them, so a type first met late does not throw its
 * optimised code away.
 */
type Classify = (f: FlatValues, c: ChunkContext, s: number, type: number, p: number, size: number) => number;
const CLASSIFY: Classify[] = [];
const hexText: Classify = (_f, _c, _s, type, _p, size) => (size === 0 ? type | CLS_EMPTY : type);
// Types without a text form of their own print as hex (values.ts).
for (let t = 0; t < 256; t++) CLASSIFY[t] = t & VT.Array ? (f, c, s, type, p, size) => f.array(c, s, type, p, size) : hexText;
CLASSIFY[VT.Null] = () => 0;
CLASSIFY[VT.AnsiString] = (_f, c, _s, type, p, size) => {
  for (let i = p; i < p + size; i++) if (c.bytes[i] !== 0) return type;
  return type | CLS_EMPTY;
};
CLASSIFY[VT.SizeT] = (_f, _c, _s, type, _p, size) => (size >= 8 ? type : size >= 4 ? type | CLS_SIZET32 : BAIL);
CLASSIFY[VT.Sid] = (_f, c, _s, type, p, size) => (size < 8 || 8 + 4 * c.bytes[p + 1] > size ? BAIL : type);
