/** Cell values every renderer accepts, and how they become single-line text. */
export type CellValue = string | number | boolean | null | undefined;

/**
 * Characters that drive a terminal or change how the text around them reads: C0 controls (ESC
 * starts escape sequences, BEL ends OSC titles, CR/LF break lines), DEL, C1 controls (U+009B is a
 * one-byte CSI), the bidirectional controls that reorder what follows (after U+202E a name
 * reads backwards) and the Unicode line and paragraph separators.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every UNSAFE character escaped (`\n`, `\x1b`, `\u009b`, `\u202e`), so a hostile machine name
 * can neither break a table's lines nor drive the terminal. Text tables use it always; whatever
 * else reaches a terminal goes through src/cli/terminal.ts, which applies it line by line. JSON
 * and CSV keep values verbatim.
 */
export function printable(text: string): string {
  return text.replace(UNSAFE, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    // C0 as `\x1b`; DEL, C1 and the rest as JSON writes them (`\u009b`), so `--json` on a terminal is still JSON
    return code < 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return printable(String(value));
}

/** Longest cell shown to a person, in terminal columns, unless its column says otherwise. */
export const DEFAULT_MAX_CELL_WIDTH = 64;

/**
 * A text value as a person sees it in a cell (tables always, CSV on a terminal): printable, and
 * ending in `…` past `maxWidth` columns, so a 5,000-character machine name does not widen every row.
 */
export function shownCell(value: CellValue, maxWidth: number = DEFAULT_MAX_CELL_WIDTH): string {
  return truncate(cellText(value), maxWidth);
}

/**
 * Columns a string takes in a monospace terminal: code points, with East Asian wide and
 * fullwidth characters as two and combining marks as none. Good enough for names and products.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch.codePointAt(0) as number);
  return width;
}

function charWidth(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}

/** Cuts `text` to at most `width` columns, ending with `…` when cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = charWidth(ch.codePointAt(0) as number);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

export function padTo(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

/**
 * Lines of at most `width` columns, broken at spaces; a word wider than `width` is broken inside.
 * Runs of spaces at a break are dropped. `list`: the text is items separated by `, ` (machine
 * names, thresholds), broken only between items where they fit.
 */
export function wrapText(text: string, width: number, options: { list?: boolean } = {}): string[] {
  if (displayWidth(text) <= width) return [text];
  if (options.list) return wrapItems(text.split(', '), width);
  const w = Math.max(1, width);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/)) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (displayWidth(candidate) <= w) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    line = '';
    let rest = word;
    while (displayWidth(rest) > w) {
      const head = fitPrefix(rest, w);
      lines.push(head);
      rest = rest.slice(head.length);
    }
    line = rest;
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

function wrapItems(items: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  items.forEach((item, i) => {
    const piece = i < items.length - 1 ? `${item},` : item;
    const candidate = line === '' ? piece : `${line} ${piece}`;
    if (displayWidth(candidate) <= width) {
      line = candidate;
      return;
    }
    if (line !== '') lines.push(line);
    const parts = wrapText(piece, width);
    lines.push(...parts.slice(0, -1));
    line = parts[parts.length - 1];
  });
  lines.push(line);
  return lines;
}

/** The longest start of `text` within `width` columns (at least one character). */
function fitPrefix(text: string, width: number): string {
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = charWidth(ch.codePointAt(0) as number);
    if (used + w > width && out !== '') break;
    out += ch;
    used += w;
  }
  return out;
}
