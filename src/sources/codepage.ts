/**
 * Text in a code page the bytes cannot reveal: cmd.exe's `>` writes the console's OEM code page
 * (cp437, cp850, cp866, cp932…), some tools the ANSI one (cp1252…). Decoded through iconv-lite,
 * which knows the Windows code pages; UTF-8 and UTF-16 stay with TextDecoder. Loaded only when an
 * encoding is asked for (src/sources/text.ts imports it on demand), so the offline page's bundle
 * fetches the code page tables only then.
 */
import iconv from 'iconv-lite';
import type { ChunkDecoder } from './text.js';

const UTF_NAMES = new Map<string, 'utf-8' | 'utf-16le' | 'utf-16be'>([
  ['utf8', 'utf-8'], ['utf16le', 'utf-16le'], ['ucs2', 'utf-16le'], ['utf16be', 'utf-16be'],
]);

/** `UTF-8`, `utf8`, `Utf_8` → `utf8`: the name without case and punctuation, as iconv-lite compares names. */
function canonical(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** true when `name` is an encoding this module decodes (`cp850`, `ibm437`, `windows-1252`, `utf-8`…). */
export function isKnownEncoding(name: string): boolean {
  return name.trim() !== '' && (UTF_NAMES.has(canonical(name)) || iconv.encodingExists(name));
}

function whatwgDecoder(label: 'utf-8' | 'utf-16le' | 'utf-16be'): ChunkDecoder {
  const decoder = new TextDecoder(label, { fatal: false });
  return { write: (bytes) => decoder.decode(bytes, { stream: true }), end: () => decoder.decode() };
}

/** Node's Buffer when there is one (zero-copy view); in the browser the bytes as they are. */
function asBuffer(bytes: Uint8Array): Buffer {
  const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;
  // iconv-lite's code page decoders only index the bytes and read their length, which a Uint8Array has.
  return NodeBuffer ? NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : (bytes as Buffer);
}

/** A decoder for `name`; throws for a name isKnownEncoding refuses. */
export function codepageDecoder(name: string): ChunkDecoder {
  const utf = UTF_NAMES.get(canonical(name));
  if (utf) return whatwgDecoder(utf);
  const decoder = iconv.getDecoder(name, { stripBOM: false });
  return { write: (bytes) => decoder.write(asBuffer(bytes)), end: () => decoder.end() ?? '' };
}
