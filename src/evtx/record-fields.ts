/**
 * The fields ingest reads of each record of a chunk: System fields and EventData values. Records
 * of a shape the fast path takes are read from their values (render/shape-fields.ts); any other
 * record goes through its tree (fields.ts), which gives the same (test/evtx/paths.test.ts).
 */
import { Expander } from './binxml/expand.js';
import { FlatValues } from './binxml/instance-slots.js';
import { formatFileTime } from './binxml/values.js';
import { walkChunk, type ChunkResult, type ParseChunkOptions } from './chunk.js';
import type { EvtxError } from './errors.js';
import { eventDataValues, systemFields } from './fields.js';
import { RECORD_HEADER_SIZE, RECORD_WRITTEN, recordIdAt } from './record-header.js';
import { shapeFields, type RecordFields } from './render/shape-fields.js';
import type { XmlNode } from './tree.js';

export type { RecordFields } from './render/shape-fields.js';

/** 'direct' reads fields off the record's values where its shape allows; 'tree' always builds the record tree. */
export type FieldPath = 'direct' | 'tree';

export interface RecordHeaderFacts {
  /** EventRecordID from the record header. */
  recordId: number;
  /** Absolute file offset of the record. */
  offset: number;
  /** The header's written time, as text (computed when asked: ingest needs it only without TimeCreated). */
  written(): string;
}

export interface FieldSink {
  /** Each record holding an element; `fields.system` is null without a System element. */
  record(fields: RecordFields, header: RecordHeaderFacts): void;
  error(e: EvtxError): void;
}

export interface FieldWalkOptions extends ParseChunkOptions {
  via?: FieldPath;
  /** Scratch for record values, reused across chunks. */
  flat?: FlatValues;
  /** Counts records read each way (tests check the fast path is taken). */
  stats?: { direct: number; trees: number };
}

/** Walks one chunk slot, handing each record's fields to `sink`. */
export function walkChunkFields(bytes: Uint8Array, index: number, fileOffset: number, opts: FieldWalkOptions, sink: FieldSink): ChunkResult {
  let expander: Expander | null = null;
  const flat = opts.flat ?? new FlatValues();
  const header = (view: DataView, pos: number, offset: number): RecordHeaderFacts => ({
    recordId: recordIdAt(view, pos),
    offset,
    written: () => formatFileTime(view, pos + RECORD_WRITTEN),
  });
  return walkChunk(bytes, index, fileOffset, opts, {
    raw:
      opts.via === 'tree'
        ? undefined
        : (c, from, to) => {
            let fields: RecordFields | undefined;
            try {
              fields = flat.read(c, from, to) ? shapeFields(c, flat) : undefined;
            } catch {
              fields = undefined;
            }
            if (fields === undefined) return false;
            const pos = from - RECORD_HEADER_SIZE;
            if (opts.stats) opts.stats.direct++;
            sink.record(fields, header(c.view, pos, fileOffset + pos));
            return true;
          },
    record(c, frags, _recordId, pos, offset) {
      const nodes: XmlNode[] = [];
      (expander ??= new Expander(c)).fragments(frags, nodes, 0);
      if (!nodes.some((n) => n.type === 'element')) return false;
      if (opts.stats) opts.stats.trees++;
      sink.record({ system: systemFields(nodes), data: eventDataValues(nodes) }, header(c.view, pos, offset));
      return true;
    },
    error: (e) => sink.error(e),
  });
}
