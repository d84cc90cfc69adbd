/**
 * BinXML tokens → IR (evtx-format.md §1.4-§1.6, MS-EVEN6 §2.2.12). Reads template definitions
 * (compiled once, see template-cache.ts) and the fragments of records and nested BinXml values.
 */
import { decodeUtf16 } from '../bytes.js';
import { CHUNK_HEADER_SIZE } from '../chunk-header.js';
import { CHUNK_SIZE } from '../file-header.js';
import { BadTokenError, LimitError, MissingTemplateError, TruncatedError, type EvtxErrorContext } from '../errors.js';
import type { ChunkContext } from './context.js';
import {
  IR_ELEMENT, IR_PI, IR_SUBST, IR_TEXT,
  type CompiledTemplate, type Fragment, type InstanceValues, type IrAttribute, type IrElement, type IrNode, type IrValuePart,
} from './ir.js';
import { nameAt } from './names.js';
import { HAS_MORE, tokenKind, TOKEN } from './tokens.js';
import { hasDependencyIdAt, RELOC_DEP, RELOC_INLINE, RELOC_NAMED, type Relocs } from './template-match.js';
import { formatGuid } from './values.js';
import { VT } from './value-types.js';

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Bounded reader over [pos, end) of a chunk. */
class Reader {
  /** Set while reading a template definition: its start and its position-dependent fields. */
  defStart = -1;
  relocs: Relocs | null = null;

  constructor(readonly c: ChunkContext, public pos: number, readonly end: number) {}

