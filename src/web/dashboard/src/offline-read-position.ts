/**
 * How far a reader has got in an in-memory file, for the progress bar. The readers of
 * src/web/bytes-source.ts take the file as one Uint8Array and walk it by slices (EVTX chunks of
 * 64 KiB, text slices of 256 KiB) taken lazily with subarray() as they go; this array notes the
 * furthest end of those slices, so the position follows the reader without a change to it.
 */
export class ReadPositionBytes extends Uint8Array {
  /** End of the furthest slice taken so far (bytes). */
  furthest = 0;

  /** The slice, as a plain Uint8Array over the same memory (slices of slices are not followed). */
  override subarray(begin?: number, end?: number): Uint8Array<ArrayBuffer> {
    const part = new Uint8Array(this.buffer as ArrayBuffer, this.byteOffset, this.length).subarray(begin, end);
    const reached = part.byteOffset - this.byteOffset + part.length;
    if (reached > this.furthest) this.furthest = reached;
    return part;
  }
}
