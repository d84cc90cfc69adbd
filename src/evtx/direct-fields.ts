/**
 * System fields + EventData values straight from a record's template instance, without building
 * the record tree (the ingest hot path). Gives exactly what `fields.ts` reads off the tree, or
 * `undefined` when the record's shape is unusual (template-less, several fragments, nested BinXml
 * or arrays where they could add or repeat elements): the caller then builds the tree.
 */
import type { ChunkContext } from './binxml/context.js';
import { arrayItems, arrayOrNestedText, isNull, scalarText } from './binxml/expand.js';
import { IR_ELEMENT, IR_SUBST, IR_TEXT, type CompiledTemplate, type Fragment, type InstanceValues, type IrAttribute, type IrElement } from './binxml/ir.js';
import { VT } from './binxml/value-types.js';
import { parseSystemTime, type SystemFields } from './fields.js';

/** Where each field sits in one template; found once per compiled template. */
interface FieldPlan {
  event: IrElement;
  system: IrElement | null;
  eventId: IrElement | null;
  provider: IrElement | null;
  timeCreated: IrElement | null;
  channel: IrElement | null;
  computer: IrElement | null;
  eventRecordId: IrElement | null;
  eventData: IrElement | null;
}

export interface DirectFields {
  /** null when the record has no System element (the tree path says the same). */
  system: SystemFields | null;
  /** null when the record has no EventData element. */
  data: string[] | null;
}

const plans = new WeakMap<CompiledTemplate, FieldPlan | null>();

/** The only element child named `name`; null when there is none or more than one (not planned). */
function onlyChild(el: IrElement, name: string): IrElement | null | undefined {
  let found: IrElement | null = null;
  for (const ch of el.children) {
    if (ch.k === IR_ELEMENT && ch.name === name) {
      if (found) return undefined;
      found = ch;
    }
  }
  return found;
}

function makePlan(t: CompiledTemplate): FieldPlan | null {
  if (t.nodes.length !== 1 || t.nodes[0].k !== IR_ELEMENT || t.nodes[0].name !== 'Event') return null;
  const event = t.nodes[0];
  const system = onlyChild(event, 'System');
  const eventData = onlyChild(event, 'EventData');
  if (system === undefined || eventData === undefined) return null;
  const plan: FieldPlan = { event, system, eventData, eventId: null, provider: null, timeCreated: null, channel: null, computer: null, eventRecordId: null };
  if (system) {
    for (const [key, name] of [['eventId', 'EventID'], ['provider', 'Provider'], ['timeCreated', 'TimeCreated'], ['channel', 'Channel'], ['computer', 'Computer'], ['eventRecordId', 'EventRecordID']] as const) {
      const el = onlyChild(system, name);
      if (el === undefined) return null;
      plan[key] = el;
    }
  }
  return plan;
}

function planFor(t: CompiledTemplate): FieldPlan | null {
  let p = plans.get(t);
  if (p === undefined) {
    p = makePlan(t);
    plans.set(t, p);
  }
  return p;
}

/** Thrown inside this module only: the record needs the tree path. */
const UNPLANNED = Symbol('unplanned');

/**
 * How many copies of `el` the tree holds (0 or 1; arrays and content that could hold elements
 * or text from nested BinXml throw UNPLANNED). Mirrors Expander.element/build.
 */
function present(c: ChunkContext, el: IrElement, v: InstanceValues): boolean {
  if (el.dep >= 0 && isNull(v, el.dep)) return false;
  let droppedOptional = false;
  for (const ch of el.children) {
    if (ch.k !== IR_SUBST) continue;
    if (isNull(v, ch.index)) {
      if (ch.optional) droppedOptional = true;
    } else if (v.types[ch.index] === VT.BinXml || v.types[ch.index] & VT.Array) {
      throw UNPLANNED;
    }
  }
  if (!droppedOptional) return true;
  // A NULL optional value drops the element only when nothing else is left in it.
  for (const ch of el.children) {
    if (ch.k === IR_SUBST) {
      if (!isNull(v, ch.index) && scalarText(c, v, ch.index) !== '') return true;
    } else if (ch.k === IR_ELEMENT) {
      if (present(c, ch, v)) return true;
    } else {
      return true;
    }
  }
  return false;
}

/** textOf() of the element as the tree would hold it (caller has checked it is present). */
function textOf(c: ChunkContext, el: IrElement, v: InstanceValues): string {
  let s = '';
  for (const ch of el.children) {
    if (ch.k === IR_TEXT) s += ch.text;
    else if (ch.k === IR_SUBST && !isNull(v, ch.index)) s += scalarText(c, v, ch.index);
  }
  return s;
}

