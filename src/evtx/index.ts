/** Public surface of the pure EVTX reader (no Node APIs: runs in a browser too). */
export { parseEvtxBuffer, chunkSlots, type ParsedEvtx } from './file.js';
export { parseChunk, type ChunkResult, type ChunkState, type EvtxRecord, type RecordResult, type ParseChunkOptions } from './chunk.js';
export { readFileHeader, isEvtxMagic, chunkSlotCount, CHUNK_SIZE, FILE_HEADER_SIZE, type FileHeader } from './file-header.js';
export type { ChunkHeader } from './chunk-header.js';
export { TemplateCache } from './binxml/template-cache.js';
export { DEFAULT_LIMITS, type EvtxLimits } from './binxml/context.js';
export * from './errors.js';
export * from './tree.js';
export { recordToXml, renderNodesXml, escapeText, escapeAttribute } from './render/xml.js';
export { recordToJson, recordToJsonLine, nodesToJson, type JsonValue } from './render/json.js';
export { renderChunk, type RenderedChunk, type DumpFormat, type ChunkProblem } from './render/chunk-output.js';
export { systemFields, eventDataValues, parseSystemTime, eventElement, type SystemFields } from './fields.js';
