/**
 * Instance shape → JSON pieces: compiled-json.ts run once per shape with the values left open.
 * Member keys, repeated-key grouping, `null` / `""` / object choices all follow from the shape and
 * from the members nested instances report; only two rules look at value text itself — mixed
 * content's `#text` (kept unless blank) and a `<Data Name="%n">` key — and shapes that meet them
 * are left to compiled-json.ts.
 */
import { IR_ELEMENT, IR_SUBST, IR_TEXT, type IrAttribute, type IrElement, type IrNode, type IrSubst } from '../binxml/ir.js';
import { VT } from '../binxml/value-types.js';
import { memberKey } from './compiled-json.js';
import { quote, typedJson, UNNAMED_DATA } from './json.js';
import { planOf, UNNAMED_OPEN } from './plan.js';
import { CTX_JSON_STR, CTX_JSON_TYPED, Unsupported, type Piece, type ShapeView, type ValueRef } from './shape.js';

const STRING = VT.String;

/** Raw (unescaped) text: a static string, or a value (its text is never empty). */
type RawPart = string | ValueRef;

/** compiled-json.ts `Content`, with pieces for values. */
class Content {
  keys: string[] = [];
  jkeys: string[] = [];
  vals: Piece[][] = [];
  count = 0;
  nodes = 0;
  texts = 0;
  first: RawPart = '';
  firstType: number = STRING;
  joined: RawPart[] = [];

  text(part: RawPart, type: number): void {
    this.nodes++;
    if (this.texts++ === 0) {
      this.first = part;
      this.firstType = type;
    }
    this.joined.push(part);
  }

  entry(key: string, jkey: string, val: Piece[]): void {
    this.nodes++;
    this.keys.push(key);
    this.jkeys.push(jkey);
    this.vals.push(val);
    this.count++;
  }
}

/** `quote()` of the concatenation: static parts escaped now, values when written. */
function quoted(parts: RawPart[]): Piece[] {
  const out: Piece[] = ['"'];
  for (const p of parts) out.push(typeof p === 'string' ? quote(p).slice(1, -1) : { ...p, ctx: CTX_JSON_STR });
  out.push('"');
  return out;
}

/** `typedJson(text, type)` of one part. */
function typed(part: RawPart, type: number): Piece[] {
  return typeof part === 'string' ? [typedJson(part, type)] : [{ ...part, ctx: CTX_JSON_TYPED }];
}

function textJson(c: Content): Piece[] {
  if (c.texts === 0) return ['null'];
  if (c.texts === 1) return typed(c.first, c.firstType);
  return quoted(c.joined);
}

function staticText(parts: RawPart[]): string {
  let s = '';
  for (const p of parts) {
    if (typeof p !== 'string') throw new Unsupported('rule depends on value text');
    s += p;
  }
  return s;
}

function members(c: Content, sep: string): Piece[] {
  const { keys, jkeys, vals, count: n } = c;
  let dup = false;
  for (let i = 1; i < n && !dup; i++) for (let j = 0; j < i; j++) if (keys[j] === keys[i]) { dup = true; break; }
  const out: Piece[] = [];
  if (!dup) {
    for (let i = 0; i < n; i++) {
      if (jkeys[i] === UNNAMED_OPEN) out.push(sep + UNNAMED_OPEN, ...vals[i], '}');
      else out.push(sep + jkeys[i], ...vals[i]);
      sep = ',';
    }
    return out;
  }
  const done: boolean[] = new Array(n).fill(false);
  for (let i = 0; i < n; i++) {
    if (done[i]) continue;
    const key = keys[i];
    let list: Piece[] = [...vals[i]];
    let count = 1;
    for (let j = i + 1; j < n; j++) {
      if (done[j] || keys[j] !== key) continue;
      done[j] = true;
      list.push(',', ...vals[j]);
      count++;
    }
    if (count > 1) list = ['[', ...list, ']'];
    if (jkeys[i] === UNNAMED_OPEN) out.push(sep + UNNAMED_OPEN, ...list, '}');
    else out.push(sep + jkeys[i], ...list);
    sep = ',';
  }
  return out;
}

function elementValue(attrs: Piece[], c: Content): Piece[] {
  const hasElements = c.count > 0;
  if (attrs.length === 0 && !hasElements) return textJson(c);
  const out: Piece[] = ['{'];
  let sep = '';
  if (attrs.length) {
    out.push('"#attributes":{', ...attrs, '}');
    sep = ',';
  }
  if (!hasElements) {
    if (c.texts > 0) out.push(sep + '"#text":', ...textJson(c));
    out.push('}');
    return out;
  }
  out.push(...members(c, sep));
  if (staticText(c.joined).trim() !== '') out.push(',"#text":', ...quoted(c.joined));
  out.push('}');
  return out;
}

export class JsonShape {
  constructor(private readonly f: ShapeView) {}

  /** The record's pieces (the view is its root instance), or null when it holds no element. */
  record(): Piece[] | null {
    const content = new Content();
    this.nodes(this.f.template.nodes, content);
    if (content.count === 0) return null;
    return elementValue([], content);
  }

  /** What a nested instance adds to the content around it: members (their values as pieces) and static text. */
  content(): { keys: string[]; jkeys: string[]; vals: Piece[][]; texts: string[]; textTypes: number[]; nodes: number } {
    const c = new Content();
    this.nodes(this.f.template.nodes, c);
    const texts: string[] = [];
    const textTypes: number[] = [];
    for (const p of c.joined) {
      if (typeof p !== 'string') throw new Unsupported('nested text from a value');
      texts.push(p);
    }
    // Content keeps only the first text's type; later ones are only ever joined.
    for (let i = 0; i < texts.length; i++) textTypes.push(i === 0 ? c.firstType : STRING);
    return { keys: c.keys, jkeys: c.jkeys, vals: c.vals, texts, textTypes, nodes: c.nodes };
  }

