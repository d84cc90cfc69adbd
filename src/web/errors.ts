/** Errors of the web layer: each maps to one HTTP status and carries a stable code. */
export type WebErrorCode = 'WEB_BAD_REQUEST' | 'WEB_UNAUTHORIZED' | 'WEB_FORBIDDEN' | 'WEB_NOT_FOUND' | 'WEB_UNSUPPORTED_MEDIA' | 'WEB_BUSY';

const STATUS: Record<WebErrorCode, number> = {
  WEB_BAD_REQUEST: 400,
  WEB_UNAUTHORIZED: 401,
  WEB_FORBIDDEN: 403,
  WEB_NOT_FOUND: 404,
  WEB_UNSUPPORTED_MEDIA: 415,
  /** Ingest queue full: send the same batch again after Retry-After seconds. */
  WEB_BUSY: 429,
};

export class WebError extends Error {
  override readonly name = 'WebError';
  readonly statusCode: number;
  constructor(
    message: string,
    readonly code: WebErrorCode,
    /** The query parameter, header or route part the error is about. */
    readonly field?: string,
  ) {
    super(message);
    this.statusCode = STATUS[code];
  }
}
