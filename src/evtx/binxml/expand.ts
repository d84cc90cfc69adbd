/**
 * IR + substitution values → record tree (evtx-format.md §1.6 semantics):
 * an array value repeats its element once per item; an optional substitution with a NULL value
 * removes its element when nothing else is left in it; an element whose dependency value is NULL
 * is left out; an attribute whose value comes out empty is left out.
 */
import { hexUpper } from '../bytes.js';
import type { XmlAttribute, XmlElement, XmlNode } from '../tree.js';
import type { ChunkContext } from './context.js';
import { IR_ELEMENT, IR_PI, IR_SUBST, IR_TEXT, type Fragment, type InstanceValues, type IrElement, type IrNode, type IrSubst } from './ir.js';
import { VT } from './value-types.js';
import { formatArray, formatScalar } from './values.js';

const STRING = VT.String;

export function isNull(v: InstanceValues | null, i: number): boolean {
  return v === null || i >= v.types.length || v.types[i] === VT.Null;
}

export function scalarText(c: ChunkContext, v: InstanceValues, i: number): string {
  const type = v.types[i];
  const text = formatScalar(c.bytes, c.view, type, v.offsets[i], v.sizes[i]);
  // Bytes that cannot hold the declared type (e.g. a cut SID) are kept as hex rather than lost.
  return text ?? hexUpper(c.bytes, v.offsets[i], v.sizes[i]);
}

export function arrayItems(c: ChunkContext, v: InstanceValues, i: number): string[] {
  return formatArray(c.bytes, c.view, v.types[i], v.offsets[i], v.sizes[i]) ?? [hexUpper(c.bytes, v.offsets[i], v.sizes[i])];
}

export class Expander {
  constructor(private readonly c: ChunkContext) {}

  fragments(frags: Fragment[], out: XmlNode[], depth: number): void {
    for (const f of frags) {
      if (f.kind === 'instance') this.nodes(f.template.nodes, f.values, out, depth);
      else this.nodes(f.nodes, null, out, depth);
    }
  }

  private nodes(nodes: IrNode[], v: InstanceValues | null, out: XmlNode[], depth: number): void {
    for (const n of nodes) {
      switch (n.k) {
        case IR_ELEMENT:
          this.element(n, v, out, depth);
          break;
        case IR_TEXT:
          out.push({ type: 'text', text: n.text, valueType: STRING });
          break;
        case IR_SUBST:
          this.substitution(n, v, out, depth);
          break;
        case IR_PI:
          out.push({ type: 'pi', target: n.target, data: n.data });
          break;
      }
    }
  }

  /** Pushes the value of a substitution in content position; returns false when it is NULL. */
  private substitution(n: IrSubst, v: InstanceValues | null, out: XmlNode[], depth: number): boolean {
    if (isNull(v, n.index)) return false;
    const vals = v as InstanceValues;
    const type = vals.types[n.index];
    if (type === VT.BinXml) {
      const nested = vals.nested?.[n.index];
      if (nested) this.fragments(nested, out, depth + 1);
      return true;
    }
    if (type & VT.Array) {
      for (const item of arrayItems(this.c, vals, n.index)) out.push({ type: 'text', text: item, valueType: type & 0x7f });
      return true;
    }
    const text = scalarText(this.c, vals, n.index);
    if (text !== '') out.push({ type: 'text', text, valueType: type });
    return true;
  }

  private element(el: IrElement, v: InstanceValues | null, out: XmlNode[], depth: number): void {
    if (el.dep >= 0 && v !== null && isNull(v, el.dep)) return;
    if (v !== null) {
      for (const ch of el.children) {
        if (ch.k === IR_SUBST && !isNull(v, ch.index) && v.types[ch.index] & VT.Array) {
          const items = arrayItems(this.c, v, ch.index);
          const itemType = v.types[ch.index] & 0x7f;
          for (const item of items) this.build(el, v, out, depth, ch.index, item, itemType);
          return;
        }
      }
    }
    this.build(el, v, out, depth, -1, '', 0);
  }

  private build(el: IrElement, v: InstanceValues | null, out: XmlNode[], depth: number, arrayIndex: number, item: string, itemType: number): void {
    const attributes: XmlAttribute[] = [];
    for (const a of el.attrs) {
      let value = '';
      let valueType: number = STRING;
      for (const p of a.parts) {
        if (p.k === IR_TEXT) value += p.text;
        else if (!isNull(v, p.index)) {
          const vals = v as InstanceValues;
          const t = vals.types[p.index];
          if (t & VT.Array || t === VT.BinXml) value += arrayOrNestedText(this.c, vals, p.index);
          else value += scalarText(this.c, vals, p.index);
          if (a.parts.length === 1) valueType = t;
        }
      }
      if (value !== '') attributes.push({ name: a.name, value, valueType });
    }
    const children: XmlNode[] = [];
    let droppedOptional = false;
    for (const ch of el.children) {
      if (ch.k === IR_SUBST) {
        if (ch.index === arrayIndex) {
          if (item !== '') children.push({ type: 'text', text: item, valueType: itemType });
        } else if (!this.substitution(ch, v, children, depth) && ch.optional) {
          droppedOptional = true;
        }
      } else if (ch.k === IR_ELEMENT) {
        this.element(ch, v, children, depth + 1);
      } else if (ch.k === IR_TEXT) {
        children.push({ type: 'text', text: ch.text, valueType: STRING });
      } else {
        children.push({ type: 'pi', target: ch.target, data: ch.data });
      }
    }
    if (droppedOptional && children.length === 0) return;
    const node: XmlElement = { type: 'element', name: el.name, attributes, children };
    out.push(node);
  }
}

export function arrayOrNestedText(c: ChunkContext, v: InstanceValues, i: number): string {
  if (v.types[i] === VT.BinXml) return '';
  return arrayItems(c, v, i).join(',');
}
