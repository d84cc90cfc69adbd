/**
 * The instant a read answers for: `at` as parseAt reads it, or `at=latest`, the newest stored event
 * (the same instant as `--at latest`); without `at`, now. An empty store makes `latest` now.
 */
import { newestEventTime } from '../analysis/newest.js';
import type { AppContext } from './context.js';
import { one, parseAt, type Query } from './params.js';

export async function resolveAt(q: Query, ctx: AppContext): Promise<number> {
  if (one(q, 'at')?.toLowerCase() === 'latest') return (await newestEventTime(ctx.store, ctx.now())) ?? ctx.now();
  return parseAt(q, ctx.now());
}
