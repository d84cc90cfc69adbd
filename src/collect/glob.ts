import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** True when the pattern has glob characters (`*`, `?`, `[`). */
export function hasMagic(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** One path segment's glob → RegExp: `*` any run within a name, `?` one character, `[abc]` a class. */
export function segmentRegExp(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') re += '[^/\\\\]*';
    else if (c === '?') re += '[^/\\\\]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = segment.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  // Windows file names are case-insensitive; export names are matched the same way everywhere.
  return new RegExp(`^${re}$`, 'i');
}

/**
 * Expands a path or glob relative to `baseDir`: `*`, `?`, `[…]` within one name, `**` for any
 * depth. Hidden entries are matched only by patterns that start with a dot. Returns sorted
 * absolute paths of regular files; a plain path is returned as is when it exists.
 */
export async function expandGlob(pattern: string, baseDir: string): Promise<string[]> {
  const absolute = path.resolve(baseDir, pattern);
  if (!hasMagic(pattern)) {
    const st = await stat(absolute).catch(() => null);
    return st?.isFile() ? [absolute] : [];
  }
  const { root } = path.parse(absolute);
  const segments = absolute.slice(root.length).split(/[\\/]+/).filter(Boolean);
  const out = new Set<string>();
  await walk(root, segments, out);
  return [...out].sort();
}

async function walk(dir: string, segments: string[], out: Set<string>): Promise<void> {
  if (segments.length === 0) return;
  const [head, ...rest] = segments;
  if (head === '**') {
    await walk(dir, rest, out); // zero directories
    for (const entry of await entries(dir)) {
      if (entry.isDirectory() && !entry.name.startsWith('.')) await walk(path.join(dir, entry.name), segments, out);
    }
    return;
  }
  if (!hasMagic(head)) {
    const next = path.join(dir, head);
    if (rest.length === 0) {
      const st = await stat(next).catch(() => null);
      if (st?.isFile()) out.add(next);
    } else await walk(next, rest, out);
    return;
  }
  const re = segmentRegExp(head);
  for (const entry of await entries(dir)) {
    if (entry.name.startsWith('.') && !head.startsWith('.')) continue;
    if (!re.test(entry.name)) continue;
    const next = path.join(dir, entry.name);
    if (rest.length === 0) {
      if (entry.isFile() || (entry.isSymbolicLink() && (await stat(next).catch(() => null))?.isFile())) out.add(next);
    } else if (entry.isDirectory() || entry.isSymbolicLink()) await walk(next, rest, out);
  }
}

async function entries(dir: string) {
  return readdir(dir, { withFileTypes: true }).catch(() => []);
}
