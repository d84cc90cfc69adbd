/**
 * Whether an EVTX file is whole and unchanged, from its own checks (evtx-format.md §1): the CRCs
 * of the file header, of each chunk header and of each chunk's records, and the header's chunk
 * count against the chunks the file holds. The rule, decided on the corpus (docs/definitions.md
 * "damaged chunk"):
 *
 * - problems: a CRC that fails (the bytes changed after Windows wrote them: records read from such
 *   a chunk may carry wrong values), and a file shorter than its header's chunk count (cut short:
 *   records are missing);
 * - notes: a file or chunk that says it carries no CRCs (flag NO_CRC32: nothing to check), and
 *   more chunks than the header counts (a log copied while open, dirty flag: the header is written
 *   last, so its count lags; every chunk is read anyway).
 *
 * Pure: no Node APIs (the offline page runs it too).
 */
import type { ChunkHeader } from './chunk-header.js';
import type { ChunkState } from './chunk.js';
import { chunkSlotCount, type FileHeader } from './file-header.js';

/** The check a finding comes from. */
export type IntegrityCheck = 'file header CRC' | 'chunk header CRC' | 'chunk data CRC' | 'file length' | 'chunk count' | 'no CRC';

export interface IntegrityFinding {
  /** problem: records may be wrong or missing; note: normal for such a file, nothing is lost. */
  severity: 'problem' | 'note';
  /** The checks that failed (a chunk may fail both of its CRCs). */
  checks: IntegrityCheck[];
  /** Chunk slot index, for a chunk's findings. */
  chunk?: number;
  /** File offset of what was checked (0: the file header; a chunk's start; the end of a cut file). */
  offset: number;
  message: string;
  /** Record ids concerned: a damaged chunk's records (read and kept), or those a cut file lacks. */
  firstRecordId?: number;
  lastRecordId?: number;
}

/** File and chunk header flag: the writer computed no CRCs. */
const NO_CRC32 = 0x4;

const range = (first: number, last: number) => (first === last ? `record ${first}` : `records ${first}–${last}`);

/** The CRC checks a chunk fails; none when it was not checked or the file or the chunk carries no CRCs. */
export function failedChunkChecks(chunk: ChunkHeader | undefined, file: FileHeader): IntegrityCheck[] {
  if (chunk === undefined || file.noCrc32 || (chunk.flags & NO_CRC32) !== 0) return [];
  const failed: IntegrityCheck[] = [];
  if (chunk.headerCrcOk === false) failed.push('chunk header CRC');
  if (chunk.dataCrcOk === false) failed.push('chunk data CRC');
  return failed;
}

/**
 * Follows one file's chunks in order: begin() before the first, chunk() after each (with the ids
 * of the records read from it), end() after the last. Each returns what it found.
 */
export class EvtxIntegrity {
  private chunks = 0;
  private noCrcChunks = 0;
  private maxRecordId: number | null = null;

  constructor(
    private readonly header: FileHeader,
    private readonly fileSize: number,
  ) {}

  begin(): IntegrityFinding[] {
    const h = this.header;
    if (h.noCrc32) return [{ severity: 'note', checks: ['no CRC'], offset: 0, message: 'CRCs not checked: the file says it carries none (NO_CRC32 flag)' }];
    if (h.crcOk === false) {
      const message = `file header CRC mismatch (stored 0x${hex(h.crcStored)}, computed 0x${hex(h.crcComputed)}): the header's counts and flags cannot be trusted; the chunks are checked on their own`;
      return [{ severity: 'problem', checks: ['file header CRC'], offset: 0, message }];
    }
    return [];
  }

  /** `ids`: the first and last record id read from the chunk (null when none was). Returns the chunk's finding, if any. */
  chunk(index: number, offset: number, state: ChunkState, header: ChunkHeader | undefined, ids: { first: number; last: number } | null): IntegrityFinding | null {
    if (state === 'ok') this.chunks++;
    if (ids !== null) this.maxRecordId = Math.max(this.maxRecordId ?? ids.last, ids.last);
    if (header !== undefined && !this.header.noCrc32 && (header.flags & NO_CRC32) !== 0) this.noCrcChunks++;
    const failed = failedChunkChecks(header, this.header);
    if (failed.length === 0) return null;
    const what = failed.map((c) => c.replace('chunk ', '')).join(' and ');
    const records = ids === null ? 'no record was read from it' : `${range(ids.first, ids.last)} read from it may carry changed values`;
    const finding: IntegrityFinding = {
      severity: 'problem',
      checks: failed,
      chunk: index,
      offset,
      message: `chunk ${index}: ${what} mismatch (the chunk changed after it was written): ${records}`,
    };
    if (ids !== null) {
      finding.firstRecordId = ids.first;
      finding.lastRecordId = ids.last;
    }
    return finding;
  }

  end(): IntegrityFinding[] {
    const h = this.header;
    const out: IntegrityFinding[] = [];
    if (this.noCrcChunks > 0) {
      out.push({ severity: 'note', checks: ['no CRC'], offset: 0, message: `CRCs not checked in ${this.noCrcChunks} chunk${this.noCrcChunks === 1 ? '' : 's'} that say they carry none (NO_CRC32 flag)` });
    }
    // a header whose CRC fails may hold any count: its own problem says so
    if (h.crcOk === false) return out;
    const slots = chunkSlotCount(this.fileSize);
    if (h.chunkCount > slots) {
      const last = h.nextRecordId - 1;
      const missing = this.maxRecordId !== null && last > this.maxRecordId ? { first: this.maxRecordId + 1, last } : null;
      const finding: IntegrityFinding = {
        severity: 'problem',
        checks: ['file length'],
        offset: this.fileSize,
        message: `the file ends after ${slots} chunk${slots === 1 ? '' : 's'} but its header counts ${h.chunkCount}: it was cut short (an incomplete copy?) and the records of ${h.chunkCount - slots} chunk${h.chunkCount - slots === 1 ? ' are' : 's are'} missing${missing ? ` (the header's next record id says ${range(missing.first, missing.last)})` : ''}`,
      };
      if (missing) {
        finding.firstRecordId = missing.first;
        finding.lastRecordId = missing.last;
      }
      out.push(finding);
    } else if (this.chunks > h.chunkCount) {
      const why = h.dirty ? 'the log was copied while open (dirty flag) and its header is written last' : 'its header was not updated';
      out.push({ severity: 'note', checks: ['chunk count'], offset: 0, message: `the header counts ${h.chunkCount} chunk${h.chunkCount === 1 ? '' : 's'}, the file holds ${this.chunks}: ${why}; every chunk was read` });
    }
    return out;
  }
}

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, '0');
}
