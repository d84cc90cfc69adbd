/**
 * Record tree → JSON in the evtx-rs convention: attributes under `#attributes`, text under
 * `#text`, an element with only text becomes its (typed) value, an empty one `null`, repeated
 * elements an array, `<Data Name="X">` becomes key `X`, unnamed `<Data>` items `"Data": {"#text": [...]}`
 * (one item: `{"#text": "x"}`). Integers stay numbers while exact (|n| < 2^53), otherwise exact
 * decimal strings. Keys that would touch a prototype (`__proto__`, `constructor`, `prototype`)
 * get a trailing `_`. Written straight to text (document order kept); `recordToJson` parses it back.
 */
import type { EvtxRecord } from '../chunk.js';
import type { XmlElement, XmlNode } from '../tree.js';
import { jsonKind, JSON_KIND_BOOL, JSON_KIND_NUMBER } from '../binxml/value-types.js';
import { NAME_CACHE_MAX_LENGTH } from './xml.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

export function safeKey(key: string): string {
  return key === '__proto__' || key === 'constructor' || key === 'prototype' ? key + '_' : key;
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/;
export function quote(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** JSON text of a value that came from a value of `valueType`. */
export function typedJson(text: string, valueType: number): string {
  const kind = jsonKind(valueType);
  if (kind === JSON_KIND_NUMBER) {
    if (JSON_NUMBER.test(text)) {
      const integer = text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
      if (!integer || text.length < 16 || Number.isSafeInteger(Number(text))) return text;
    }
    return quote(text);
  }
  if (kind === JSON_KIND_BOOL && (text === 'true' || text === 'false')) return text;
  // Only strings can hold characters JSON must escape; GUIDs, SIDs, hex, times... never do.
  if (valueType === 0x01 || valueType === 0x02 || valueType === 0x0e || valueType > 0x15) return quote(text);
  return '"' + text + '"';
}

const keyCache = new Map<string, string>();
/** Quoted, prototype-safe JSON key (names repeat endlessly: cached, short ones only, as in xml.ts `safeName`). */
export function jsonKey(name: string): string {
  let k = keyCache.get(name);
  if (k === undefined) {
    k = quote(safeKey(name));
    if (name.length <= NAME_CACHE_MAX_LENGTH) {
      if (keyCache.size >= 10_000) keyCache.clear();
      keyCache.set(name, k);
    }
  }
  return k;
}

function textJson(children: XmlNode[]): string {
  let first: XmlNode | null = null;
  let joined = '';
  let count = 0;
  for (let i = 0; i < children.length; i++) {
    const c = children[i];
    if (c.type !== 'text') continue;
    if (count++ === 0) first = c;
    joined += c.text;
  }
  if (count === 0) return 'null';
  if (count === 1) return typedJson((first as { text: string }).text, (first as { valueType: number }).valueType);
  return quote(joined);
}

function hasElementChild(el: XmlElement): boolean {
  const ch = el.children;
  for (let i = 0; i < ch.length; i++) if (ch[i].type === 'element') return true;
  return false;
}

export const UNNAMED_DATA = '\u0000data';
const NAMED_DATA = 1;
const UNNAMED = 2;

/** How a child element appears in its parent's object: 0 = under its name, 1 = `<Data Name>`, 2 = unnamed Data. */
function dataKind(c: XmlElement): number {
  if (c.name !== 'Data' || hasElementChild(c)) return 0;
  if (c.attributes.length === 1 && c.attributes[0].name === 'Name') return NAMED_DATA;
  return c.attributes.length === 0 ? UNNAMED : 0;
}

function childKey(c: XmlElement, kind: number): string {
  return kind === NAMED_DATA ? c.attributes[0].value : kind === UNNAMED ? UNNAMED_DATA : c.name;
}

/**
 * Appends the JSON of an element's value to `out` (pieces joined once per record: cheaper than
 * deep string concatenation).
 */
function writeElement(el: XmlElement, out: string[]): void {
  const hasElements = hasElementChild(el);
  const attrs = el.attributes;
  if (attrs.length === 0 && !hasElements) {
    out.push(textJson(el.children));
    return;
  }
  out.push('{');
  let sep = '';
  if (attrs.length) {
    out.push('"#attributes":{');
    for (let i = 0; i < attrs.length; i++) {
      if (i) out.push(',');
      out.push(jsonKey(attrs[i].name), ':', typedJson(attrs[i].value, attrs[i].valueType));
    }
    out.push('}');
    sep = ',';
  }
  if (!hasElements) {
    const t = textJson(el.children);
    if (t !== 'null') out.push(sep, '"#text":', t);
    out.push('}');
    return;
  }
  const kids: XmlElement[] = [];
  const kinds: number[] = [];
  const keys: string[] = [];
  let text = '';
  for (const c of el.children) {
    if (c.type === 'text') text += c.text;
    else if (c.type === 'element') {
      const kind = dataKind(c);
      kids.push(c);
      kinds.push(kind);
      keys.push(childKey(c, kind));
    }
  }
  const n = kids.length;
  const done: boolean[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (done[i]) continue;
    const key = keys[i];
    let count = 1;
    for (let j = i + 1; j < n; j++) if (keys[j] === key) count++;
    out.push(sep, key === UNNAMED_DATA ? '"Data":{"#text":' : jsonKey(key) + ':');
    sep = ',';
    if (count > 1) out.push('[');
    let k = 0;
    for (let j = i; j < n; j++) {
      if (j !== i && (done[j] || keys[j] !== key)) continue;
      done[j] = true;
      if (k++) out.push(',');
      const c = kids[j];
      if (kinds[j] === 0) writeElement(c, out);
      else out.push(c.children.length ? textJson(c.children) : '""');
    }
    if (count > 1) out.push(']');
    if (key === UNNAMED_DATA) out.push('}');
  }
  if (text.trim() !== '') out.push(sep, '"#text":', quote(text));
  out.push('}');
}

/** JSON text of one element's value (`null`, a scalar or an object). */
export function elementJson(el: XmlElement): string {
  const out: string[] = [];
  writeElement(el, out);
  return out.join('');
}

/** JSON text of a record's nodes: `{"Event":{...}}`. */
export function nodesToJsonLine(nodes: XmlNode[]): string {
  const root: XmlElement = { type: 'element', name: '', attributes: [], children: nodes };
  if (!hasElementChild(root)) return '{}';
  const out: string[] = [];
  writeElement(root, out);
  return out.join('');
}

export function recordToJsonLine(record: EvtxRecord): string {
  return nodesToJsonLine(record.nodes);
}

/** The same as a JS value (parsed from the text: own properties only, no prototype keys). */
export function nodesToJson(nodes: XmlNode[]): JsonObject {
  return JSON.parse(nodesToJsonLine(nodes)) as JsonObject;
}

export function recordToJson(record: EvtxRecord): JsonObject {
  return nodesToJson(record.nodes);
}
