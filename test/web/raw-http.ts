/**
 * HTTP/1.1 spoken over a bare socket, for what fetch cannot do: any Host header, headers too large
 * to send, a body sent slowly in pieces while watching for an early answer.
 */
import net from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Parsed body when it is JSON. */
  json: Record<string, unknown> | null;
}

export function parseAnswer(text: string): RawAnswer {
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const [statusLine, ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = end < 0 ? '' : text.slice(end + 4);
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, body, json };
}

/** Sends `head` (and `body`) as given and reads until the server closes or `timeoutMs` passes. */
export function rawRequest(port: number, head: string, body: string | Buffer = '', timeoutMs = 10_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms: ${Buffer.concat(chunks).toString('latin1').slice(0, 200)}`));
    }, timeoutMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseAnswer(Buffer.concat(chunks).toString('utf8')));
    });
    socket.write(head);
    if (body.length) socket.write(body);
  });
}

export interface SlowUploadResult {
  answer: RawAnswer;
  /** Body bytes the client had handed to its socket when the first byte of the answer arrived (-1: no answer). */
  sentBeforeAnswer: number;
  /** Body bytes handed to the socket in all. */
  sent: number;
  /** ms from the headers to the answer, and to the server's close. */
  answerMs: number;
  closeMs: number;
}

export interface SlowUploadOptions {
  port: number;
  /** Default /api/ingest. */
  path?: string;
  /** Extra header lines, each ending in \r\n. */
  headers?: string;
  total: number;
  /** What is sent (default: spaces); `total` bytes of it. */
  body?: Buffer;
  piece: number;
  pauseMs: number;
  /** Called when the answer starts arriving (for a server-side reading at that instant). */
  onAnswer?: () => void;
  /** Give up after this long. */
  timeoutMs?: number;
}

/**
 * POST (to /api/ingest unless told) with `Content-Length: total`, the body sent `piece` bytes at a time with
 * `pauseMs` between pieces, until the server answers and closes or the whole body is sent.
 */
export async function slowUpload(opts: SlowUploadOptions): Promise<SlowUploadResult> {
  const socket = net.connect(opts.port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const chunks: Buffer[] = [];
  let sent = 0;
  let sentBeforeAnswer = -1;
  let answerMs = -1;
  let closeMs = -1;
  let closed = false;
  const start = Date.now();
  socket.on('data', (d: Buffer) => {
    if (sentBeforeAnswer < 0) {
      sentBeforeAnswer = sent;
      answerMs = Date.now() - start;
      opts.onAnswer?.();
    }
    chunks.push(d);
  });
  // writes after the server closed fail with EPIPE / ECONNRESET: expected here
  socket.on('error', () => undefined);
  const closedPromise = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closed = true;
      closeMs = Date.now() - start;
      resolve();
    }),
  );
  socket.write(`POST ${opts.path ?? '/api/ingest'} HTTP/1.1\r\nHost: 127.0.0.1:${opts.port}\r\nContent-Type: application/x-ndjson\r\nContent-Length: ${opts.total}\r\n${opts.headers ?? ''}\r\n`);
  const filler = Buffer.alloc(opts.piece, 0x20);
  const deadline = start + (opts.timeoutMs ?? 60_000);
  while (!closed && sent < opts.total && Date.now() < deadline) {
    const n = Math.min(opts.piece, opts.total - sent);
    socket.write(opts.body ? opts.body.subarray(sent, sent + n) : filler.subarray(0, n));
    sent += n;
    await new Promise((resolve) => setTimeout(resolve, opts.pauseMs));
  }
  await Promise.race([closedPromise, new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())))]);
  socket.destroy();
  return { answer: parseAnswer(Buffer.concat(chunks).toString('utf8')), sentBeforeAnswer, sent, answerMs, closeMs };
}
