export { EvtxFileWriter, MemorySink, writeEvtx, fileHeader, FILE_HEADER_SIZE, type EvtxFileSummary, type EvtxWriterOptions } from './writer.js';
export { ChunkBuilder, CHUNK_SIZE, nameHash, filetime } from './chunk.js';
export { crc32, type Crc32Fn } from './crc32.js';
export { EvtxWriteError, type EvtxWriteErrorCode } from './errors.js';
export { EVENT_NAMESPACE } from './template.js';
export type { EvtxDataField, EvtxEventInput, EvtxSink } from './types.js';
