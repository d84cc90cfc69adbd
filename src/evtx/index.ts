/**
 * Public surface of the pure EVTX reader (no Node APIs: runs in a browser too). Code outside
 * src/evtx imports the reader from here, Node's file and thread helpers from ./node/index.ts and
 * the writer from ./writer/index.ts, nothing else (test/evtx/imports.test.ts).
 */
export { parseEvtxBuffer, type ParsedEvtx } from './file.js';
export { chunkSlots, openEvtxSlots, type ChunkSlot, type PositionalFile, type EvtxFileHandle } from './file-slots.js';
export { parseChunk, type ChunkResult, type ChunkState, type EvtxRecord, type RecordResult, type ParseChunkOptions } from './chunk.js';
export { readFileHeader, isEvtxMagic, chunkSlotCount, CHUNK_SIZE, FILE_HEADER_SIZE, type FileHeader } from './file-header.js';
export type { ChunkHeader, Crc32Fn } from './chunk-header.js';
export { TemplateCache } from './binxml/template-cache.js';
export { DEFAULT_LIMITS, type EvtxLimits } from './binxml/context.js';
export * from './errors.js';
export * from './tree.js';
export { recordToXml, renderNodesXml, escapeText, escapeAttribute } from './render/xml.js';
export { recordToJson, recordToJsonLine, nodesToJson, type JsonValue } from './render/json.js';
export { renderChunk, type RenderedChunk, type DumpFormat, type ChunkProblem } from './render/chunk-output.js';
export { systemFields, eventDataValues, parseSystemTime, eventElement, type SystemFields } from './fields.js';
export { walkChunkFields, type FieldPath, type FieldSink, type RecordFields, type RecordHeaderFacts } from './record-fields.js';
export { EvtxIntegrity, type IntegrityCheck, type IntegrityFinding } from './integrity.js';
// Pure (no Node imports, type-checked with the browser libraries by test/evtx/purity.test.ts) but
// kept in node/ beside the file helpers whose errors it explains: the sources layer, which the
// offline page bundles, needs it without the rest of node/.
export { liveLogHint, logNameOf } from './node/live-log.js';
