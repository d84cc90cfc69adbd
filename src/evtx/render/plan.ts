/**
 * Per-element render plans, computed once per compiled template (templates are cached across
 * chunks, so each plan serves every later record): tag and attribute pieces, and whether the
 * element holds no substitution at all (then its whole output is rendered once and reused).
 */
import { IR_ELEMENT, IR_SUBST, IR_TEXT, type ElementPlan, type IrElement } from '../binxml/ir.js';
import { safeName } from './xml.js';

function isFixed(el: IrElement): boolean {
  if (el.dep >= 0) return false;
  for (const a of el.attrs) for (const p of a.parts) if (p.k !== IR_TEXT) return false;
  for (const ch of el.children) {
    if (ch.k === IR_SUBST) return false;
    if (ch.k === IR_ELEMENT && !isFixed(ch)) return false;
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
      xmlAttrOpen: el.attrs.map((a) => ' ' + safeName(a.name) + '="'),
    };
    el.plan = p;
  }
  return p;
}
