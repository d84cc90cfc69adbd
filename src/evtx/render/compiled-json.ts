/**
 * Fast JSON path: the evtx-rs-style JSON of a record straight from its template IR and values,
 * with no intermediate tree. Each element collects its children as (key, JSON value) pairs and
 * its text, then applies the same rules as json.ts (`writeElement`); value-free elements are
 * rendered once per template. Equal to `nodesToJsonLine(expand(...))` for every corpus record
 * (test/evtx/compiled.test.ts).
 */
import type { ChunkContext } from '../binxml/context.js';
import { arrayItems, isNull, scalarText } from '../binxml/expand.js';
import { IR_ELEMENT, IR_SUBST, IR_TEXT, type Fragment, type InstanceValues, type IrElement, type IrNode, type IrSubst } from '../binxml/ir.js';
import { VT } from '../binxml/value-types.js';
import { attributeText } from './compiled-xml.js';
import { jsonKey, quote, typedJson, UNNAMED_DATA } from './json.js';
import { planOf, UNNAMED_OPEN } from './plan.js';

const STRING = VT.String;

/**
 * What an element's content collected: child entries (raw key for grouping, JSON key text,
 * JSON value) and text nodes. Reused across records: `count` marks the live entries.
 */
class Content {
  keys: string[] = [];
  jkeys: string[] = [];
  vals: string[] = [];
  count = 0;
  nodes = 0;
  texts = 0;
  firstText = '';
  firstType: number = STRING;
  joined = '';

  reset(): void {
    this.count = 0;
    this.nodes = 0;
    this.texts = 0;
    this.joined = '';
  }

  text(text: string, type: number): void {
    this.nodes++;
    if (this.texts++ === 0) {
      this.firstText = text;
      this.firstType = type;
    }
    this.joined += text;
  }

  /** `jkey` is the member's JSON key text (with its colon, or the unnamed-Data opening). */
  entry(key: string, jkey: string, val: string): void {
    this.nodes++;
    const i = this.count++;
    this.keys[i] = key;
    this.jkeys[i] = jkey;
    this.vals[i] = val;
  }
}

function textJson(c: Content): string {
  if (c.texts === 0) return 'null';
  if (c.texts === 1) return typedJson(c.firstText, c.firstType);
  return quote(c.joined);
}

/** Member key text for a child entry (the unnamed-Data opening for unnamed `<Data>`). */
export function memberKey(key: string): string {
  return key === UNNAMED_DATA ? UNNAMED_OPEN : jsonKey(key) + ':';
}

/** The members for the child entries: repeated keys become one array, at the first one's place. */
function members(c: Content, sep: string): string {
  const { keys, jkeys, vals, count: n } = c;
  let dup = false;
  for (let i = 1; i < n && !dup; i++) for (let j = 0; j < i; j++) if (keys[j] === keys[i]) { dup = true; break; }
  let out = '';
  if (!dup) {
    for (let i = 0; i < n; i++) {
      out += jkeys[i] === UNNAMED_OPEN ? sep + UNNAMED_OPEN + vals[i] + '}' : sep + jkeys[i] + vals[i];
      sep = ',';
    }
    return out;
  }
  const done: boolean[] = new Array(n).fill(false);
  for (let i = 0; i < n; i++) {
    if (done[i]) continue;
    const key = keys[i];
    let list = vals[i];
    let count = 1;
    for (let j = i + 1; j < n; j++) {
      if (done[j] || keys[j] !== key) continue;
      done[j] = true;
      list += ',' + vals[j];
      count++;
    }
    if (count > 1) list = '[' + list + ']';
    out += jkeys[i] === UNNAMED_OPEN ? sep + UNNAMED_OPEN + list + '}' : sep + jkeys[i] + list;
    sep = ',';
  }
  return out;
}

/**
 * An element's JSON value from its kept attributes (`attrs`: their members joined, or '') and
 * content (json.ts `writeElement` rules).
 */
function elementValue(attrs: string, c: Content): string {
  const hasElements = c.count > 0;
  if (attrs === '' && !hasElements) return textJson(c);
  let out = '{';
  let sep = '';
  if (attrs !== '') {
    out += '"#attributes":{' + attrs + '}';
    sep = ',';
  }
  if (!hasElements) {
    const t = textJson(c);
    if (t !== 'null') out += sep + '"#text":' + t;
    return out + '}';
  }
  out += members(c, sep);
  if (c.joined.trim() !== '') out += ',"#text":' + quote(c.joined);
  return out + '}';
}

export class CompiledJson {
  /** Content collectors reused by nesting depth (fewer short-lived objects: less GC). */
  private readonly pool: Content[] = [];
  private depth = 0;

  constructor(private readonly c: ChunkContext) {}

  private acquire(): Content {
    let content = this.pool[this.depth];
    if (content === undefined) {
      content = new Content();
      this.pool[this.depth] = content;
    } else content.reset();
    this.depth++;
    return content;
  }

  /** JSON line of one record, or null when it holds no element (the caller reports that). */
  record(frags: Fragment[]): string | null {
    this.depth = 0;
    const root = this.acquire();
    this.fragments(frags, root);
    this.depth = 0;
    if (root.count === 0) return null;
    return elementValue('', root);
  }

  private fragments(frags: Fragment[], out: Content): void {
    for (const f of frags) {
      if (f.kind === 'instance') this.nodes(f.template.nodes, f.values, out);
      else this.nodes(f.nodes, null, out);
    }
  }

  private nodes(nodes: IrNode[], v: InstanceValues | null, out: Content): void {
    for (const node of nodes) {
      if (node.k === IR_ELEMENT) this.element(node, v, out);
      else if (node.k === IR_TEXT) out.text(node.text, STRING);
      else if (node.k === IR_SUBST) this.substitution(node, v, out);
      else out.nodes++;
    }
  }

