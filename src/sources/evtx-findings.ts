/**
 * EVTX integrity findings (src/evtx/integrity.ts) as InputIssues, and the marking of the events
 * read from a damaged chunk. Pure: the file reader and the in-memory reader (offline page) share it.
 */
import type { IntegrityFinding } from '../evtx/index.js';
import type { InputIssue, SourceItem } from './types.js';

export function findingIssue(file: string, f: IntegrityFinding): InputIssue {
  const issue: InputIssue = { file, format: 'evtx', reason: f.message, offset: f.offset, check: f.checks.join(', ') };
  if (f.severity === 'note') issue.note = true;
  if (f.chunk !== undefined) issue.chunk = f.chunk;
  if (f.firstRecordId !== undefined) issue.firstRecordId = f.firstRecordId;
  if (f.lastRecordId !== undefined) issue.lastRecordId = f.lastRecordId;
  return issue;
}

export function findingItem(file: string, f: IntegrityFinding): SourceItem {
  return { ok: false, issue: findingIssue(file, f) };
}

/** A damaged chunk's items (`items`, all of them the chunk's): its finding first, then its events marked with where they came from. */
export function markDamagedChunk(items: SourceItem[], file: string, f: IntegrityFinding): void {
  const damage = { chunk: f.chunk ?? -1, checks: f.checks.join(', ') };
  for (const item of items) if (item.ok) item.event.damage = damage;
  items.unshift(findingItem(file, f));
}
