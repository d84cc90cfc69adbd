/**
 * Instance shape → JSON pieces: what render/json.ts prints for a record of this shape, with its
 * values left open. Which parts are kept is shape-walk.ts's; member keys, repeated-key grouping,
 * `null` / `""` / object choices follow from them and from the members nested instances report.
 * Only two rules look at value text itself — mixed content's `#text` (kept unless blank) and a
 * `<Data Name="%n">` key — and shapes that meet them go through the record tree instead.
 */
import { IR_SUBST, type IrElement } from '../binxml/ir.js';
import { VT } from '../binxml/value-types.js';
import { jsonKey, quote, typedJson, UNNAMED_DATA } from './json.js';
import { CTX_JSON_STR, CTX_JSON_TYPED, Unsupported, type Piece, type ValueRef } from './shape.js';
import { ShapeWalk, type AttributeParts, type Gathered } from './shape-walk.js';

/** Opening of the unnamed-Data member: `"Data":{"#text":` (closed by `}` after the value). */
const UNNAMED_OPEN = '"Data":{"#text":';

/** `"key":` for a member (the unnamed Data entries open their own object). */
function memberKey(key: string): string {
  return key === UNNAMED_DATA ? UNNAMED_OPEN : jsonKey(key) + ':';
}

const STRING = VT.String;

/** Raw (unescaped) text: a static string, or a value (its text is never empty). */
type RawPart = string | ValueRef;

/** An element's content: its members (values as pieces) and its text parts. */
class Content implements Gathered {
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
    if (this.texts++ === 0) {
      this.first = part;
      this.firstType = type;
    }
    this.joined.push(part);
  }

  entry(key: string, jkey: string, val: Piece[]): void {
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

export class JsonShape extends ShapeWalk<Content> {
  /** The record's pieces (the view is its root instance), or null when it holds no element. */
  record(): Piece[] | null {
    const content = this.gather(new Content());
    return content.count === 0 ? null : elementValue([], content);
  }

  /** What a nested instance adds to the content around it: members (their values as pieces) and static text. */
  content(): { keys: string[]; jkeys: string[]; vals: Piece[][]; texts: string[]; textTypes: number[]; nodes: number } {
    const c = this.gather(new Content());
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

  protected newContent(): Content {
    return new Content();
  }

  protected text(c: Content, text: string): void {
    c.text(text, STRING);
  }

  protected value(c: Content, slot: number): void {
    c.text(this.f.value(slot, CTX_JSON_TYPED), this.f.type(slot));
  }

  protected item(c: Content, slot: number): void {
    c.text(this.f.empty(slot) ? '' : this.f.value(slot, CTX_JSON_TYPED), this.f.type(slot));
  }

  protected nested(c: Content, slot: number): void {
    const child = this.f.nested(slot);
    for (let k = 0; k < child.keys.length; k++) c.entry(child.keys[k], child.jkeys[k], [this.f.call(slot, k)]);
    for (let k = 0; k < child.texts.length; k++) c.text(child.texts[k], child.textTypes[k]);
  }

  protected pi(): void {
    // A processing instruction is a node, and no JSON.
  }

  protected element(out: Content, el: IrElement, kept: Array<AttributeParts | null>, content: Content): void {
    const f = this.f;
    const attrs: Piece[] = [];
    let nattrs = 0;
    let firstName = '';
    let firstValue: RawPart[] = [];
    for (let i = 0; i < kept.length; i++) {
      const parts = kept[i];
      if (parts === null) continue;
      const a = el.attrs[i];
      const value: RawPart[] = parts.map((p) => (typeof p === 'string' ? p : f.value(p, CTX_JSON_TYPED)));
      let type: number = STRING;
      if (a.parts.length === 1) {
        const p = a.parts[0];
        if (p.k === IR_SUBST) type = f.type(f.slot(p.index));
      }
      if (nattrs++ === 0) {
        firstName = a.name;
        firstValue = value;
      } else attrs.push(',');
      attrs.push(jsonKey(a.name) + ':');
      if (value.length === 1 && typeof value[0] !== 'string' && type !== STRING) attrs.push(value[0]);
      else if (value.every((p) => typeof p === 'string')) attrs.push(typedJson(staticText(value), type));
      else attrs.push(...quoted(value));
    }
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