  /** Adds a content substitution; false when the value is NULL. */
  private substitution(n: IrSubst, v: InstanceValues | null, out: Content): boolean {
    if (isNull(v, n.index)) return false;
    const vals = v as InstanceValues;
    const type = vals.types[n.index];
    if (type === VT.BinXml) {
      const nested = vals.nested?.[n.index];
      if (nested) this.fragments(nested, out);
      return true;
    }
    if (type & VT.Array) {
      const t = type & 0x7f;
      for (const item of arrayItems(this.c, vals, n.index)) out.text(item, t);
      return true;
    }
    const text = scalarText(this.c, vals, n.index);
    if (text !== '') out.text(text, type);
    return true;
  }

  private element(el: IrElement, v: InstanceValues | null, out: Content): void {
    if (v !== null) {
      if (el.dep >= 0 && isNull(v, el.dep)) return;
      for (const ch of el.children) {
        if (ch.k === IR_SUBST && !isNull(v, ch.index) && v.types[ch.index] & VT.Array) {
          const items = arrayItems(this.c, v, ch.index);
          const itemType = v.types[ch.index] & 0x7f;
          for (const item of items) this.build(el, v, out, ch.index, item, itemType);
          return;
        }
      }
    }
    const plan = planOf(el);
    if (plan.fixed) {
      if (plan.fixedJsonKeys === undefined) {
        const once = new Content();
        this.build(el, v, once, -1, '', 0);
        plan.fixedJsonKeys = once.keys.slice(0, once.count);
        plan.fixedJsonMemberKeys = once.jkeys.slice(0, once.count);
        plan.fixedJsonVals = once.vals.slice(0, once.count);
      }
      const keys = plan.fixedJsonKeys;
      const jkeys = plan.fixedJsonMemberKeys as string[];
      const vals = plan.fixedJsonVals as string[];
      for (let i = 0; i < keys.length; i++) out.entry(keys[i], jkeys[i], vals[i]);
      return;
    }
    const single = plan.single;
    if (single !== undefined) {
      const sub = single.subst;
      let value: string;
      if (isNull(v, sub.index)) {
        if (sub.optional) return;
        value = single.dataKind ? '""' : single.jsonAttrs ? '{' + single.jsonAttrs + '}' : 'null';
      } else {
        const type = (v as InstanceValues).types[sub.index];
        if (type === VT.BinXml) {
          this.build(el, v, out, -1, '', 0);
          return;
        }
        const text = scalarText(this.c, v as InstanceValues, sub.index);
        if (text === '') value = single.dataKind ? '""' : single.jsonAttrs ? '{' + single.jsonAttrs + '}' : 'null';
        else {
          const t = typedJson(text, type);
          value = single.dataKind || !single.jsonAttrs ? t : '{' + single.jsonAttrs + ',"#text":' + t + '}';
        }
      }
      out.entry(single.rawKey, single.memberKey, value);
      return;
    }
    this.build(el, v, out, -1, '', 0);
  }

  private build(el: IrElement, v: InstanceValues | null, out: Content, arrayIndex: number, item: string, itemType: number): void {
    // Kept (non-empty) attributes: their JSON members, and the first one for the `<Data Name>` rule.
    const plan = planOf(el);
    let attrs = '';
    let nattrs = 0;
    let firstName = '';
    let firstValue = '';
    for (let i = 0; i < el.attrs.length; i++) {
      const a = el.attrs[i];
      const value = attributeText(this.c, v, a);
      if (value === '') continue;
      let type: number = STRING;
      if (a.parts.length === 1) {
        const p = a.parts[0];
        if (p.k === IR_SUBST) type = (v as InstanceValues).types[p.index];
      }
      if (nattrs++ === 0) {
        firstName = a.name;
        firstValue = value;
      } else attrs += ',';
      attrs += plan.jsonAttrKeys[i] + typedJson(value, type);
    }
    const content = this.acquire();
    try {
      this.content(el, v, content, arrayIndex, item, itemType, attrs, nattrs, firstName, firstValue, out);
    } finally {
      this.depth--;
    }
  }

  private content(
    el: IrElement, v: InstanceValues | null, content: Content, arrayIndex: number, item: string, itemType: number,
    attrs: string, nattrs: number, firstName: string, firstValue: string, out: Content,
  ): void {
    let droppedOptional = false;
    for (const ch of el.children) {
      if (ch.k === IR_SUBST) {
        if (ch.index === arrayIndex) {
          if (item !== '') content.text(item, itemType);
        } else if (!this.substitution(ch, v, content) && ch.optional) {
          droppedOptional = true;
        }
      } else if (ch.k === IR_ELEMENT) {
        this.element(ch, v, content);
      } else if (ch.k === IR_TEXT) {
        content.text(ch.text, STRING);
      } else {
        content.nodes++;
      }
    }
    if (droppedOptional && content.nodes === 0) return;
    // `<Data Name="x">` becomes key x, an unnamed `<Data>` joins the "Data" #text list (json.ts dataKind).
    if (el.name === 'Data' && content.count === 0) {
      if (nattrs === 1 && firstName === 'Name') {
        out.entry(firstValue, memberKey(firstValue), content.nodes ? textJson(content) : '""');
        return;
      }
      if (nattrs === 0) {
        out.entry(UNNAMED_DATA, UNNAMED_OPEN, content.nodes ? textJson(content) : '""');
        return;
      }
    }
    const plan = planOf(el);
    plan.jsonMemberKey ??= memberKey(el.name);
    out.entry(el.name, plan.jsonMemberKey, elementValue(attrs, content));
  }
}
