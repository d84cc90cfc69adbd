/**
 * Builds the dashboard and the offline analysis page into dist/dashboard (served by src/web/app.ts).
 * The offline page runs the project's own src/evtx, src/sources, src/kms and src/analysis code in
 * the browser; the few Node built-ins they touch are replaced by the shims beside this file.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const shim = (name: string) => path.join(here, 'shims', name);

export default defineConfig({
  root: here,
  base: './',
  publicDir: false,
  logLevel: 'warn',
  resolve: {
    alias: [
      { find: /^node:crypto$/, replacement: shim('node-crypto.ts') },
      { find: /^node:stream$/, replacement: shim('node-stream.ts') },
      { find: /^node:fs(\/promises)?$/, replacement: shim('node-fs.ts') },
      { find: /^csv-parse$/, replacement: shim('csv-parse.ts') },
      // iconv-lite (code pages of text exports, src/sources/codepage.ts) takes Buffer and StringDecoder from these
      { find: /^safer-buffer$/, replacement: shim('safer-buffer.ts') },
      { find: /^(node:)?string_decoder$/, replacement: shim('string-decoder.ts') },
    ],
  },
  // The offline page parses in a module worker (src/offline-worker.ts), emitted as its own ES file
  // under assets/ and started from 'self', as the Content-Security-Policy requires (no blob: URL).
  worker: { format: 'es' },
  build: {
    outDir: path.resolve(here, '../../../dist/dashboard'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // No inline polyfill: the Content-Security-Policy allows scripts from 'self' only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: { index: path.join(here, 'index.html'), offline: path.join(here, 'offline.html') },
    },
  },
});