  ctx(what: string, at = this.pos): EvtxErrorContext {
    return { chunk: this.c.index, offset: this.c.fileOffset + at, recordId: this.c.recordId, what };
  }
  need(n: number, what: string): void {
    if (this.pos + n > this.end) throw new TruncatedError(this.ctx(what), n, this.end - this.pos);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.c.bytes[this.pos++];
  }
  u16(what: string): number {
    this.need(2, what);
    const v = this.c.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.c.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  utf16(count: number, what: string): string {
    this.need(count * 2, what);
    const s = decodeUtf16(this.c.bytes, this.pos, count);
    this.pos += count * 2;
    return s;
  }
}

function readNameRef(r: Reader, what: string): string {
  const at = r.pos;
  const off = r.u32(what);
  if (off === r.pos) {
    // Inline name: the entry follows right here and must be skipped.
    r.need(8, what);
    const n = r.c.view.getUint16(r.pos + 6, true);
    r.need(10 + 2 * n, what);
    let name = r.c.names.get(off);
    if (name === undefined) {
      name = decodeUtf16(r.c.bytes, r.pos + 8, n);
      r.c.names.set(off, name);
    }
    r.pos += 10 + 2 * n;
    r.relocs?.list.push(RELOC_INLINE, at - r.defStart, 0);
    return name;
  }
  const name = nameAt(r.c, off);
  if (name === null) throw new TruncatedError(r.ctx(`${what} (name at chunk offset 0x${off.toString(16)})`, at), 8, CHUNK_SIZE - off);
  if (r.relocs) {
    r.relocs.list.push(RELOC_NAMED, at - r.defStart, r.relocs.names.length);
    r.relocs.names.push(name);
  }
  return name;
}

function hasDependencyId(r: Reader): boolean {
  const dep = hasDependencyIdAt(r.c.view, r.pos, r.end);
  r.relocs?.list.push(RELOC_DEP, r.pos - r.defStart, dep ? 1 : 0);
  return dep;
}

function readValueParts(r: Reader, inTemplate: boolean): IrValuePart[] {
  const parts: IrValuePart[] = [];
  for (;;) {
    if (r.pos >= r.end) return parts;
    const t = tokenKind(r.c.bytes[r.pos]);
    if (t === TOKEN.VALUE) {
      r.pos++;
      r.u8('value.type');
      const n = r.u16('value.length');
      parts.push({ k: IR_TEXT, text: r.utf16(n, 'value.text') });
    } else if (t === TOKEN.NORMAL_SUBSTITUTION || t === TOKEN.OPTIONAL_SUBSTITUTION) {
      r.pos++;
      const index = r.u16('substitution.index');
      const declared = r.u8('substitution.type');
      parts.push({ k: IR_SUBST, index, optional: t === TOKEN.OPTIONAL_SUBSTITUTION, declared });
    } else if (t === TOKEN.CHAR_REF) {
      r.pos++;
      parts.push({ k: IR_TEXT, text: charRefText(r.u16('charref')) });
    } else if (t === TOKEN.ENTITY_REF) {
      r.pos++;
      parts.push({ k: IR_TEXT, text: entityText(readNameRef(r, 'entityref.name')) });
    } else if (t === TOKEN.CDATA) {
      r.pos++;
      const n = r.u16('cdata.length');
      parts.push({ k: IR_TEXT, text: r.utf16(n, 'cdata.text') });
    } else {
      void inTemplate;
      return parts;
    }
  }
}

function charRefText(code: number): string {
  return String.fromCharCode(code);
}

function entityText(name: string): string {
  return PREDEFINED_ENTITIES[name] ?? `&${name};`;
}

function readElement(r: Reader, token: number, inTemplate: boolean, depth: number): IrElement {
  if (depth > r.c.limits.maxDepth) throw new LimitError(`nesting deeper than ${r.c.limits.maxDepth}`, r.ctx('element'));
  let dep = -1;
  if (inTemplate && hasDependencyId(r)) {
    const d = r.u16('element.dependencyId');
    dep = d === 0xffff ? -1 : d;
  }
  r.u32('element.size');
  const name = readNameRef(r, 'element.name');
  const attrs: IrAttribute[] = [];
  if (token & HAS_MORE) {
    r.u32('element.attributeListSize');
    while (r.pos < r.end && tokenKind(r.c.bytes[r.pos]) === TOKEN.ATTRIBUTE) {
      r.pos++;
      const attrName = readNameRef(r, 'attribute.name');
      attrs.push({ name: attrName, parts: readValueParts(r, inTemplate) });
    }
  }
  // Every field set here, plan included: objects that gain fields later get a second hidden class.
  const el: IrElement = { k: IR_ELEMENT, name, dep, attrs, children: [] };
  const close = r.u8('element.close');
  if (close === TOKEN.CLOSE_EMPTY_ELEMENT) return el;
  if (close !== TOKEN.CLOSE_START_ELEMENT) throw new BadTokenError(close, r.ctx(`element <${name}>`, r.pos - 1), 'expected close-start-element, got');
  readContent(r, el.children, inTemplate, depth);
  return el;
}

/** Content of an element up to and including its end-element token. */
function readContent(r: Reader, out: IrNode[], inTemplate: boolean, depth: number): void {
  for (;;) {
    const at = r.pos;
    const tok = r.u8('content.token');
    switch (tokenKind(tok)) {
      case TOKEN.END_ELEMENT:
        return;
      case TOKEN.OPEN_START_ELEMENT:
        out.push(readElement(r, tok, inTemplate, depth + 1));
        break;
      case TOKEN.VALUE:
      case TOKEN.CDATA:
      case TOKEN.CHAR_REF:
      case TOKEN.ENTITY_REF:
      case TOKEN.NORMAL_SUBSTITUTION:
      case TOKEN.OPTIONAL_SUBSTITUTION:
        r.pos = at;
        for (const p of readValueParts(r, inTemplate)) out.push(p);
        break;
      case TOKEN.PI_TARGET: {
        const target = readNameRef(r, 'pi.target');
        let data = '';
        if (r.pos < r.end && r.c.bytes[r.pos] === TOKEN.PI_DATA) {
          r.pos++;
          const n = r.u16('pi.length');
          data = r.utf16(n, 'pi.data');
        }
        out.push({ k: IR_PI, target, data });
        break;
      }
      default:
        throw new BadTokenError(tok, r.ctx('element content', at));
    }
  }
}

/** The compiled template defined at a chunk offset (compiled once, then from the caches); throws MissingTemplateError. */
export function compileTemplate(c: ChunkContext, defOffset: number, what: string): CompiledTemplate {
  const cached = c.templates.get(defOffset);
  if (cached) return cached;
  const ctx = { chunk: c.index, offset: c.fileOffset + defOffset, recordId: c.recordId, what };
  if (defOffset < CHUNK_HEADER_SIZE || defOffset + 24 > CHUNK_SIZE) throw new MissingTemplateError(`definition offset 0x${defOffset.toString(16)} is outside the chunk's records`, ctx);
  const size = c.view.getUint32(defOffset + 20, true);
  const start = defOffset + 24;
  if (start + size > CHUNK_SIZE || size < 5 || c.bytes[start] !== TOKEN.FRAGMENT_HEADER) {
    throw new MissingTemplateError(`no template definition at chunk offset 0x${defOffset.toString(16)}`, ctx);
  }
  let t = c.cache.find(c, defOffset, size);
  if (!t) {
    const r = new Reader(c, start, start + size);
    r.defStart = start;
    r.relocs = { list: [], names: [] };
    const nodes: IrNode[] = [];
    readDefinitionBody(r, nodes);
    const bytes = c.bytes.slice(start, start + size);
    t = {
      id: c.cache.nextId(),
      guid: formatGuid(c.bytes, c.view, defOffset + 4),
      guidBytes: c.bytes.slice(defOffset + 4, defOffset + 20),
      nodes,
      bytes,
      bytesView: new DataView(bytes.buffer),
      relocs: Int32Array.from(r.relocs.list),
      relocNames: r.relocs.names,
      weight: undefined,
    };
    c.cache.add(c, defOffset, t);
  }
  c.templates.set(defOffset, t);
  return t;
}

function readDefinitionBody(r: Reader, out: IrNode[]): void {
  while (r.pos < r.end) {
    const at = r.pos;
    const tok = r.u8('template.token');
    switch (tokenKind(tok)) {
      case TOKEN.EOF:
        return;
      case TOKEN.FRAGMENT_HEADER:
        r.need(3, 'template.fragmentHeader');
        r.pos += 3;
        break;
      case TOKEN.OPEN_START_ELEMENT:
        out.push(readElement(r, tok, true, 1));
        break;
      default:
        throw new BadTokenError(tok, r.ctx('template definition', at));
    }
  }
}

function readInstance(r: Reader, depth: number): Fragment {
  r.u8('template.unknown');
  r.u32('template.id');
  const defOffset = r.u32('template.definitionOffset');
  let template: CompiledTemplate;
  if (defOffset === r.pos) {
    r.need(24, 'template.definitionHeader');
    const size = r.c.view.getUint32(r.pos + 20, true);
    r.need(24 + size, 'template.definition');
    template = compileTemplate(r.c, defOffset, 'template.definition');
    r.pos += 24 + size;
  } else {
    template = compileTemplate(r.c, defOffset, 'template.reference');
  }
  const count = r.u32('template.valueCount');
  if (count > r.c.limits.maxValues) throw new LimitError(`${count} substitution values (limit ${r.c.limits.maxValues})`, r.ctx('template.valueCount', r.pos - 4));
  r.need(count * 4, 'template.valueDescriptors');
  // Plain arrays: cheaper than three small typed arrays per record.
  const types: number[] = new Array(count);
  const sizes: number[] = new Array(count);
  const offsets: number[] = new Array(count);
  const bytes = r.c.bytes;
  let p = r.pos;
  for (let i = 0; i < count; i++, p += 4) {
    sizes[i] = bytes[p] | (bytes[p + 1] << 8);
    types[i] = bytes[p + 2];
  }
  r.pos = p;
  let nested: Array<Fragment[] | undefined> | null = null;
  for (let i = 0; i < count; i++) {
    offsets[i] = r.pos;
    r.need(sizes[i], `template.value[${i}]`);
    if (types[i] === VT.BinXml && sizes[i] > 0) {
      if (depth >= r.c.limits.maxDepth) throw new LimitError(`BinXml nesting deeper than ${r.c.limits.maxDepth}`, r.ctx('template.value'));
      nested ??= [];
      nested[i] = readFragments(new Reader(r.c, r.pos, r.pos + sizes[i]), depth + 1);
    }
    r.pos += sizes[i];
  }
  const values: InstanceValues = { types, offsets, sizes, nested };
  return { kind: 'instance', template, values };
}

/** Reads the fragments of a record's BinXML (or of a nested BinXml value) up to EOF or the end. */
export function readFragments(r: Reader, depth: number): Fragment[] {
  const out: Fragment[] = [];
  let tree: IrNode[] | null = null;
  while (r.pos < r.end) {
    const at = r.pos;
    const tok = r.c.bytes[r.pos++];
    switch (tokenKind(tok)) {
      case TOKEN.EOF:
        return out;
      case TOKEN.FRAGMENT_HEADER:
        r.need(3, 'fragmentHeader');
        r.pos += 3;
        tree = null;
        break;
      case TOKEN.TEMPLATE_INSTANCE:
        out.push(readInstance(r, depth));
        tree = null;
        break;
      case TOKEN.OPEN_START_ELEMENT:
        if (!tree) {
          tree = [];
          out.push({ kind: 'tree', nodes: tree });
        }
        tree.push(readElement(r, tok, false, depth + 1));
        break;
      default:
        throw new BadTokenError(tok, r.ctx('fragment', at));
    }
  }
  return out;
}

/** Parses the BinXML in [start, end) of the chunk as record data. */
export function readRecordFragments(c: ChunkContext, start: number, end: number): Fragment[] {
  return readFragments(new Reader(c, start, end), 0);
}
