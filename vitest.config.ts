import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/peers/ runs the independent EVTX readers live: `npm run test:peers` (vitest.peers.config.ts)
    exclude: ['test/peers/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['./test/helpers/temp-root.ts', './test/helpers/postgres-server.ts'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
