/**
 * System fields + EventData values straight from a record's template instance, without building
 * the record tree (the ingest hot path). Gives exactly what `fields.ts` reads off the tree, or
 * `undefined` when the record's shape is unusual (template-less, several fragments, nested BinXml
 * or arrays where they could add or repeat elements): the caller then builds the tree.
 */
import type { ChunkContext } from './binxml/context.js';
import { arrayItems, arrayOrNestedText, isNull, scalarText } from './binxml/expand.js';
import { IR_ELEMENT, IR_SUBST, IR_TEXT, type Fragment, type InstanceValues, type IrElement, type IrNode } from './binxml/ir.js';
import { VT } from './binxml/value-types.js';
import { parseSystemTime, type SystemFields } from './fields.js';

export interface DirectFields {
  /**
   * null when the record has no System element (the tree path says the same). `systemTime` (the
   * text) is left out when TimeCreated is a plain FILETIME: `timeMs` is read from it directly.
   */
  system: SystemFields | null;
  /** null when the record has no EventData element. */
  data: string[] | null;
}

/** An element of the IR with the values it is filled from (null inside template-less BinXml). */
interface Ref {
  el: IrElement;
  v: InstanceValues | null;
  /** Set for one copy of `<X>%n</X>` repeated per item of an array value: its text. */
  item?: string;
}

/** Thrown inside this module only: the record needs the tree path. */
const UNPLANNED = Symbol('unplanned');

/**
 * Whether Expander.element keeps `el` (one copy; an element repeated by an array value throws
 * UNPLANNED, except `<X>%n</X>` which `each` handles).
 */
function present(c: ChunkContext, el: IrElement, v: InstanceValues | null): boolean {
  if (v === null) return keptWithoutValues(el);
  if (el.dep >= 0 && isNull(v, el.dep)) return false;
  let droppedOptional = false;
  for (const ch of el.children) {
    if (ch.k !== IR_SUBST) continue;
    if (isNull(v, ch.index)) {
      if (ch.optional) droppedOptional = true;
    } else if (v.types[ch.index] & VT.Array) {
      throw UNPLANNED;
    }
  }
  if (!droppedOptional) return true;
  // A NULL optional value drops the element only when nothing else is left in it.
  for (const ch of el.children) {
    if (ch.k === IR_SUBST) {
      if (isNull(v, ch.index)) continue;
      if (v.types[ch.index] === VT.BinXml) throw UNPLANNED;
      if (scalarText(c, v, ch.index) !== '') return true;
    } else if (ch.k === IR_ELEMENT) {
      if (present(c, ch, v)) return true;
    } else {
      return true;
    }
  }
  return false;
}

/** Template-less BinXml: substitutions there have no values (NULL). */
function keptWithoutValues(el: IrElement): boolean {
  let droppedOptional = false;
  for (const ch of el.children) if (ch.k === IR_SUBST && ch.optional) droppedOptional = true;
  if (!droppedOptional) return true;
  for (const ch of el.children) {
    if (ch.k === IR_ELEMENT ? keptWithoutValues(ch) : ch.k !== IR_SUBST) return true;
  }
  return false;
}

/** textOf() of a kept element: its direct text. */
function textOf(c: ChunkContext, r: Ref): string {
  if (r.item !== undefined) return r.item;
  const v = r.v;
  let s = '';
  for (const ch of r.el.children) {
    if (ch.k === IR_TEXT) s += ch.text;
    else if (ch.k === IR_SUBST && v !== null && !isNull(v, ch.index)) {
      // Nested BinXml may put text at its top level.
      if (v.types[ch.index] === VT.BinXml) throw UNPLANNED;
      s += scalarText(c, v, ch.index);
    }
  }
  return s;
}

/** attributeOf(): the first attribute named `name` whose value is not empty. */
function attribute(c: ChunkContext, r: Ref, name: string): string | undefined {
  const v = r.v;
  for (const a of r.el.attrs) {
    if (a.name !== name) continue;
    let value = '';
    for (const p of a.parts) {
      if (p.k === IR_TEXT) value += p.text;
      else if (v !== null && !isNull(v, p.index)) {
        const t = v.types[p.index];
        value += t & VT.Array || t === VT.BinXml ? arrayOrNestedText(c, v, p.index) : scalarText(c, v, p.index);
      }
    }
    if (value !== '') return value;
  }
  return undefined;
}

/** 9999-12-31T23:59:59.999Z + 1 ms: within [0, this) Date.UTC and the ISO text agree exactly. */
const MAX_ISO_MS = 253402300800000;

/**
 * parseSystemTime(text) for `SystemTime="%n"` filled by an 8-byte FILETIME, without the text:
 * floor(ticks / 10^4) - 1601→1970 ms, exact (2^32 = 429496 * 10^4 + 7296 keeps every product
 * below 2^53). undefined when the attribute has another shape or the date is outside 1970–9999.
 */
