/** Node-only: zlib's native CRC-32 (Node ≥ 20.15) behind the reader's Crc32Fn signature. */
import * as zlib from 'node:zlib';
import { crc32 as jsCrc32 } from '../bytes.js';
import type { Crc32Fn } from '../chunk-header.js';

const native = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

export const nodeCrc32: Crc32Fn = native
  ? (bytes, start, end, crc = 0) => native(bytes.subarray(start, end), crc)
  : jsCrc32;
