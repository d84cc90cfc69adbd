/**
 * Bytes of a text export → strings, chunk by chunk. Windows tools write UTF-8 with or without a BOM,
 * and Windows PowerShell 5.1 (`Out-File`, `>`) writes UTF-16LE with a BOM; the encoding is taken from
 * the BOM, else from the code page the caller names (cmd.exe's `>` writes the console's OEM code
 * page, which bytes cannot reveal), else from the zero-byte pattern of UTF-16, else UTF-8.
 */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface SniffedEncoding {
  encoding: TextEncoding;
  /** Length of the byte-order mark to skip (0 when none). */
  bomLength: number;
}

export function sniffEncoding(head: Uint8Array): SniffedEncoding {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  // No BOM: ASCII text in UTF-16 has a zero in every other byte.
  if (head.length >= 4) {
    let evenZeros = 0;
    let oddZeros = 0;
    const n = Math.min(head.length & ~1, 512);
    for (let i = 0; i < n; i += 2) {
      if (head[i] === 0) evenZeros++;
      if (head[i + 1] === 0) oddZeros++;
    }
    const pairs = n / 2;
    if (oddZeros > pairs * 0.4 && evenZeros === 0) return { encoding: 'utf-16le', bomLength: 0 };
    if (evenZeros > pairs * 0.4 && oddZeros === 0) return { encoding: 'utf-16be', bomLength: 0 };
  }
  return { encoding: 'utf-8', bomLength: 0 };
}

/** Decodes the first bytes of a file (for format detection): BOM removed. */
export function decodeHead(head: Uint8Array): string {
  const { encoding, bomLength } = sniffEncoding(head);
  return new TextDecoder(encoding, { fatal: false }).decode(head.subarray(bomLength), { stream: true });
}

export type ByteInput = AsyncIterable<Uint8Array> | NodeJS.ReadableStream;

async function* bytesOf(input: ByteInput): AsyncGenerator<Uint8Array> {
  for await (const chunk of input as AsyncIterable<Uint8Array | string>) {
    yield typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
  }
}

/** A streaming decoder: bytes in, text out; `end` flushes a sequence cut at the last chunk. */
export interface ChunkDecoder {
  write(bytes: Uint8Array): string;
  end(): string;
}

function textDecoder(encoding: TextEncoding): ChunkDecoder {
  const decoder = new TextDecoder(encoding, { fatal: false });
  return { write: (bytes) => decoder.decode(bytes, { stream: true }), end: () => decoder.decode() };
}

/**
 * The decoder for a file that starts with `head`: its BOM's encoding when it has one; else the
 * code page asked for (`encoding`, through src/sources/codepage.ts, loaded only then); else sniffed.
 */
async function openDecoder(head: Uint8Array, encoding: string | undefined): Promise<{ decoder: ChunkDecoder; skip: number }> {
  const sniffed = sniffEncoding(head);
  if (encoding === undefined || sniffed.bomLength > 0) return { decoder: textDecoder(sniffed.encoding), skip: sniffed.bomLength };
  const { codepageDecoder } = await import('./codepage.js');
  return { decoder: codepageDecoder(encoding), skip: 0 };
}

/**
 * Streams decoded text, the BOM dropped. A BOM names the encoding; without one the code page
 * `encoding` is used when given (bytes cannot tell cp850 from cp1252), else UTF-16 or UTF-8 is sniffed.
 */
export async function* decodeText(input: ByteInput, encoding?: string): AsyncGenerator<string> {
  let decoder: ChunkDecoder | null = null;
  let pending: Uint8Array | null = null;
  for await (const chunk of bytesOf(input)) {
    if (!decoder) {
      // Wait for 4 bytes so that a BOM split across chunks is still seen.
      const joined: Uint8Array = pending ? concat(pending, chunk) : chunk;
      if (joined.length < 4) {
        pending = joined;
        continue;
      }
      pending = null;
      const opened = await openDecoder(joined, encoding);
      decoder = opened.decoder;
      const text = decoder.write(joined.subarray(opened.skip));
      if (text) yield text;
      continue;
    }
    const text = decoder.write(chunk);
    if (text) yield text;
  }
  if (!decoder) {
    if (!pending || pending.length === 0) return;
    const opened = await openDecoder(pending, encoding);
    decoder = opened.decoder;
    const text = decoder.write(pending.subarray(opened.skip));
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Counts '\n' in s[from, to). */
export function countNewlines(s: string, from = 0, to = s.length): number {
  let n = 0;
  let i = s.indexOf('\n', from);
  while (i !== -1 && i < to) {
    n++;
    i = s.indexOf('\n', i + 1);
  }
  return n;
}
