/**
 * EVTX files → RawEvent stream. Reads chunk by chunk (bounded memory), one RawEvent per readable
 * record; damaged records and chunks become InputIssues and reading goes on; a file that is not
 * EVTX at all yields one fatal issue.
 */
import { TemplateCache } from '../evtx/binxml/template-cache.js';
import { parseChunk } from '../evtx/chunk.js';
import { EvtxError } from '../evtx/errors.js';
import { eventDataValues, parseSystemTime, systemFields } from '../evtx/fields.js';
import { openEvtxFile, type EvtxFileHandle } from '../evtx/node/read-file.js';
import type { InputIssue, ReadOptions, SourceItem } from './types.js';

function issue(opts: ReadOptions, reason: string, extra: Partial<InputIssue> = {}): SourceItem {
  return { ok: false, issue: { file: opts.file, format: 'evtx', reason, ...extra } };
}

export async function* readEvtxSource(file: string, opts: ReadOptions): AsyncIterable<SourceItem> {
  let handle: EvtxFileHandle;
  try {
    handle = await openEvtxFile(file);
  } catch (e) {
    yield issue(opts, e instanceof EvtxError ? `not an EVTX file: ${e.message}` : `cannot read: ${(e as Error).message}`, { fatal: true });
    return;
  }
  try {
    const cache = new TemplateCache();
    let index = 0;
    for await (const slot of handle.slots()) {
      // The reader's pure CRC (no node:zlib): this module is bundled into the browser dashboard too.
      const chunk = parseChunk(slot.bytes, slot.index, slot.offset, { cache });
      if (chunk.state === 'bad-magic') yield issue(opts, `chunk ${slot.index}: not a chunk (bad signature), skipped`, { offset: slot.offset });
      else if (chunk.state === 'short') yield issue(opts, `chunk ${slot.index}: file ends inside the chunk (${slot.bytes.length} bytes), skipped`, { offset: slot.offset });
      for (const r of chunk.records) {
        if (!r.ok) {
          yield issue(opts, r.error.message, { record: r.error.context.recordId, offset: r.error.context.offset });
          continue;
        }
        const rec = r.record;
        const f = systemFields(rec.nodes);
        if (!f || f.eventId === null) {
          yield issue(opts, `record ${rec.recordId}: no System/EventID`, { record: rec.recordId, offset: rec.offset });
          continue;
        }
        yield {
          ok: true,
          event: {
            eventId: f.eventId & 0xffff,
            ...(f.qualifiers !== undefined ? { qualifiers: f.qualifiers } : {}),
            ...(f.provider !== undefined || f.eventSourceName !== undefined ? { provider: f.provider ?? f.eventSourceName } : {}),
            channel: f.channel || opts.channel || '',
            host: f.computer || opts.host || '',
            recordId: f.recordId ?? rec.recordId,
            time: f.timeMs ?? parseSystemTime(rec.written) ?? Number.NaN,
            data: eventDataValues(rec.nodes) ?? [],
            origin: { file: opts.file, format: 'evtx', index: index++ },
          },
        };
      }
      if (chunk.walkStop) yield issue(opts, chunk.walkStop.message, { offset: chunk.walkStop.context.offset });
    }
  } finally {
    await handle.close();
  }
}