function fileTimeAttributeMs(c: ChunkContext, r: Ref): number | undefined {
  const v = r.v;
  if (v === null) return undefined;
  for (const a of r.el.attrs) {
    if (a.name !== 'SystemTime') continue;
    const p = a.parts.length === 1 ? a.parts[0] : null;
    if (p === null || p.k !== IR_SUBST || isNull(v, p.index) || v.types[p.index] !== VT.FileTime || v.sizes[p.index] < 8) return undefined;
    const lo = c.view.getUint32(v.offsets[p.index], true);
    const hi = c.view.getUint32(v.offsets[p.index] + 4, true);
    const ms = hi * 429496 + Math.floor((hi * 7296 + lo) / 1e4) - 11644473600000;
    return ms >= 0 && ms < MAX_ISO_MS ? ms : undefined;
  }
  return undefined;
}

function toInt(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Present element children named `name` in `nodes`, nested BinXml values included, in tree order. */
function each(c: ChunkContext, nodes: IrNode[], v: InstanceValues | null, name: string, visit: (r: Ref) => boolean): boolean {
  for (const n of nodes) {
    if (n.k === IR_ELEMENT) {
      if (n.name !== name) continue;
      const only = n.children.length === 1 ? n.children[0] : null;
      if (v !== null && only !== null && only.k === IR_SUBST && !isNull(v, only.index) && v.types[only.index] & VT.Array) {
        if (n.dep >= 0 && isNull(v, n.dep)) continue;
        for (const item of arrayItems(c, v, only.index)) if (!visit({ el: n, v, item })) return false;
      } else if (present(c, n, v) && !visit({ el: n, v })) return false;
    } else if (n.k === IR_SUBST && v !== null && !isNull(v, n.index) && v.types[n.index] === VT.BinXml) {
      const nested = v.nested?.[n.index];
      if (nested && !eachIn(c, nested, name, visit)) return false;
    }
  }
  return true;
}

function eachIn(c: ChunkContext, frags: Fragment[], name: string, visit: (r: Ref) => boolean): boolean {
  for (const f of frags) {
    if (!(f.kind === 'instance' ? each(c, f.template.nodes, f.values, name, visit) : each(c, f.nodes, null, name, visit))) return false;
  }
  return true;
}

/** childElement(): the first present child named `name`. */
function first(c: ChunkContext, parent: Ref, name: string): Ref | null {
  let found: Ref | null = null;
  each(c, parent.el.children, parent.v, name, (r) => {
    found = r;
    return false;
  });
  return found;
}

function systemOf(c: ChunkContext, event: Ref): SystemFields | null {
  const system = first(c, event, 'System');
  if (!system) return null;
  const eventIdEl = first(c, system, 'EventID');
  const provider = first(c, system, 'Provider');
  const timeEl = first(c, system, 'TimeCreated');
  const channel = first(c, system, 'Channel');
  const computer = first(c, system, 'Computer');
  const ridEl = first(c, system, 'EventRecordID');
  const fields: SystemFields = {
    eventId: (eventIdEl && toInt(textOf(c, eventIdEl))) ?? null,
    channel: channel ? textOf(c, channel) : '',
    computer: computer ? textOf(c, computer) : '',
  };
  if (eventIdEl) {
    const q = toInt(attribute(c, eventIdEl, 'Qualifiers'));
    if (q !== undefined) fields.qualifiers = q;
  }
  if (provider) {
    const name = attribute(c, provider, 'Name');
    if (name !== undefined) fields.provider = name;
    const source = attribute(c, provider, 'EventSourceName');
    if (source !== undefined) fields.eventSourceName = source;
  }
  const rid = ridEl ? toInt(textOf(c, ridEl)) : undefined;
  if (rid !== undefined) fields.recordId = rid;
  const ms = timeEl ? fileTimeAttributeMs(c, timeEl) : undefined;
  if (ms !== undefined) {
    // The text is not needed by ingest: the FILETIME goes straight to epoch ms.
    fields.timeMs = ms;
    return fields;
  }
  const time = timeEl ? attribute(c, timeEl, 'SystemTime') : undefined;
  if (time !== undefined) {
    fields.systemTime = time;
    const ms = parseSystemTime(time);
    if (ms !== undefined) fields.timeMs = ms;
  }
  return fields;
}

function dataOf(c: ChunkContext, event: Ref): string[] | null {
  const ed = first(c, event, 'EventData');
  if (!ed) return null;
  const out: string[] = [];
  each(c, ed.el.children, ed.v, 'Data', (r) => {
    out.push(textOf(c, r));
    return true;
  });
  return out;
}

/**
 * The fields of one record from its parsed fragments, or undefined when only the tree path can
 * say (see the module comment).
 */
export function directFields(c: ChunkContext, frags: Fragment[]): DirectFields | undefined {
  try {
    let event: Ref | null = null;
    eachIn(c, frags, 'Event', (r) => {
      event = r;
      return false;
    });
    if (!event) return undefined;
    return { system: systemOf(c, event), data: dataOf(c, event) };
  } catch (e) {
    if (e === UNPLANNED) return undefined;
    throw e;
  }
}
