/** Test helpers: XML well-formedness (saxes) and a flat (path, attributes, text) view for comparing values. */
import { SaxesParser } from 'saxes';

export interface FlatNode {
  path: string;
  attrs: Record<string, string>;
  text: string;
}

/** Parses XML; throws on any well-formedness error. */
export function flatten(xml: string): FlatNode[] {
  const parser = new SaxesParser({ xmlns: false });
  const out: FlatNode[] = [];
  const stack: FlatNode[] = [];
  parser.on('error', (e) => {
    throw e;
  });
  parser.on('opentag', (tag) => {
    const parent = stack.length ? stack[stack.length - 1].path : '';
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(tag.attributes)) attrs[k] = typeof v === 'string' ? v : (v as { value: string }).value;
    const node = { path: `${parent}/${tag.name}`, attrs, text: '' };
    out.push(node);
    stack.push(node);
  });
  parser.on('text', (t) => {
    if (stack.length) stack[stack.length - 1].text += t;
  });
  parser.on('cdata', (t) => {
    if (stack.length) stack[stack.length - 1].text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(xml).close();
  return out;
}

export function isWellFormed(xml: string): boolean {
  try {
    flatten(xml);
    return true;
  } catch {
    return false;
  }
}
