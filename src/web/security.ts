/** Response headers every page and API answer carries, and the bearer-token check for writes. */
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

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Every write needs `Authorization: Bearer <token>`. Without a configured token the server is
 * read-only: writes are refused rather than left open.
 */
export function requireToken(request: FastifyRequest, token: string | undefined): void {
  if (!token) throw new WebError('writes are disabled: start kmswatch serve with --token or KMSWATCH_TOKEN', 'WEB_FORBIDDEN', 'authorization');
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new WebError('missing bearer token (Authorization: Bearer <token>)', 'WEB_UNAUTHORIZED', 'authorization');
  // Compare digests: equal length, constant time, whatever was sent.
  if (!timingSafeEqual(digest(match[1]), digest(token))) throw new WebError('wrong bearer token', 'WEB_UNAUTHORIZED', 'authorization');
}
