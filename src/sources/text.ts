/**
 * Bytes of a text export → strings, chunk by chunk. Windows tools write UTF-8 with or without a BOM,
 * and Windows PowerShell 5.1 (`Out-File`, `>`) writes UTF-16LE with a BOM; the encoding is taken from
 * the BOM, else from the zero-byte pattern of UTF-16, else UTF-8.
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

/** Streams decoded text; the encoding is sniffed from the first bytes, the BOM dropped. */
export async function* decodeText(input: ByteInput): AsyncGenerator<string> {
  let decoder: TextDecoder | null = null;
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
      const { encoding, bomLength } = sniffEncoding(joined);
      decoder = new TextDecoder(encoding, { fatal: false });
      const text = decoder.decode(joined.subarray(bomLength), { stream: true });
      if (text) yield text;
      continue;
    }
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  if (!decoder) {
    if (!pending || pending.length === 0) return;
    const { encoding, bomLength } = sniffEncoding(pending);
    decoder = new TextDecoder(encoding, { fatal: false });
    const text = decoder.decode(pending.subarray(bomLength), { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
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
