/** Response headers every page and API answer carries, and the token checks for writes and reads. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { WebError } from './errors.js';

/** No inline script or style, nothing from another origin. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const BEARER_CHALLENGE = 'Bearer realm="kmswatch"';
/** Browsers prompt for a user name and password on this one; the password is the read token. */
const BASIC_CHALLENGE = 'Basic realm="kmswatch", charset="UTF-8"';

/**
 * Why a token cannot be used, or null. A token with white space could never be sent in a Bearer
 * header, and an empty one would let anyone in who sends an empty one.
 */
export function tokenProblem(token: string): string | null {
  if (token.trim() === '') return 'is empty';
  if (/[\s\p{Cc}]/u.test(token)) return 'contains white space or control characters';
  return null;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Compares digests: equal length, constant time, whatever was sent; every token is compared. */
function matchesAny(sent: string, tokens: readonly string[]): boolean {
  const d = digest(sent);
  let ok = false;
  for (const token of tokens) ok = timingSafeEqual(d, digest(token)) || ok;
  return ok;
}

type Credentials = { scheme: 'bearer' | 'basic'; secret: string } | null;

/** `Bearer <token>`, or `Basic base64(user:password)` whose password is the token (the user is ignored). */
function credentials(request: FastifyRequest): Credentials {
  const header = request.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return { scheme: 'bearer', secret: bearer[1] };
  const basic = /^Basic\s+([A-Za-z0-9+/]+=*)\s*$/i.exec(header);
  if (basic) {
    const text = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = text.indexOf(':');
    if (colon >= 0) return { scheme: 'basic', secret: text.slice(colon + 1) };
  }
  return null;
}

/**
 * Every write needs `Authorization: Bearer <token>`: none → 401, a wrong one → 403. Without a
 * configured token the server is read-only: writes are refused (403) rather than left open.
 */
export function requireWriteToken(request: FastifyRequest, token: string | undefined): void {
  if (!token) throw new WebError('writes are disabled: start kmswatch serve with --token or KMSWATCH_TOKEN', 'WEB_FORBIDDEN', 'authorization');
  const sent = credentials(request);
  if (sent?.scheme !== 'bearer') {
    throw new WebError('missing bearer token (Authorization: Bearer <token>)', 'WEB_UNAUTHORIZED', 'authorization', { 'www-authenticate': BEARER_CHALLENGE });
  }
  if (!matchesAny(sent.secret, [token])) throw new WebError('wrong bearer token', 'WEB_FORBIDDEN', 'authorization');
}

/**
 * Reads of a server that has a read token: the read token or the write token, as a Bearer token
 * (scripts, Prometheus) or as the password of Basic authentication (browsers prompt for it). None
 * → 401; a wrong Bearer token → 403; a wrong Basic password → 401, so that the browser asks again.
 */
export function requireReadToken(request: FastifyRequest, tokens: readonly string[]): void {
  const sent = credentials(request);
  const challenge = { 'www-authenticate': [BEARER_CHALLENGE, BASIC_CHALLENGE] };
  if (!sent) throw new WebError('this server needs its read token (Authorization: Bearer <token>, or the password of Basic authentication)', 'WEB_UNAUTHORIZED', 'authorization', challenge);
  if (matchesAny(sent.secret, tokens)) return;
  if (sent.scheme === 'basic') throw new WebError('wrong password (the read token)', 'WEB_UNAUTHORIZED', 'authorization', challenge);
  throw new WebError('wrong bearer token', 'WEB_FORBIDDEN', 'authorization');
}
