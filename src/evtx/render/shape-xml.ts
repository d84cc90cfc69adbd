/**
 * Instance shape → XML pieces: compiled-xml.ts run once per shape with the values left open. It
 * takes every decision compiled-xml.ts takes, in the same order, from the shape alone (NULL,
 * empty text, arrays and their items) and from what nested instances report (whether they hold
 * any node), so filling the pieces with a record's values gives exactly what compiled-xml.ts
 * prints for that record.
 */
import { IR_ELEMENT, IR_PI, IR_SUBST, IR_TEXT, type IrAttribute, type IrElement, type IrNode, type IrSubst } from '../binxml/ir.js';
import { VT } from '../binxml/value-types.js';
import { planOf } from './plan.js';
import { CTX_XML_ATTR, CTX_XML_TEXT, Unsupported, type Piece, type ShapeView } from './shape.js';
import { escapeAttribute, escapeText, piXml } from './xml.js';

export class XmlShape {
  private s: Piece[] = [];
  private rootElements = 0;

  constructor(private readonly f: ShapeView) {}

  /** The record's pieces (the view is its root instance), or null when it holds no element. */
  record(): Piece[] | null {
    this.nodes(this.f.template.nodes, true);
    return this.rootElements > 0 ? this.s : null;
  }

  /** A nested instance's pieces and how many nodes they make. */
  content(): { pieces: Piece[]; nodes: number } {
    const nodes = this.nodes(this.f.template.nodes, false);
    return { pieces: this.s, nodes };
  }

  private nodes(nodes: IrNode[], top: boolean): number {
    let n = 0;
    for (const node of nodes) {
      switch (node.k) {
        case IR_ELEMENT:
          n += this.element(node, top);
          break;
        case IR_TEXT:
          this.s.push(escapeText(node.text));
          n++;
          break;
        case IR_SUBST: {
          const r = this.substitution(node, top);
          if (r > 0) n += r;
          break;
        }
        case IR_PI:
          this.s.push(piXml(node.target, node.data));
          n++;
          break;
      }
    }
    return n;
  }

  private substitution(n: IrSubst, top: boolean): number {
    const f = this.f;
    if (f.isNull(n.index)) return -1;
    const slot = f.slot(n.index);
    const type = f.type(slot);
    if (type === VT.BinXml) {
      if (f.empty(slot)) return 0;
      // Its elements would be root elements: left to compiled-xml.ts.
      if (top) throw new Unsupported('nested BinXml at the top level');
      this.s.push(f.call(slot, 0));
      return f.nested(slot).nodes;
    }
    if (type & VT.Array) {
      const items = f.items(slot);
      for (const item of items) if (!f.empty(item)) this.s.push(f.value(item, CTX_XML_TEXT));
      return items.length;
    }
    if (f.empty(slot)) return 0;
    this.s.push(f.value(slot, CTX_XML_TEXT));
    return 1;
  }

  private element(el: IrElement, top: boolean): number {
    const f = this.f;
    if (el.dep >= 0 && f.isNull(el.dep)) return 0;
    for (const ch of el.children) {
      if (ch.k === IR_SUBST && !f.isNull(ch.index) && f.type(f.slot(ch.index)) & VT.Array) {
        let n = 0;
        for (const item of f.items(f.slot(ch.index))) n += this.build(el, top, ch.index, item);
        return n;
      }
    }
    const plan = planOf(el);
    if (plan.fixed) {
      this.build(el, false, -1, -1);
      if (top) this.rootElements++;
      return 1;
    }
    const single = plan.single;
    if (single !== undefined) {
      const sub = single.subst;
      let slot = -1;
      if (f.isNull(sub.index)) {
        if (sub.optional) return 0;
      } else {
        if (f.type(f.slot(sub.index)) === VT.BinXml) return this.build(el, top, -1, -1);
        if (!f.empty(f.slot(sub.index))) slot = f.slot(sub.index);
      }
      if (slot < 0) this.s.push(single.xmlStart + '/>');
      else this.s.push(single.xmlStart + '>', f.value(slot, CTX_XML_TEXT), plan.xmlClose);
      if (top) this.rootElements++;
      return 1;
    }
    return this.build(el, top, -1, -1);
  }

  /** compiled-xml.ts `attributeText` + `escapeAttribute`; null when the value is empty. */
  private attribute(a: IrAttribute): Piece[] | null {
    const f = this.f;
    const out: Piece[] = [];
    for (const p of a.parts) {
      if (p.k === IR_TEXT) {
        if (p.text !== '') out.push(escapeAttribute(p.text));
      } else if (!f.isNull(p.index)) {
        const slot = f.slot(p.index);
        const t = f.type(slot);
        if (t & VT.Array) throw new Unsupported('array value in an attribute');
        if (t !== VT.BinXml && !f.empty(slot)) out.push(f.value(slot, CTX_XML_ATTR));
      }
    }
    return out.length ? out : null;
  }

  private build(el: IrElement, top: boolean, arrayIndex: number, item: number): number {
    const f = this.f;
    const plan = planOf(el);
    const open: Piece[] = [plan.xmlOpen];
    const attrs = el.attrs;
    for (let i = 0; i < attrs.length; i++) {
      const value = this.attribute(attrs[i]);
      if (value !== null) open.push(plan.xmlAttrOpen[i], ...value, '"');
    }
    const saved = this.s;
    this.s = [];
    let count = 0;
    let droppedOptional = false;
    for (const ch of el.children) {
      if (ch.k === IR_SUBST) {
        if (ch.index === arrayIndex) {
          if (!f.empty(item)) {
            this.s.push(f.value(item, CTX_XML_TEXT));
            count++;
          }
        } else {
          const r = this.substitution(ch, false);
          if (r < 0) {
            if (ch.optional) droppedOptional = true;
          } else count += r;
        }
      } else if (ch.k === IR_ELEMENT) {
        count += this.element(ch, false);
      } else if (ch.k === IR_TEXT) {
        this.s.push(escapeText(ch.text));
        count++;
      } else {
        this.s.push(piXml(ch.target, ch.data));
        count++;
      }
    }
    const inner = this.s;
    this.s = saved;
    if (droppedOptional && count === 0) return 0;
    if (count === 0) this.s.push(...open, '/>');
    else this.s.push(...open, '>', ...inner, plan.xmlClose);
    if (top) this.rootElements++;
    return 1;
  }
}
