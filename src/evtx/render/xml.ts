/**
 * Record tree → Windows-like XML (evtx-format.md §4): compact (no added whitespace, like
 * `wevtutil qe /f:xml`), empty elements self-closing, `& < >` escaped (plus `"` and TAB/LF/CR in
 * attributes, CR in text, so they survive parsing). Characters XML 1.0 cannot carry at all
 * (C0 controls other than TAB/LF/CR, U+FFFE, U+FFFF) become U+FFFD; the JSON output keeps them.
 */
import type { EvtxRecord } from '../chunk.js';
import type { XmlElement, XmlNode } from '../tree.js';

const TEXT_SPECIAL = /[&<>\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
const TEXT_SPECIAL_G = /[&<>\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const ATTR_SPECIAL = /[&<>"\t\n\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
const ATTR_SPECIAL_G = /[&<>"\t\n\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

function replaceChar(ch: string): string {
  switch (ch) {
    case '&': return '&amp;';
    case '<': return '&lt;';
    case '>': return '&gt;';
    case '"': return '&quot;';
    case '\t': return '&#x9;';
    case '\n': return '&#xA;';
    case '\r': return '&#xD;';
    default: return '\ufffd';
  }
}

export function escapeText(s: string): string {
  return TEXT_SPECIAL.test(s) ? s.replace(TEXT_SPECIAL_G, replaceChar) : s;
}

export function escapeAttribute(s: string): string {
  return ATTR_SPECIAL.test(s) ? s.replace(ATTR_SPECIAL_G, replaceChar) : s;
}

/** Names come from the file too: anything that is not a plausible XML name is replaced. */
const NAME_OK = /^[A-Za-z_:\u00c0-\uffef][\w.:\-\u00b7\u00c0-\uffef]*$/;
/**
 * Names repeat endlessly, so their safe forms are cached; only short ones, since a damaged file
 * can spell names of 64 KiB each, and 10,000 of those would pin a gigabyte.
 */
const nameCache = new Map<string, string>();
export const NAME_CACHE_MAX_LENGTH = 256;
export function safeName(name: string): string {
  let s = nameCache.get(name);
  if (s === undefined) {
    s = NAME_OK.test(name) ? name : '_' + name.replace(/[^\w.\-]/g, '_');
    if (name.length <= NAME_CACHE_MAX_LENGTH && nameCache.size < 10_000) nameCache.set(name, s);
  }
  return s;
}

function renderNode(n: XmlNode, out: string[]): void {
  if (n.type === 'text') out.push(escapeText(n.text));
  else if (n.type === 'element') renderElement(n, out);
  else out.push(piXml(n.target, n.data));
}

/** A processing instruction; `?>` inside its data is broken up so it cannot end it early. */
export function piXml(target: string, data: string): string {
  const d = data.replace(/\?>/g, '? >');
  return `<?${safeName(target)}${d ? ' ' + escapeText(d) : ''}?>`;
}

function renderElement(el: XmlElement, out: string[]): void {
  const name = safeName(el.name);
  let open = '<' + name;
  for (const a of el.attributes) open += ' ' + safeName(a.name) + '="' + escapeAttribute(a.value) + '"';
  if (el.children.length === 0) {
    out.push(open + '/>');
    return;
  }
  out.push(open + '>');
  for (const c of el.children) renderNode(c, out);
  out.push('</' + name + '>');
}

/** XML of one record's nodes (normally a single `<Event>` element). */
export function renderNodesXml(nodes: XmlNode[]): string {
  const out: string[] = [];
  for (const n of nodes) renderNode(n, out);
  return out.join('');
}

export function recordToXml(record: EvtxRecord): string {
  return renderNodesXml(record.nodes);
}