/** attributeOf(): the first attribute named `name` whose value is not empty. */
function attribute(c: ChunkContext, attrs: IrAttribute[], name: string, v: InstanceValues): string | undefined {
  for (const a of attrs) {
    if (a.name !== name) continue;
    let value = '';
    for (const p of a.parts) {
      if (p.k === IR_TEXT) value += p.text;
      else if (!isNull(v, p.index)) {
        const t = v.types[p.index];
        value += t & VT.Array || t === VT.BinXml ? arrayOrNestedText(c, v, p.index) : scalarText(c, v, p.index);
      }
    }
    if (value !== '') return value;
  }
  return undefined;
}

function toInt(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

function child(c: ChunkContext, el: IrElement | null, v: InstanceValues): IrElement | null {
  return el && present(c, el, v) ? el : null;
}

function systemOf(c: ChunkContext, p: FieldPlan, v: InstanceValues): SystemFields | null {
  const system = child(c, p.system, v);
  if (!system) return null;
  const eventIdEl = child(c, p.eventId, v);
  const provider = child(c, p.provider, v);
  const timeEl = child(c, p.timeCreated, v);
  const channel = child(c, p.channel, v);
  const computer = child(c, p.computer, v);
  const ridEl = child(c, p.eventRecordId, v);
  const fields: SystemFields = {
    eventId: (eventIdEl && toInt(textOf(c, eventIdEl, v))) ?? null,
    channel: channel ? textOf(c, channel, v) : '',
    computer: computer ? textOf(c, computer, v) : '',
  };
  if (eventIdEl) {
    const q = toInt(attribute(c, eventIdEl.attrs, 'Qualifiers', v));
    if (q !== undefined) fields.qualifiers = q;
  }
  if (provider) {
    const name = attribute(c, provider.attrs, 'Name', v);
    if (name !== undefined) fields.provider = name;
    const source = attribute(c, provider.attrs, 'EventSourceName', v);
    if (source !== undefined) fields.eventSourceName = source;
  }
  const rid = ridEl ? toInt(textOf(c, ridEl, v)) : undefined;
  if (rid !== undefined) fields.recordId = rid;
  const time = timeEl ? attribute(c, timeEl.attrs, 'SystemTime', v) : undefined;
  if (time !== undefined) {
    fields.systemTime = time;
    const ms = parseSystemTime(time);
    if (ms !== undefined) fields.timeMs = ms;
  }
  return fields;
}

function dataOf(c: ChunkContext, p: FieldPlan, v: InstanceValues): string[] | null {
  const ed = child(c, p.eventData, v);
  if (!ed) return null;
  const out: string[] = [];
  for (const ch of ed.children) {
    if (ch.k !== IR_ELEMENT || ch.name !== 'Data') continue;
    if (ch.dep >= 0 && isNull(v, ch.dep)) continue;
    // `<Data>%n</Data>` with an array value: one Data per item (Expander.element).
    let arrayAt = -1;
    for (const d of ch.children) {
      if (d.k === IR_SUBST && !isNull(v, d.index) && v.types[d.index] & VT.Array) {
        arrayAt = d.index;
        break;
      }
    }
    if (arrayAt < 0) {
      if (present(c, ch, v)) out.push(textOf(c, ch, v));
      continue;
    }
    if (ch.children.length !== 1) throw UNPLANNED;
    for (const item of arrayItems(c, v, arrayAt)) out.push(item);
  }
  return out;
}

/**
 * The fields of one record from its parsed fragments, or undefined when only the tree path can
 * say (see the module comment).
 */
export function directFields(c: ChunkContext, frags: Fragment[]): DirectFields | undefined {
  if (frags.length !== 1 || frags[0].kind !== 'instance') return undefined;
  const { template, values } = frags[0];
  const plan = planFor(template);
  if (!plan) return undefined;
  try {
    // Content substitutions of Event, System and EventData could be nested BinXml adding elements.
    for (const el of [plan.event, plan.system, plan.eventData]) {
      if (!el) continue;
      for (const ch of el.children) {
        if (ch.k === IR_SUBST && !isNull(values, ch.index) && (values.types[ch.index] === VT.BinXml || values.types[ch.index] & VT.Array)) return undefined;
      }
    }
    if (!present(c, plan.event, values)) return undefined;
    return { system: systemOf(c, plan, values), data: dataOf(c, plan, values) };
  } catch (e) {
    if (e === UNPLANNED) return undefined;
    throw e;
  }
}
