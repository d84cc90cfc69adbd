/**
 * The expansion rules (evtx-format.md §1.6) on an instance *shape*: the fast path's twin of
 * binxml/expand.ts, which applies them to a record's values. A shape says, per value, whether it is
 * NULL, empty text, an array (and its items) or nested BinXml (and what that holds), so every
 * decision below is taken once per shape and holds for every record of it:
 *  - an element whose dependency value is NULL is left out;
 *  - an element holding an array value repeats once per item (the item is its value there);
 *  - a NULL optional substitution removes its element when nothing else is left in it;
 *  - an attribute whose value comes out empty is left out; empty values add no text.
 * shape-xml.ts and shape-json.ts say only how the kept parts are written.
 */
import { IR_ELEMENT, IR_SUBST, IR_TEXT, type IrAttribute, type IrElement, type IrNode, type IrPi, type IrSubst } from '../binxml/ir.js';
import { VT } from '../binxml/value-types.js';
import { Unsupported, type ShapeView } from './shape.js';

/** What an element's or instance's content has gathered; `nodes` counts its nodes (nested ones included). */
export interface Gathered {
  nodes: number;
}

/** An attribute's kept value: static text and value slots, in order (never empty). */
export type AttributeParts = Array<string | number>;

const NO_ATTRIBUTES: Array<AttributeParts | null> = [];

export abstract class ShapeWalk<C extends Gathered> {
  constructor(protected readonly f: ShapeView) {}

  protected abstract newContent(): C;
  /** Literal text of the template. */
  protected abstract text(c: C, text: string): void;
  /** A value (or array item) whose text is not empty. */
  protected abstract value(c: C, slot: number): void;
  /** An item of an array value in content (outside an element it repeats), empty or not. */
  protected abstract item(c: C, slot: number): void;
  /** A BinXml value holding an instance: what that instance's content adds. */
  protected abstract nested(c: C, slot: number): void;
  protected abstract pi(c: C, node: IrPi): void;
  /** A kept element: its attributes (null: left out) and its gathered content. */
  protected abstract element(out: C, el: IrElement, attrs: Array<AttributeParts | null>, content: C): void;

  /** The instance's template nodes gathered into `c`. */
  protected gather(c: C): C {
    this.nodes(this.f.template.nodes, c);
    return c;
  }

  private nodes(nodes: IrNode[], c: C): void {
    for (const node of nodes) {
      if (node.k === IR_ELEMENT) this.elementOf(node, c);
      else if (node.k === IR_TEXT) this.addText(c, node.text);
      else if (node.k === IR_SUBST) this.substitution(node, c);
      else {
        this.pi(c, node);
        c.nodes++;
      }
    }
  }

  private addText(c: C, text: string): void {
    this.text(c, text);
    c.nodes++;
  }

  /** A substitution in content; false when its value is NULL. */
  private substitution(n: IrSubst, c: C): boolean {
    const f = this.f;
    if (f.isNull(n.index)) return false;
    const slot = f.slot(n.index);
    const type = f.type(slot);
    if (type === VT.BinXml) {
      if (!f.empty(slot)) {
        this.nested(c, slot);
        c.nodes += f.nested(slot).nodes;
      }
    } else if (type & VT.Array) {
      for (const item of f.items(slot)) {
        this.item(c, item);
        c.nodes++;
      }
    } else if (!f.empty(slot)) {
      this.value(c, slot);
      c.nodes++;
    }
    return true;
  }

  private elementOf(el: IrElement, out: C): void {
    const f = this.f;
    if (el.dep >= 0 && f.isNull(el.dep)) return;
    for (const ch of el.children) {
      if (ch.k === IR_SUBST && !f.isNull(ch.index) && f.type(f.slot(ch.index)) & VT.Array) {
        for (const item of f.items(f.slot(ch.index))) this.build(el, out, ch.index, item);
        return;
      }
    }
    this.build(el, out, -1, -1);
  }

  private attribute(a: IrAttribute): AttributeParts | null {
    const f = this.f;
    const out: AttributeParts = [];
    for (const p of a.parts) {
      if (p.k === IR_TEXT) {
        if (p.text !== '') out.push(p.text);
      } else if (!f.isNull(p.index)) {
        const slot = f.slot(p.index);
        const t = f.type(slot);
        if (t & VT.Array) throw new Unsupported('array value in an attribute');
        if (t !== VT.BinXml && !f.empty(slot)) out.push(slot);
      }
    }
    return out.length ? out : null;
  }

  /** One copy of `el`; `item` is the slot of the array item standing for substitution `arrayIndex`. */
  private build(el: IrElement, out: C, arrayIndex: number, item: number): void {
    const f = this.f;
    const attrs = el.attrs.length === 0 ? NO_ATTRIBUTES : el.attrs.map((a) => this.attribute(a));
    const content = this.newContent();
    let droppedOptional = false;
    for (const ch of el.children) {
      if (ch.k === IR_SUBST) {
        if (ch.index === arrayIndex) {
          if (!f.empty(item)) {
            this.value(content, item);
            content.nodes++;
          }
        } else if (!this.substitution(ch, content) && ch.optional) {
          droppedOptional = true;
        }
      } else if (ch.k === IR_ELEMENT) {
        this.elementOf(ch, content);
      } else if (ch.k === IR_TEXT) {
        this.addText(content, ch.text);
      } else {
        this.pi(content, ch);
        content.nodes++;
      }
    }
    if (droppedOptional && content.nodes === 0) return;
    this.element(out, el, attrs, content);
    out.nodes++;
  }
}
