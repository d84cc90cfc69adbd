/**
 * Fast XML path: renders a record straight from its template IR and substitution values, with
 * no intermediate tree. Tag and attribute pieces come precomputed from the element plans
 * (plan.ts) and value-free elements are rendered once per template. Produces exactly what
 * `renderNodesXml(expand(...))` produces (test/evtx/compiled.test.ts checks every corpus record).
 */
import type { ChunkContext } from '../binxml/context.js';
import { arrayItems, arrayOrNestedText, isNull, scalarText } from '../binxml/expand.js';
import { IR_ELEMENT, IR_PI, IR_SUBST, IR_TEXT, type Fragment, type InstanceValues, type IrAttribute, type IrElement, type IrNode, type IrSubst } from '../binxml/ir.js';
import { VT } from '../binxml/value-types.js';
import { planOf } from './plan.js';
import { escapeAttribute, escapeText, piXml } from './xml.js';

/** Only string values can hold characters XML must escape (numbers, GUIDs, hex, times never do). */
function valueXml(text: string, type: number): string {
  return type === VT.String || type === VT.AnsiString ? escapeText(text) : text;
}

/** Attribute value text (empty = the attribute is left out). */
export function attributeText(c: ChunkContext, v: InstanceValues | null, a: IrAttribute): string {
  const parts = a.parts;
  if (parts.length === 1) {
    const p = parts[0];
    if (p.k === IR_TEXT) return p.text;
    if (isNull(v, p.index)) return '';
    const t = (v as InstanceValues).types[p.index];
    return t & VT.Array || t === VT.BinXml ? arrayOrNestedText(c, v as InstanceValues, p.index) : scalarText(c, v as InstanceValues, p.index);
  }
  let value = '';
  for (const p of parts) {
    if (p.k === IR_TEXT) value += p.text;
    else if (!isNull(v, p.index)) {
      const t = (v as InstanceValues).types[p.index];
      value += t & VT.Array || t === VT.BinXml ? arrayOrNestedText(c, v as InstanceValues, p.index) : scalarText(c, v as InstanceValues, p.index);
    }
  }
  return value;
}

export class CompiledXml {
  private s = '';
  private rootElements = 0;

  constructor(private readonly c: ChunkContext) {}

  /** XML of one record, or null when it holds no element (the caller reports that). */
  record(frags: Fragment[]): string | null {
    this.s = '';
    this.rootElements = 0;
    this.fragments(frags, true);
    const out = this.s;
    this.s = '';
    return this.rootElements > 0 ? out : null;
  }

  private fragments(frags: Fragment[], top: boolean): number {
    let n = 0;
    for (const f of frags) n += f.kind === 'instance' ? this.nodes(f.template.nodes, f.values, top) : this.nodes(f.nodes, null, top);
    return n;
  }

  private nodes(nodes: IrNode[], v: InstanceValues | null, top: boolean): number {
    let n = 0;
    for (const node of nodes) {
      switch (node.k) {
        case IR_ELEMENT:
          n += this.element(node, v, top);
          break;
        case IR_TEXT:
          this.s += escapeText(node.text);
          n++;
          break;
        case IR_SUBST: {
          const r = this.substitution(node, v, top);
          if (r > 0) n += r;
          break;
        }
        case IR_PI:
          this.s += piXml(node.target, node.data);
          n++;
          break;
      }
    }
    return n;
  }

  /** Appends a content substitution; returns the nodes it made, or -1 when the value is NULL. */
  private substitution(n: IrSubst, v: InstanceValues | null, top: boolean): number {
    if (isNull(v, n.index)) return -1;
    const vals = v as InstanceValues;
    const type = vals.types[n.index];
    if (type === VT.BinXml) {
      const nested = vals.nested?.[n.index];
      return nested ? this.fragments(nested, top) : 0;
    }
    if (type & VT.Array) {
      const items = arrayItems(this.c, vals, n.index);
      const t = type & 0x7f;
      for (const item of items) this.s += valueXml(item, t);
      return items.length;
    }
    const text = scalarText(this.c, vals, n.index);
    if (text === '') return 0;
    this.s += valueXml(text, type);
    return 1;
  }

  private element(el: IrElement, v: InstanceValues | null, top: boolean): number {
    if (v !== null) {
      if (el.dep >= 0 && isNull(v, el.dep)) return 0;
      for (const ch of el.children) {
        if (ch.k === IR_SUBST && !isNull(v, ch.index) && v.types[ch.index] & VT.Array) {
          const items = arrayItems(this.c, v, ch.index);
          const itemType = v.types[ch.index] & 0x7f;
          let n = 0;
          for (const item of items) n += this.build(el, v, top, ch.index, item, itemType);
          return n;
        }
      }
    }
    const plan = planOf(el);
    if (plan.fixed) {
      if (plan.fixedXml === undefined) {
        const saved = this.s;
        this.s = '';
        this.build(el, v, false, -1, '', 0);
        plan.fixedXml = this.s;
        this.s = saved;
      }
      this.s += plan.fixedXml;
      if (top) this.rootElements++;
      return 1;
    }
    const single = plan.single;
    if (single !== undefined) {
      const sub = single.subst;
      let text = '';
      let type = 0;
      if (isNull(v, sub.index)) {
        if (sub.optional) return 0;
      } else {
        type = (v as InstanceValues).types[sub.index];
        if (type === VT.BinXml) return this.build(el, v, top, -1, '', 0);
        text = scalarText(this.c, v as InstanceValues, sub.index);
      }
      this.s += text === '' ? single.xmlStart + '/>' : single.xmlStart + '>' + valueXml(text, type) + plan.xmlClose;
      if (top) this.rootElements++;
      return 1;
    }
    return this.build(el, v, top, -1, '', 0);
  }

  private build(el: IrElement, v: InstanceValues | null, top: boolean, arrayIndex: number, item: string, itemType: number): number {
    const plan = planOf(el);
    let open = plan.xmlOpen;
    const attrs = el.attrs;
    for (let i = 0; i < attrs.length; i++) {
      const value = attributeText(this.c, v, attrs[i]);
      if (value !== '') open += plan.xmlAttrOpen[i] + escapeAttribute(value) + '"';
    }
    const saved = this.s;
    this.s = '';
    let count = 0;
    let droppedOptional = false;
    for (const ch of el.children) {
      if (ch.k === IR_SUBST) {
        if (ch.index === arrayIndex) {
          if (item !== '') {
            this.s += valueXml(item, itemType);
            count++;
          }
        } else {
          const r = this.substitution(ch, v, false);
          if (r < 0) {
            if (ch.optional) droppedOptional = true;
          } else count += r;
        }
      } else if (ch.k === IR_ELEMENT) {
        count += this.element(ch, v, false);
      } else if (ch.k === IR_TEXT) {
        this.s += escapeText(ch.text);
        count++;
      } else {
        this.s += piXml(ch.target, ch.data);
        count++;
      }
    }
    const inner = this.s;
    this.s = saved;
    if (droppedOptional && count === 0) return 0;
    this.s += count === 0 ? open + '/>' : open + '>' + inner + plan.xmlClose;
    if (top) this.rootElements++;
    return 1;
  }
}
