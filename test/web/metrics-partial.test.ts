/**
 * docs/definitions.md "partial" on /metrics: kms_count_partial{host,application} is 1 for a count
 * computed from less than the 30-day window (kms-short's stored log covers 12 of the 30 days,
 * test/helpers/partial-fleet.ts), 0 for one computed from all of it (kms-full's covers 40).
 */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory.js';
import { createApp } from '../../src/web/app.js';
import { AT, FULL, SHORT, partialFleet } from '../helpers/partial-fleet.js';

describe('GET /metrics', () => {
  it('says which counts are partial in a series of their own', async () => {
    const store = await partialFleet(createMemoryStore());
    const app = createApp({ store, timezone: 'UTC', now: () => AT, staticDir: null, version: '0.0.0', registry: new Registry() });
    try {
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      const lines = res.body.split('\n');
      expect(lines).toContain('# TYPE kms_count_partial gauge');
      expect(lines.filter((l) => l.startsWith('kms_count_partial{')).sort()).toEqual([
        `kms_count_partial{host="${FULL}",application="Windows"} 0`,
        `kms_count_partial{host="${SHORT}",application="Windows"} 1`,
      ]);
      // the count series itself keeps its labels
      expect(lines.filter((l) => l.startsWith('kms_current_count{')).sort()).toEqual([
        `kms_current_count{host="${FULL}",application="Windows"} 30`,
        `kms_current_count{host="${SHORT}",application="Windows"} 30`,
      ]);
    } finally {
      await app.close();
    }
  });
});
