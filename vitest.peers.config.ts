import { defineConfig } from 'vitest/config';

/** `npm run test:peers`: the tests that run evtxexport (libevtx-utils) and evtx_dump.py (python3-evtx) live. */
export default defineConfig({
  test: {
    include: ['test/peers/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['./test/helpers/temp-root.ts'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
