/**
 * POST /api/ingest for log shippers: NDJSON or JSON (Winlogbeat, Fluent Bit, NXLog, OpenWEC,
 * PowerShell), event XML, wevtutil text, or CSV exports, one batch per request. An export whose
 * events name no computer (Event Viewer CSV/TXT) needs `?host=` and is refused whole without it;
 * `?encoding=cp850` names the code page of a text export without a BOM. Bad records are reported with
 * their line and reason (400) while the good records of the same batch are stored; the store's
 * dedup key makes a re-sent batch add nothing. An EVTX body's chunks whose CRC fails are problems
 * too; their records are stored marked as `ingest` marks them, or left out with `?skipDamaged=1`.
 */
import type { FastifyInstance } from 'fastify';
import { unknownEncodingReason } from '../../sources/formats.js';
import { INPUT_FORMATS } from '../../sources/index.js';
import type { InputFormat, InputIssue } from '../../sources/types.js';
import { isValidTimezone } from '../../sources/time.js';
import type { AppContext } from '../context.js';
import { READ_ONLY_MESSAGE, WebError } from '../errors.js';
import { recordRequestHostNames, requestHost } from '../ingest/hosts.js';
import { createBodyParser } from '../ingest/pool.js';
import { writeParsed } from '../ingest/write-parsed.js';
import { HTTP_INGEST_SUCCESS_KEY } from '../metrics.js';
import { one, parseBool, type Query } from '../params.js';
import { requireWriteToken } from '../security.js';
import { withReadTimeout } from '../ingest/body-timeout.js';

/** What a client told 429 (queue full) should wait before sending the batch again. */
export const INGEST_RETRY_AFTER_SECONDS = 1;

export interface IngestRouteOptions {
  bodyLimit: number;
  /** The body must have arrived within this many ms of the headers. */
  bodyTimeoutMs: number;
  /** Worker threads for parsing (0 = inline). */
  workers: number;
  /** Bytes of bodies in hand at once before 429. */
  queueBytes: number;
}

/** At most this many issues are listed in a response; `issueCount` has them all. */
const MAX_LISTED_ISSUES = 100;

const CONTENT_TYPES = [
  'application/json',
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/json-seq',
  'application/xml',
  'text/xml',
  'text/csv',
  'text/plain',
  'application/octet-stream',
];

function formatFromRequest(q: Query, contentType: string | undefined): InputFormat | undefined {
  const forced = one(q, 'format');
  if (forced !== undefined) {
    if (!(INPUT_FORMATS as readonly string[]).includes(forced) || forced === 'evtx') {
      throw new WebError(`format: "${forced}" is not one of ${INPUT_FORMATS.filter((f) => f !== 'evtx').join(', ')}`, 'WEB_BAD_REQUEST', 'format');
    }
    return forced as InputFormat;
  }
  return /^(application|text)\/xml\b/i.test(contentType ?? '') ? 'xml' : undefined;
}

/** An issue or note as the answer lists it; an EVTX integrity finding names its chunk, check and record ids. */
function listedIssue(i: InputIssue) {
  return {
    reason: i.reason,
    format: i.format,
    ...(i.line !== undefined ? { line: i.line } : {}),
    ...(i.record !== undefined ? { record: i.record } : {}),
    ...(i.fatal ? { fatal: true } : {}),
    ...(i.chunk !== undefined ? { chunk: i.chunk } : {}),
    ...(i.check !== undefined ? { check: i.check } : {}),
    ...(i.firstRecordId !== undefined ? { firstRecordId: i.firstRecordId } : {}),
    ...(i.lastRecordId !== undefined ? { lastRecordId: i.lastRecordId } : {}),
  };
}

