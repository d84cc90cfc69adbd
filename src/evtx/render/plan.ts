/**
 * Per-element render plans, computed once per compiled template (templates are cached across
 * chunks, so each plan serves every later record): tag and attribute pieces, and whether the
 * element holds no substitution at all (then its whole output is rendered once and reused).
 */
import { IR_ELEMENT, IR_SUBST, IR_TEXT, type ElementPlan, type IrElement, type SinglePlan } from '../binxml/ir.js';
import { VT } from '../binxml/value-types.js';
import { jsonKey, typedJson, UNNAMED_DATA } from './json.js';
import { escapeAttribute, safeName } from './xml.js';

/** Opening of the unnamed-Data member in JSON: `"Data":{"#text":` (closed by `}` after the value). */
export const UNNAMED_OPEN = '"Data":{"#text":';

function singlePlan(el: IrElement): SinglePlan | undefined {
  const only = el.children.length === 1 ? el.children[0] : undefined;
  if (only === undefined || only.k !== IR_SUBST) return undefined;
  const attrNames: string[] = [];
  const attrValues: string[] = [];
  for (const a of el.attrs) {
    let value = '';
    for (const p of a.parts) {
      if (p.k !== IR_TEXT) return undefined;
      value += p.text;
    }
    if (value === '') continue;
    attrNames.push(a.name);
    attrValues.push(value);
  }
  let xmlStart = '<' + safeName(el.name);
  let jsonAttrs = '';
  for (let i = 0; i < attrNames.length; i++) {
    xmlStart += ' ' + safeName(attrNames[i]) + '="' + escapeAttribute(attrValues[i]) + '"';
    jsonAttrs += (i ? ',' : '"#attributes":{') + jsonKey(attrNames[i]) + ':' + typedJson(attrValues[i], VT.String);
  }
  if (jsonAttrs !== '') jsonAttrs += '}';
  let dataKind = 0;
  if (el.name === 'Data') {
    if (attrNames.length === 1 && attrNames[0] === 'Name') dataKind = 1;
    else if (attrNames.length === 0) dataKind = 2;
  }
  const rawKey = dataKind === 1 ? attrValues[0] : dataKind === 2 ? UNNAMED_DATA : el.name;
  return {
    subst: only, xmlStart, attrNames, attrValues, jsonAttrs, dataKind, rawKey,
    memberKey: dataKind === 2 ? UNNAMED_OPEN : jsonKey(rawKey) + ':',
  };
}

/** Child elements' answers come from their plans, so each element is looked at once. */
function isFixed(el: IrElement): boolean {
  if (el.dep >= 0) return false;
  for (const a of el.attrs) for (const p of a.parts) if (p.k !== IR_TEXT) return false;
  for (const ch of el.children) {
    if (ch.k === IR_SUBST) return false;
    if (ch.k === IR_ELEMENT && !planOf(ch).fixed) return false;
  }
  return true;
}

export function planOf(el: IrElement): ElementPlan {
  let p = el.plan;
  if (p === undefined) {
    const name = safeName(el.name);
    p = {
      fixed: isFixed(el),
      xmlOpen: '<' + name,
      xmlClose: '</' + name + '>',
      xmlAttrOpen: [],
      jsonAttrKeys: [],
      single: singlePlan(el),
      // Filled later by the renderers; set now so every plan has one hidden class.
      fixedXml: undefined,
      jsonMemberKey: undefined,
      fixedJsonKeys: undefined,
      fixedJsonMemberKeys: undefined,
      fixedJsonVals: undefined,
    };
    for (const a of el.attrs) {
      p.xmlAttrOpen.push(' ' + safeName(a.name) + '="');
      p.jsonAttrKeys.push(jsonKey(a.name) + ':');
    }
    el.plan = p;
  }
  return p;
}
