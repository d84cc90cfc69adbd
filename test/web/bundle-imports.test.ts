/**
 * The dashboard's pages are bundled for the browser (src/web/dashboard/vite.config.ts), and the
 * offline page pulls in the sources layer, the reader and the analysis. A Node built-in reached
 * from them that the config does not replace by a shim is "externalized" by vite: the build still
 * succeeds (with a warning), and the page breaks in the browser only where that module is used.
 * This walks the modules the pages reach, as the bundler does (relative imports, `import type`
 * left out), and holds every Node built-in and package among them to the config's aliases.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import viteConfig from '../../src/web/dashboard/vite.config.js';
import { specifiers } from '../helpers/imports.js';

const dashboard = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/web/dashboard');
const ENTRIES = ['src/main.ts', 'src/offline.ts'].map((f) => path.join(dashboard, f));
/** Packages written for the browser as well as for Node, which the pages may import as they are. */
const BROWSER_PACKAGES = new Set<string>([
  'uplot', // the dashboard's charts: a browser library
  'zod', // alert config validation: plain ES, no Node modules
  'saxes', // the XML reader's parser: plain ES, text in and events out
  'iconv-lite', // code pages of text exports (sources/codepage.ts): its Node needs are aliased, see below
]);

function aliases(): RegExp[] {
  const list = viteConfig.resolve?.alias;
  if (!Array.isArray(list)) throw new Error('vite.config.ts: resolve.alias is not a list');
  return list.map((a: { find: string | RegExp }) => (a.find instanceof RegExp ? a.find : new RegExp(`^${a.find}$`)));
}

/** The .ts file a relative specifier names ('./x.js' is x.ts on disk). */
function resolveRelative(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (existsSync(candidate) && candidate.endsWith('.ts')) return candidate;
  }
  throw new Error(`${from}: cannot resolve ${spec}`);
}

/** Every non-relative specifier reached from `entries`, as `specifier <- file`, and the files walked. */
function reached(entries: string[], read: (file: string) => string = (f) => readFileSync(f, 'utf8')): { outside: Map<string, string>; files: Set<string> } {
  const files = new Set<string>();
  const outside = new Map<string, string>();
  const todo = [...entries];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of specifiers(file, read(file), true)) {
      if (spec.startsWith('.')) {
        if (!spec.endsWith('.css')) todo.push(resolveRelative(file, spec));
      } else if (!outside.has(spec)) outside.set(spec, path.relative(dashboard, file));
    }
  }
  return { outside, files };
}

function unshimmed(outside: Map<string, string>): string[] {
  const shims = aliases();
  return [...outside]
    .filter(([spec]) => !shims.some((re) => re.test(spec)) && !BROWSER_PACKAGES.has(spec))
    .map(([spec, file]) => `${spec} <- ${file}`);
}

describe('what the dashboard bundle reaches', () => {
  it('walks the offline page into the reader, the sources and the analysis', () => {
    const { files } = reached(ENTRIES);
    const names = [...files].map((f) => path.relative(path.join(dashboard, '../..'), f).split(path.sep).join('/'));
    expect(names).toEqual(expect.arrayContaining(['evtx/chunk.ts', 'sources/index.ts', 'sources/formats.ts', 'evtx/node/live-log.ts', 'analysis/report.ts']));
  });

  it('takes no Node built-in or package that vite.config.ts does not replace', () => {
    const { outside } = reached(ENTRIES);
    expect([...outside.keys()].some((s) => s.startsWith('node:'))).toBe(true); // the shimmed ones
    expect(unshimmed(outside)).toEqual([]);
  });

  it("aliases what iconv-lite requires from Node (Buffer, StringDecoder); its own browser field drops the rest", () => {
    const root = path.dirname(createRequire(import.meta.url).resolve('iconv-lite/package.json'));
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { browser?: Record<string, unknown> };
    const dropped = new Set(Object.entries(pkg.browser ?? {}).filter(([, to]) => to === false).map(([from]) => from));
    const required = new Set<string>();
    for (const dir of ['lib', 'encodings']) {
      for (const name of readdirSync(path.join(root, dir)).filter((n) => n.endsWith('.js'))) {
        for (const m of readFileSync(path.join(root, dir, name), 'utf8').matchAll(/require\("([^".][^"]*)"\)/g)) required.add(m[1]);
      }
    }
    expect([...required].sort()).toEqual(expect.arrayContaining(['safer-buffer', 'string_decoder']));
    const shims = aliases();
    expect([...required].filter((spec) => !dropped.has(spec) && !shims.some((re) => re.test(spec)))).toEqual([]);
  });

  it('would catch one (probe: live-log.ts importing node:path)', () => {
    const liveLog = path.resolve(dashboard, '../../evtx/node/live-log.ts');
    const read = (f: string) => (f === liveLog ? `import { win32 } from 'node:path';\n${readFileSync(f, 'utf8')}` : readFileSync(f, 'utf8'));
    expect(unshimmed(reached(ENTRIES, read).outside)).toEqual(['node:path <- ../../evtx/node/live-log.ts']);
  });
});
