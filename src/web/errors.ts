/**
 * Errors of the web layer: each maps to one HTTP status and carries a stable code. Every error
 * answer of the server is `{ error: <WEB_* code>, message, field? }`, whatever raised it (a route,
 * fastify's body handling, the HTTP parser): errorAnswer() and clientErrorAnswer() say which.
 */
export type WebErrorCode =
  | 'WEB_BAD_REQUEST'
  | 'WEB_UNAUTHORIZED'
  | 'WEB_FORBIDDEN'
  | 'WEB_NOT_FOUND'
  | 'WEB_TIMEOUT'
  | 'WEB_PAYLOAD_TOO_LARGE'
  | 'WEB_UNSUPPORTED_MEDIA'
  | 'WEB_HOST_NOT_ALLOWED'
  | 'WEB_BUSY'
  | 'WEB_HEADERS_TOO_LARGE'
  | 'WEB_INTERNAL'
  | 'WEB_INGEST_WORKER'
  | 'WEB_NO_DASHBOARD'
  | 'WEB_READ_ONLY';

export const WEB_STATUS: Readonly<Record<WebErrorCode, number>> = {
  WEB_BAD_REQUEST: 400,
  /** No credentials: a token is needed (WWW-Authenticate says which kind). */
  WEB_UNAUTHORIZED: 401,
  /** Credentials given but wrong, or writes are off (the server has no token). */
  WEB_FORBIDDEN: 403,
  WEB_NOT_FOUND: 404,
  /** The body (or the headers) did not arrive within the read timeout. */
  WEB_TIMEOUT: 408,
  WEB_PAYLOAD_TOO_LARGE: 413,
  WEB_UNSUPPORTED_MEDIA: 415,
  /** Host header names another server: the DNS rebinding defence of a loopback server. */
  WEB_HOST_NOT_ALLOWED: 421,
  /** Ingest queue full: send the same batch again after Retry-After seconds. */
  WEB_BUSY: 429,
  WEB_HEADERS_TOO_LARGE: 431,
  WEB_INTERNAL: 500,
  WEB_INGEST_WORKER: 500,
  WEB_NO_DASHBOARD: 503,
  /** A write to a store opened read-only (a read-only file, folder or PostgreSQL role). */
  WEB_READ_ONLY: 503,
};

/** What a write to a store opened read-only is answered with. */
export const READ_ONLY_MESSAGE = 'the store is open read-only: nothing can be stored (a read-only database file, folder or PostgreSQL role)';

export class WebError extends Error {
  override readonly name = 'WebError';
  readonly statusCode: number;
  constructor(
    message: string,
    readonly code: WebErrorCode,
    /** The query parameter, header or route part the error is about. */
    readonly field?: string,
    /** Headers the answer carries (WWW-Authenticate, Retry-After). */
    readonly headers?: Readonly<Record<string, string | readonly string[]>>,
  ) {
    super(message);
    this.statusCode = WEB_STATUS[code];
  }
}

export interface ErrorAnswer {
  status: number;
  body: { error: WebErrorCode; message: string; field?: string };
  /** True for a failure of the server itself (to be logged). */
  internal: boolean;
}

/** fastify's own errors (body handling, routing) under the codes of docs/errors.md. */
const FASTIFY_CODES: Readonly<Record<string, WebErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'WEB_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'WEB_UNSUPPORTED_MEDIA',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'WEB_BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'WEB_BAD_REQUEST',
  FST_ERR_CTP_INVALID_TYPE: 'WEB_UNSUPPORTED_MEDIA',
  FST_ERR_CTP_EMPTY_TYPE: 'WEB_UNSUPPORTED_MEDIA',
  FST_ERR_BAD_URL: 'WEB_BAD_REQUEST',
  FST_ERR_NOT_FOUND: 'WEB_NOT_FOUND',
};

/** Other 4xx answers (from @fastify/static, say) by status. */
const STATUS_CODES: Readonly<Record<number, WebErrorCode>> = {
  401: 'WEB_UNAUTHORIZED',
  403: 'WEB_FORBIDDEN',
  404: 'WEB_NOT_FOUND',
  408: 'WEB_TIMEOUT',
  413: 'WEB_PAYLOAD_TOO_LARGE',
  415: 'WEB_UNSUPPORTED_MEDIA',
  429: 'WEB_BUSY',
  431: 'WEB_HEADERS_TOO_LARGE',
};

/** The answer for any error thrown while handling a request. */
export function errorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof WebError) {
    return { status: error.statusCode, body: { error: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) }, internal: false };
  }
  const e = error as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (e && e.code === 'WEB_INGEST_WORKER') {
    return { status: WEB_STATUS.WEB_INGEST_WORKER, body: { error: 'WEB_INGEST_WORKER', message: 'an ingest worker failed on this body (see the server log); send it again' }, internal: true };
  }
  const message = typeof e?.message === 'string' ? e.message : String(error);
  // a write that reached a store opened read-only (StoreError STORE_READ_ONLY): the server's setup, not a bug
  // (its message names the database: not for the client)
  if (e && e.code === 'STORE_READ_ONLY') return { status: WEB_STATUS.WEB_READ_ONLY, body: { error: 'WEB_READ_ONLY', message: READ_ONLY_MESSAGE }, internal: false };
  const known = typeof e?.code === 'string' ? FASTIFY_CODES[e.code] : undefined;
  if (known) return { status: WEB_STATUS[known], body: { error: known, message }, internal: false };
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    // any other client error (a range a dashboard file cannot satisfy, say) is a bad request
    const code = STATUS_CODES[status] ?? 'WEB_BAD_REQUEST';
    return { status: WEB_STATUS[code], body: { error: code, message }, internal: false };
  }
  return { status: 500, body: { error: 'WEB_INTERNAL', message: 'internal error (see the server log)' }, internal: true };
}

/** What the HTTP parser's errors (before any route runs) are answered with. */
export function clientErrorAnswer(nodeCode: string | undefined): ErrorAnswer {
  if (nodeCode === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, body: { error: 'WEB_TIMEOUT', message: 'the request did not arrive in time' }, internal: false };
  if (nodeCode === 'HPE_HEADER_OVERFLOW') return { status: 431, body: { error: 'WEB_HEADERS_TOO_LARGE', message: 'the request headers are too large' }, internal: false };
  return { status: 400, body: { error: 'WEB_BAD_REQUEST', message: 'malformed HTTP request' }, internal: false };
}
