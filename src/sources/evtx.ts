/**
 * EVTX files → RawEvent stream. Reads chunk by chunk (bounded memory), one RawEvent per readable
 * record; damaged records and chunks become InputIssues and reading goes on; a file that is not
 * EVTX at all yields one fatal issue. Fields come from the reader's ingest walk (evtx
 * `walkChunkFields`: template values where it can, the record tree otherwise).
 */
import { open } from 'node:fs/promises';
import { EvtxError, EvtxIntegrity, liveLogHint, openEvtxSlots, parseSystemTime, TemplateCache, walkChunkFields, type EvtxFileHandle, type FieldPath } from '../evtx/index.js';
import { errnoText } from '../errno.js';
import { findingItem, markDamagedChunk } from './evtx-findings.js';
import type { InputIssue, RawEvent, ReadOptions, SourceItem } from './types.js';

function issue(opts: ReadOptions, reason: string, extra: Partial<InputIssue> = {}): SourceItem {
  return { ok: false, issue: { file: opts.file, format: 'evtx', reason, ...extra } };
}

/** 'direct' reads fields off template values where it can; 'tree' always builds the record tree. */
export type EvtxFieldPath = FieldPath;

/**
 * The items of one chunk slot, in record order. `index` numbers the RawEvents across the file
 * (origin.index) and is returned advanced. With `integrity`, a chunk whose CRC fails gets its
 * problem first and its events marked (RawEvent.damage).
 */
export function evtxChunkItems(
  slot: { bytes: Uint8Array; index: number; offset: number },
  cache: TemplateCache,
  opts: ReadOptions,
  index: number,
  via: EvtxFieldPath = 'direct',
  integrity?: EvtxIntegrity,
): { items: SourceItem[]; index: number } {
  const items: SourceItem[] = [];
  let ids: { first: number; last: number } | null = null;
  // The reader's pure CRC (no node:zlib): this module is bundled into the browser dashboard too.
  const chunk = walkChunkFields(slot.bytes, slot.index, slot.offset, { cache, via }, {
    record(f, header) {
      const recordId = header.recordId;
      if (ids === null) ids = { first: recordId, last: recordId };
      else ids = { first: Math.min(ids.first, recordId), last: Math.max(ids.last, recordId) };
      const s = f.system;
      if (!s || s.eventId === null) {
        items.push(issue(opts, `record ${recordId}: no System/EventID`, { record: recordId, offset: header.offset }));
        return;
      }
      // Same key order as the other sources (eventId, qualifiers, provider, ...), without spreads.
      const event = { eventId: s.eventId & 0xffff } as RawEvent;
      if (s.qualifiers !== undefined) event.qualifiers = s.qualifiers;
      if (s.provider !== undefined || s.eventSourceName !== undefined) event.provider = s.provider ?? s.eventSourceName;
      event.channel = s.channel || opts.channel || '';
      event.host = s.computer || opts.host || '';
      event.recordId = s.recordId ?? recordId;
      event.time = s.timeMs ?? parseSystemTime(header.written()) ?? Number.NaN;
      event.data = f.data ?? [];
      event.origin = { file: opts.file, format: 'evtx', index: index++ };
      items.push({ ok: true, event });
    },
    error(e) {
      items.push(issue(opts, e.message, { record: e.context.recordId, offset: e.context.offset }));
    },
  });
  if (chunk.state === 'bad-magic') items.unshift(issue(opts, `chunk ${slot.index}: not a chunk (bad signature), skipped`, { offset: slot.offset }));
  else if (chunk.state === 'short') items.unshift(issue(opts, `chunk ${slot.index}: file ends inside the chunk (${slot.bytes.length} bytes), skipped`, { offset: slot.offset }));
  if (chunk.walkStop) items.push(issue(opts, chunk.walkStop.message, { offset: chunk.walkStop.context.offset }));
  const damaged = integrity?.chunk(slot.index, slot.offset, chunk.state, chunk.header, ids);
  if (damaged) markDamagedChunk(items, opts.file, damaged);
  return { items, index };
}

/** Opens an EVTX file by path (node:fs/promises, which the offline page's bundle replaces by a shim). */
async function openEvtxPath(file: string): Promise<EvtxFileHandle> {
  const fh = await open(file, 'r');
  let size: number;
  try {
    size = (await fh.stat()).size;
  } catch (e) {
    await fh.close();
    throw e;
  }
  return openEvtxSlots({ size, read: async (into, position) => (await fh.read(into, 0, into.length, position)).bytesRead, close: () => fh.close() });
}

export async function* readEvtxSource(file: string, opts: ReadOptions): AsyncIterable<SourceItem> {
  let handle: EvtxFileHandle;
  try {
    handle = await openEvtxPath(file);
  } catch (e) {
    yield issue(opts, e instanceof EvtxError ? `not an EVTX file: ${e.message}` : `cannot read: ${errnoText(e)}${liveLogHint(e, file)}`, { fatal: true });
    return;
  }
  try {
    const cache = new TemplateCache();
    const integrity = new EvtxIntegrity(handle.header, handle.size);
    for (const f of integrity.begin()) yield findingItem(opts.file, f);
    let index = 0;
    for await (const slot of handle.slots()) {
      const r = evtxChunkItems(slot, cache, opts, index, 'direct', integrity);
      index = r.index;
      yield* r.items;
    }
    for (const f of integrity.end()) yield findingItem(opts.file, f);
  } finally {
    await handle.close();
  }
}
