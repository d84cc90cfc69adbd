/**
 * The reader's contract (src/evtx/README.md): everything outside src/evtx/node/ is pure — bytes in,
 * records out, with ES2022 and what a browser has (Uint8Array, DataView, TextDecoder) — so the same
 * code runs in the dashboard's offline page. Checked two ways:
 *  - those files type-check against the ES2022 + DOM libraries alone, without Node's types, so a
 *    `Buffer`, `process` or `node:` import is a compile error;
 *  - every import they make stays inside src/evtx and out of src/evtx/node (no KMS, SQL or Node
 *    module can come in through a sibling folder either).
 * Each check is also run on a probe file that breaks it, so neither can pass by checking nothing.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { specifiers } from '../helpers/imports.js';

const evtxDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/evtx');
const nodeDir = path.join(evtxDir, 'node');
/**
 * The one module of node/ the pure reader may re-export: it explains file errors with no Node API
 * of its own, and the sources layer (bundled for the browser) takes it through index.ts. It is held
 * to the same two checks as the pure files.
 */
const PURE_IN_NODE = path.join(nodeDir, 'live-log.ts');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return full === nodeDir ? [PURE_IN_NODE] : tsFiles(full);
    return d.name.endsWith('.ts') ? [full] : [];
  });
}

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: [],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
};

/** Type errors of `files` (and whatever they import) with browser libraries only, as `file: message`. */
function browserTypeErrors(files: string[]): string[] {
  const program = ts.createProgram(files, OPTIONS);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? path.relative(evtxDir, d.file.fileName) : '';
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

/** Imports of `file` that leave the pure reader, as `file -> specifier`. */
function foreignImports(file: string, text: string): string[] {
  return specifiers(file, text)
    .filter((spec) => {
      if (!spec.startsWith('.')) return true; // a package or node: module
      const target = path.resolve(path.dirname(file), spec);
      const inside = target.startsWith(evtxDir + path.sep);
      return !inside || (target.startsWith(nodeDir + path.sep) && target.replace(/\.js$/, '.ts') !== PURE_IN_NODE);
    })
    .map((spec) => `${path.relative(evtxDir, file)} -> ${spec}`);
}

const probeDir = mkdtempSync(path.join(tmpdir(), 'kmswatch-purity-'));
afterAll(() => rmSync(probeDir, { recursive: true, force: true }));

describe('src/evtx is pure outside node/', () => {
  const files = tsFiles(evtxDir);

  it('finds the reader files', () => {
    // The stages README.md names, so a wrong directory cannot make both checks pass vacuously.
    const names = files.map((f) => path.relative(evtxDir, f).split(path.sep).join('/'));
    expect(names).toEqual(expect.arrayContaining(['file-header.ts', 'chunk.ts', 'binxml/parse.ts', 'render/xml.ts', 'render/json.ts', 'index.ts']));
    expect(names.filter((n) => n.startsWith('node/'))).toEqual(['node/live-log.ts']);
  });

  it('type-checks with ES2022 + DOM and no Node types', () => {
    expect(browserTypeErrors(files)).toEqual([]);
  });

  it('imports nothing from outside src/evtx or from src/evtx/node', () => {
    expect(files.flatMap((f) => foreignImports(f, readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('would catch Node globals and foreign imports (probe)', () => {
    const probe = path.join(probeDir, 'probe.ts');
    writeFileSync(probe, 'export const n: number = Buffer.byteLength("x") + process.pid;\n');
    const errors = browserTypeErrors([probe]);
    expect(errors.some((e) => e.includes("Cannot find name 'Buffer'"))).toBe(true);
    expect(errors.some((e) => e.includes("Cannot find name 'process'"))).toBe(true);
    const inside = path.join(evtxDir, 'render', 'probe.ts');
    const text = [
      "import { x } from '../node/read-file.js';",
      "import { y } from '../../kms/decode.js';",
      "import { readFileSync } from 'node:fs';",
      "export { z } from '../bytes.js';",
      "const w = await import('../chunk.js');",
    ].join('\n');
    expect(foreignImports(inside, text)).toEqual(['render/probe.ts -> ../node/read-file.js', 'render/probe.ts -> ../../kms/decode.js', 'render/probe.ts -> node:fs']);
  });
});
