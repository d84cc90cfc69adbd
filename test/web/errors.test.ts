/**
 * errorAnswer / clientErrorAnswer: whatever raised an error, the answer is a WEB_* code with the
 * status docs/errors.md gives it (error-codes.test.ts triggers each code on a live server; these
 * are the mappings a live server cannot reach quickly, such as Node's own request timeout).
 */
import { describe, expect, it } from 'vitest';
import { clientErrorAnswer, errorAnswer, WebError } from '../../src/web/errors.js';

const fastifyError = (code: string, statusCode: number) => Object.assign(new Error(code), { code, statusCode });

describe('errorAnswer', () => {
  it('keeps a WebError as it is, field included', () => {
    expect(errorAnswer(new WebError('bad at', 'WEB_BAD_REQUEST', 'at'))).toEqual({ status: 400, body: { error: 'WEB_BAD_REQUEST', message: 'bad at', field: 'at' }, internal: false });
  });

  it('gives fastify\'s own errors the documented codes', () => {
    expect(errorAnswer(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413)).body.error).toBe('WEB_PAYLOAD_TOO_LARGE');
    expect(errorAnswer(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415)).body.error).toBe('WEB_UNSUPPORTED_MEDIA');
    expect(errorAnswer(fastifyError('FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400))).toMatchObject({ status: 400, body: { error: 'WEB_BAD_REQUEST' } });
    expect(errorAnswer(fastifyError('FST_ERR_BAD_URL', 400))).toMatchObject({ status: 400, body: { error: 'WEB_BAD_REQUEST' } });
  });

  it('maps other client errors by status, any other 4xx to 400, and the rest to 500 without its message', () => {
    expect(errorAnswer(fastifyError('SOMETHING', 404))).toMatchObject({ status: 404, body: { error: 'WEB_NOT_FOUND' } });
    expect(errorAnswer(fastifyError('RANGE', 416))).toMatchObject({ status: 400, body: { error: 'WEB_BAD_REQUEST' } });
    const internal = errorAnswer(new Error('password=hunter2 in a stack'));
    expect(internal).toEqual({ status: 500, body: { error: 'WEB_INTERNAL', message: 'internal error (see the server log)' }, internal: true });
    expect(errorAnswer(Object.assign(new Error('worker died'), { code: 'WEB_INGEST_WORKER' }))).toMatchObject({ status: 500, body: { error: 'WEB_INGEST_WORKER' }, internal: true });
  });
});

describe('clientErrorAnswer (errors of the HTTP parser)', () => {
  it('answers Node\'s request timeout 408, oversized headers 431, anything else 400', () => {
    expect(clientErrorAnswer('ERR_HTTP_REQUEST_TIMEOUT')).toMatchObject({ status: 408, body: { error: 'WEB_TIMEOUT' } });
    expect(clientErrorAnswer('HPE_HEADER_OVERFLOW')).toMatchObject({ status: 431, body: { error: 'WEB_HEADERS_TOO_LARGE' } });
    expect(clientErrorAnswer('HPE_INVALID_METHOD')).toMatchObject({ status: 400, body: { error: 'WEB_BAD_REQUEST' } });
    expect(clientErrorAnswer(undefined)).toMatchObject({ status: 400, body: { error: 'WEB_BAD_REQUEST' } });
  });
});
