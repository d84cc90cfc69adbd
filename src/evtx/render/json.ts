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
/** Quoted, prototype-safe JSON key (names repeat endlessly: cached). */
function jsonKey(name: string): string {
  let k = keyCache.get(name);
  if (k === undefined) {
    k = quote(safeKey(name));
    if (keyCache.size > 50_000) keyCache.clear();
    keyCache.set(name, k);
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

function attributesJson(el: XmlElement): string {
  let s = '"#attributes":{';
  const attrs = el.attributes;
  for (let i = 0; i < attrs.length; i++) {
    if (i) s += ',';
    s += jsonKey(attrs[i].name) + ':' + typedJson(attrs[i].value, attrs[i].valueType);
  }
  return s + '}';
}

const UNNAMED_DATA = '\u0000data';

export function elementJson(el: XmlElement): string {
  const hasElements = hasElementChild(el);
  if (el.attributes.length === 0 && !hasElements) return textJson(el.children);
  let s = '{';
  let sep = '';
  if (el.attributes.length) {
    s += attributesJson(el);
    sep = ',';
  }
  if (!hasElements) {
    const t = textJson(el.children);
    return t === 'null' ? s + '}' : s + sep + '"#text":' + t + '}';
  }
  // Children: key and JSON value of each element child, in document order.
  const keys: string[] = [];
  const vals: string[] = [];
  let text = '';
  for (const c of el.children) {
    if (c.type === 'text') {
      text += c.text;
      continue;
    }
    if (c.type !== 'element') continue;
    if (c.name === 'Data' && !hasElementChild(c)) {
      if (c.attributes.length === 1 && c.attributes[0].name === 'Name') {
        keys.push(c.attributes[0].value);
        vals.push(c.children.length ? textJson(c.children) : '""');
        continue;
      }
      if (c.attributes.length === 0) {
        keys.push(UNNAMED_DATA);
        vals.push(c.children.length ? textJson(c.children) : '""');
        continue;
      }
    }
    keys.push(c.name);
    vals.push(elementJson(c));
  }
  const n = keys.length;
  const done: boolean[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (done[i]) continue;
    const key = keys[i];
    let group = vals[i];
    let count = 1;
    for (let j = i + 1; j < n; j++) {
      if (!done[j] && keys[j] === key) {
        done[j] = true;
        group += ',' + vals[j];
        count++;
      }
    }
    if (key === UNNAMED_DATA) s += sep + '"Data":{"#text":' + (count === 1 ? group : '[' + group + ']') + '}';
    else s += sep + jsonKey(key) + ':' + (count === 1 ? group : '[' + group + ']');
    sep = ',';
  }
  if (text.trim() !== '') s += sep + '"#text":' + quote(text);
  return s + '}';
}

/** JSON text of a record's nodes: `{"Event":{...}}`. */
export function nodesToJsonLine(nodes: XmlNode[]): string {
  const root: XmlElement = { type: 'element', name: '', attributes: [], children: nodes };
  return hasElementChild(root) ? elementJson(root) : '{}';
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
