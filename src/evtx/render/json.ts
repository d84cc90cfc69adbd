/**
 * Record tree → JSON in the evtx-rs convention: attributes under `#attributes`, text under
 * `#text`, an element with only text becomes its (typed) value, an empty one `null`, repeated
 * elements an array, `<Data Name="X">` becomes key `X`, unnamed `<Data>` items `"Data": {"#text": [...]}`.
 * Integers stay numbers while exact (|n| < 2^53), otherwise exact decimal strings.
 * Keys that would touch the prototype (`__proto__`, `constructor`, `prototype`) get a trailing `_`.
 */
import type { EvtxRecord } from '../chunk.js';
import type { XmlElement, XmlNode } from '../tree.js';
import { jsonKind, JSON_KIND_BOOL, JSON_KIND_NUMBER } from '../binxml/value-types.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

export function safeKey(key: string): string {
  return key === '__proto__' || key === 'constructor' || key === 'prototype' ? key + '_' : key;
}

/** Typed JSON form of a text that came from a value of `valueType`. */
export function typedValue(text: string, valueType: number): JsonValue {
  const kind = jsonKind(valueType);
  if (kind === JSON_KIND_NUMBER) {
    const n = Number(text);
    if (Number.isFinite(n) && (Number.isSafeInteger(n) || !/^-?\d+$/.test(text))) return n;
    return text;
  }
  if (kind === JSON_KIND_BOOL) return text === 'true';
  return text;
}

function textValue(children: XmlNode[]): JsonValue {
  let single: JsonValue | undefined;
  let joined = '';
  let count = 0;
  for (const c of children) {
    if (c.type !== 'text') continue;
    count++;
    if (count === 1) single = typedValue(c.text, c.valueType);
    joined += c.text;
  }
  if (count === 0) return null;
  return count === 1 ? (single as JsonValue) : joined;
}

/** Element values are never arrays themselves, so an array under a key means "repeated". */
function setKey(obj: JsonObject, key: string, value: JsonValue): void {
  const k = safeKey(key);
  if (!Object.hasOwn(obj, k)) obj[k] = value;
  else {
    const prev = obj[k];
    if (Array.isArray(prev)) prev.push(value);
    else obj[k] = [prev, value];
  }
}

export function elementValue(el: XmlElement): JsonValue {
  let hasElements = false;
  for (const c of el.children) if (c.type === 'element') { hasElements = true; break; }
  if (el.attributes.length === 0 && !hasElements) return textValue(el.children);
  const obj: JsonObject = {};
  if (el.attributes.length) {
    const attrs: JsonObject = {};
    for (const a of el.attributes) attrs[safeKey(a.name)] = typedValue(a.value, a.valueType);
    obj['#attributes'] = attrs;
  }
  if (!hasElements) {
    const t = textValue(el.children);
    if (t !== null) obj['#text'] = t;
    return obj;
  }
  let unnamedData: JsonValue[] | null = null;
  let text = '';
  for (const c of el.children) {
    if (c.type === 'text') {
      text += c.text;
      continue;
    }
    if (c.type !== 'element') continue;
    if (c.name === 'Data' && !c.children.some((x) => x.type === 'element')) {
      const nameAttr = c.attributes.find((a) => a.name === 'Name');
      if (nameAttr && c.attributes.length === 1) {
        setKey(obj, nameAttr.value, textValue(c.children) ?? '');
        continue;
      }
      if (c.attributes.length === 0) {
        if (!unnamedData) {
          unnamedData = [];
          setKey(obj, 'Data', { '#text': unnamedData });
        }
        unnamedData.push(textValue(c.children) ?? '');
        continue;
      }
    }
    setKey(obj, c.name, elementValue(c));
  }
  if (unnamedData && unnamedData.length === 1) (obj['Data'] as JsonObject)['#text'] = unnamedData[0];
  if (text !== '') obj['#text'] = text;
  return obj;
}

/** JSON object of a record's nodes: `{ "Event": {...} }`. */
export function nodesToJson(nodes: XmlNode[]): JsonObject {
  const obj: JsonObject = {};
  for (const n of nodes) if (n.type === 'element') setKey(obj, n.name, elementValue(n));
  return obj;
}

export function recordToJson(record: EvtxRecord): JsonObject {
  return nodesToJson(record.nodes);
}

export function recordToJsonLine(record: EvtxRecord): string {
  return JSON.stringify(nodesToJson(record.nodes));
}
