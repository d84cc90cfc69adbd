/**
 * Browser stand-in for node:string_decoder, which iconv-lite's UTF codecs load. src/sources/codepage.ts
 * decodes UTF-8 and UTF-16 with TextDecoder itself, so this only has to be there; it decodes the
 * same way should it be used.
 */
const LABELS: Record<string, string> = { utf8: 'utf-8', 'utf-8': 'utf-8', ucs2: 'utf-16le', 'ucs-2': 'utf-16le', utf16le: 'utf-16le', 'utf-16le': 'utf-16le', latin1: 'latin1', binary: 'latin1' };

export class StringDecoder {
  private readonly decoder: TextDecoder;
  constructor(encoding = 'utf8') {
    const label = LABELS[encoding.toLowerCase()];
    if (label === undefined) throw new Error(`string_decoder shim: encoding ${encoding} is not supported in the browser`);
    this.decoder = new TextDecoder(label);
  }

  write(bytes: Uint8Array): string {
    return this.decoder.decode(bytes, { stream: true });
  }

  end(bytes?: Uint8Array): string {
    return (bytes ? this.decoder.decode(bytes, { stream: true }) : '') + this.decoder.decode();
  }
}