  private nodes(nodes: IrNode[], out: Content): void {
    for (const node of nodes) {
      if (node.k === IR_ELEMENT) this.element(node, out);
      else if (node.k === IR_TEXT) out.text(node.text, STRING);
      else if (node.k === IR_SUBST) this.substitution(node, out);
      else out.nodes++;
    }
  }

  private substitution(n: IrSubst, out: Content): boolean {
    const f = this.f;
    if (f.isNull(n.index)) return false;
    const slot = f.slot(n.index);
    const type = f.type(slot);
    if (type === VT.BinXml) {
      if (f.empty(slot)) return true;
      const child = f.nested(slot);
      const extra = child.nodes - child.keys.length - child.texts.length;
      for (let k = 0; k < child.keys.length; k++) out.entry(child.keys[k], child.jkeys[k], [f.call(slot, k)]);
      for (let k = 0; k < child.texts.length; k++) out.text(child.texts[k], child.textTypes[k]);
      out.nodes += extra;
      return true;
    }
    if (type & VT.Array) {
      for (const item of f.items(slot)) out.text(f.empty(item) ? '' : f.value(item, CTX_JSON_TYPED), f.type(item));
      return true;
    }
    if (!f.empty(slot)) out.text(f.value(slot, CTX_JSON_TYPED), type);
    return true;
  }

  private element(el: IrElement, out: Content): void {
    const f = this.f;
    if (el.dep >= 0 && f.isNull(el.dep)) return;
    for (const ch of el.children) {
      if (ch.k === IR_SUBST && !f.isNull(ch.index) && f.type(f.slot(ch.index)) & VT.Array) {
        for (const item of f.items(f.slot(ch.index))) this.build(el, out, ch.index, item);
        return;
      }
    }
    const plan = planOf(el);
    if (plan.fixed) {
      this.build(el, out, -1, -1);
      return;
    }
    const single = plan.single;
    if (single !== undefined) {
      const sub = single.subst;
      const slot = f.slot(sub.index);
      let value: Piece[];
      const none = single.dataKind ? '""' : single.jsonAttrs ? '{' + single.jsonAttrs + '}' : 'null';
      if (f.isNull(sub.index)) {
        if (sub.optional) return;
        value = [none];
      } else if (f.type(slot) === VT.BinXml) {
        this.build(el, out, -1, -1);
        return;
      } else if (f.empty(slot)) {
        value = [none];
      } else {
        const t = f.value(slot, CTX_JSON_TYPED);
        value = single.dataKind || !single.jsonAttrs ? [t] : ['{' + single.jsonAttrs + ',"#text":', t, '}'];
      }
      out.entry(single.rawKey, single.memberKey, value);
      return;
    }
    this.build(el, out, -1, -1);
  }

  /** compiled-xml.ts `attributeText` as raw parts; null when the value is empty. */
  private attribute(a: IrAttribute): RawPart[] | null {
    const f = this.f;
    const out: RawPart[] = [];
    for (const p of a.parts) {
      if (p.k === IR_TEXT) {
        if (p.text !== '') out.push(p.text);
      } else if (!f.isNull(p.index)) {
        const slot = f.slot(p.index);
        const t = f.type(slot);
        if (t & VT.Array) throw new Unsupported('array value in an attribute');
        if (t !== VT.BinXml && !f.empty(slot)) out.push(f.value(slot, CTX_JSON_TYPED));
      }
    }
    return out.length ? out : null;
  }

  private build(el: IrElement, out: Content, arrayIndex: number, item: number): void {
    const f = this.f;
    const plan = planOf(el);
    const attrs: Piece[] = [];
    let nattrs = 0;
    let firstName = '';
    let firstValue: RawPart[] = [];
    for (let i = 0; i < el.attrs.length; i++) {
      const a = el.attrs[i];
      const value = this.attribute(a);
      if (value === null) continue;
      let type: number = STRING;
      if (a.parts.length === 1) {
        const p = a.parts[0];
        if (p.k === IR_SUBST) type = f.type(f.slot(p.index));
      }
      if (nattrs++ === 0) {
        firstName = a.name;
        firstValue = value;
      } else attrs.push(',');
      attrs.push(plan.jsonAttrKeys[i]);
      if (value.length === 1 && typeof value[0] !== 'string' && type !== STRING) attrs.push(value[0]);
      else if (value.every((p) => typeof p === 'string')) attrs.push(typedJson(staticText(value), type));
      else attrs.push(...quoted(value));
    }
    const content = new Content();
    let droppedOptional = false;
    for (const ch of el.children) {
      if (ch.k === IR_SUBST) {
        if (ch.index === arrayIndex) {
          if (!f.empty(item)) content.text(f.value(item, CTX_JSON_TYPED), f.type(item));
        } else if (!this.substitution(ch, content) && ch.optional) {
          droppedOptional = true;
        }
      } else if (ch.k === IR_ELEMENT) {
        this.element(ch, content);
      } else if (ch.k === IR_TEXT) {
        content.text(ch.text, STRING);
      } else {
        content.nodes++;
      }
    }
    if (droppedOptional && content.nodes === 0) return;
    if (el.name === 'Data' && content.count === 0) {
      if (nattrs === 1 && firstName === 'Name') {
        const key = staticText(firstValue);
        out.entry(key, memberKey(key), content.nodes ? textJson(content) : ['""']);
        return;
      }
      if (nattrs === 0) {
        out.entry(UNNAMED_DATA, UNNAMED_OPEN, content.nodes ? textJson(content) : ['""']);
        return;
      }
    }
    out.entry(el.name, memberKey(el.name), elementValue(attrs, content));
  }
}
