/**
 * A read timeout for request bodies: the body must have arrived in full within `ms` of the
 * request's headers. The request stream is wrapped rather than destroyed, so that the error
 * reaches fastify's body reader and is answered (408) before the connection is closed.
 */
import { PassThrough, type Readable } from 'node:stream';

export function withReadTimeout(payload: Readable, ms: number, timeoutError: () => Error): Readable {
  const out = new PassThrough();
  const stop = () => clearTimeout(timer);
  const timer = setTimeout(() => {
    payload.unpipe(out);
    payload.pause();
    out.destroy(timeoutError());
  }, ms);
  payload.once('end', stop);
  payload.on('error', (e) => {
    stop();
    out.destroy(e);
  });
  out.once('close', stop);
  payload.pipe(out);
  return out;
}
