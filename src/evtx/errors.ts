/**
 * Errors of the EVTX reader. Every error names where it happened (chunk index, absolute file
 * offset), what was being read and why it failed, so a damaged record can be reported and skipped.
 */
export interface EvtxErrorContext {
  /** Index of the 64 KiB chunk slot (0-based), when inside a chunk. */
  chunk?: number;
  /** Absolute byte offset in the file. */
  offset?: number;
  /** Record id from the record header, when known. */
  recordId?: number;
  /** What was being read, e.g. `record.size` or `template.values`. */
  what: string;
}

export type EvtxErrorCode =
  | 'EVTX_NOT_EVTX'
  | 'EVTX_TRUNCATED'
  | 'EVTX_BAD_RECORD'
  | 'EVTX_BAD_TOKEN'
  | 'EVTX_MISSING_TEMPLATE'
  | 'EVTX_LIMIT'
  | 'EVTX_BAD_VALUE';

function describe(ctx: EvtxErrorContext): string {
  const where: string[] = [];
  if (ctx.chunk !== undefined) where.push(`chunk ${ctx.chunk}`);
  if (ctx.offset !== undefined) where.push(`offset 0x${ctx.offset.toString(16)}`);
  if (ctx.recordId !== undefined) where.push(`record ${ctx.recordId}`);
  return where.length ? ` (${where.join(', ')})` : '';
}

export abstract class EvtxError extends Error {
  abstract readonly code: EvtxErrorCode;
  override readonly name: string = 'EvtxError';
  readonly context: EvtxErrorContext;
  constructor(message: string, context: EvtxErrorContext, options?: { cause?: unknown }) {
    super(`${context.what}: ${message}${describe(context)}`, options);
    this.context = context;
  }
  /** The reason without location, for one-line reports. */
  get reason(): string {
    return this.message;
  }
}

/** The input is not an EVTX file at all (bad file magic, too short). */
export class NotEvtxError extends EvtxError {
  override readonly name = 'NotEvtxError';
  readonly code = 'EVTX_NOT_EVTX';
}

/** A read ran past the end of its enclosing structure. */
export class TruncatedError extends EvtxError {
  override readonly name = 'TruncatedError';
  readonly code = 'EVTX_TRUNCATED';
  readonly need: number;
  readonly have: number;
  constructor(context: EvtxErrorContext, need: number, have: number) {
    super(`need ${need} bytes, have ${Math.max(0, have)}`, context);
    this.need = need;
    this.have = Math.max(0, have);
  }
}

/** A record header that is inconsistent (magic, size, size copy). */
export class BadRecordError extends EvtxError {
  override readonly name = 'BadRecordError';
  readonly code = 'EVTX_BAD_RECORD';
}

/** An unknown or misplaced BinXML token. */
export class BadTokenError extends EvtxError {
  override readonly name = 'BadTokenError';
  readonly code = 'EVTX_BAD_TOKEN';
  readonly token: number;
  constructor(token: number, context: EvtxErrorContext, detail = 'unexpected token') {
    super(`${detail} 0x${token.toString(16).padStart(2, '0')}`, context);
    this.token = token;
  }
}

/** A template instance points at a definition that is not there. */
export class MissingTemplateError extends EvtxError {
  override readonly name = 'MissingTemplateError';
  readonly code = 'EVTX_MISSING_TEMPLATE';
}

/** A count, size or nesting depth read from the file exceeds a configured limit. */
export class LimitError extends EvtxError {
  override readonly name = 'LimitError';
  readonly code = 'EVTX_LIMIT';
}

/** A value whose bytes cannot be what its type says (wrong size for a fixed-width type...). */
export class BadValueError extends EvtxError {
  override readonly name = 'BadValueError';
  readonly code = 'EVTX_BAD_VALUE';
}

export type AnyEvtxError =
  | NotEvtxError
  | TruncatedError
  | BadRecordError
  | BadTokenError
  | MissingTemplateError
  | LimitError
  | BadValueError;