export function registerIngestRoutes(app: FastifyInstance, ctx: AppContext, options: IngestRouteOptions): void {
  const { bodyLimit, bodyTimeoutMs, queueBytes } = options;
  const parser = createBodyParser(options.workers);
  app.addHook('onClose', async () => parser.close());
  // a listening server starts its workers at once; in-process tests (inject) only when they ingest
  app.addHook('onListen', async () => parser.warm());
  // bodies being parsed or stored: bounded so that fast senders meet 429 instead of growing memory
  let pendingBytes = 0;
  // A scope of its own: bodies arrive as raw bytes here only; the readers do the parsing.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(CONTENT_TYPES, { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));

    const busy = () =>
      new WebError(`ingest queue full (${pendingBytes} bytes in hand): send the batch again in ${INGEST_RETRY_AFTER_SECONDS} s`, 'WEB_BUSY', undefined, {
        'retry-after': String(INGEST_RETRY_AFTER_SECONDS),
      });

    scope.post('/api/ingest', {
      bodyLimit,
      config: { write: true },
      // Everything that can be refused on the headers is, before a byte of the body is read.
      onRequest: async (request) => {
        requireWriteToken(request, ctx.token);
        if (ctx.store.readOnly) throw new WebError(READ_ONLY_MESSAGE, 'WEB_READ_ONLY');
        const length = Number(request.headers['content-length']);
        if (length > bodyLimit) throw new WebError(`body of ${length} bytes is over the limit of ${bodyLimit} (serve --body-limit)`, 'WEB_PAYLOAD_TOO_LARGE', 'body');
        if (pendingBytes > 0 && pendingBytes + length > queueBytes) throw busy();
      },
      preParsing: async (request, reply, payload) => {
        if (/^\s*100-continue\s*$/i.test(request.headers.expect ?? '')) reply.raw.writeContinue();
        return withReadTimeout(payload, bodyTimeoutMs, () => new WebError(`the body did not arrive within ${bodyTimeoutMs / 1000} s`, 'WEB_TIMEOUT', 'body'));
      },
    }, async (request, reply) => {
      const q = request.query as Query;
      const timezone = one(q, 'timezone') ?? ctx.timezone;
      if (!isValidTimezone(timezone)) throw new WebError(`timezone: "${timezone}" is not an IANA zone`, 'WEB_BAD_REQUEST', 'timezone');
      const body = request.body;
      if (!(body instanceof Uint8Array) || body.length === 0) throw new WebError('empty body: send NDJSON, a JSON array or event XML', 'WEB_BAD_REQUEST', 'body');
      const format = formatFromRequest(q, request.headers['content-type']);
      const encoding = one(q, 'encoding');
      const skipDamaged = parseBool(q, 'skipDamaged') === true;
      if (encoding !== undefined && !(await import('../../sources/codepage.js')).isKnownEncoding(encoding)) {
        throw new WebError(`encoding: ${unknownEncodingReason(encoding)}`, 'WEB_BAD_REQUEST', 'encoding');
      }
      const host = await requestHost(ctx.store, body, format, one(q, 'host'));
      if (pendingBytes > 0 && pendingBytes + body.length > queueBytes) throw busy();
      pendingBytes += body.length;
      let summary;
      try {
        const parsed = await parser.parse(body, {
          file: 'http', timezone, ...(format ? { format } : {}), ...(host.host !== undefined ? { host: host.host } : {}), ...(encoding !== undefined ? { encoding } : {}), skipDamaged,
        });
        summary = await writeParsed(ctx.store, parsed);
        await recordRequestHostNames(ctx.store, parsed.records, host);
      } finally {
        pendingBytes -= body.length;
      }
      const { issues, notes, files: _files, ...counts } = summary;
      if (issues.length === 0 && ctx.store.setMeta) await ctx.store.setMeta(HTTP_INGEST_SUCCESS_KEY, String(ctx.now()));
      reply.code(issues.length ? 400 : 200);
      return {
        ok: issues.length === 0,
        ...counts,
        issueCount: issues.length,
        issues: issues.slice(0, MAX_LISTED_ISSUES).map(listedIssue),
        notes: notes.slice(0, MAX_LISTED_ISSUES).map(listedIssue),
      };
    });
  });
}
