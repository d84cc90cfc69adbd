/**
 * The reader's module graph (type-only imports included, as a reader of the code follows them):
 *  - no import cycle inside src/evtx: parsing never depends on rendering, nor a stage on a later one;
 *  - code outside src/evtx reaches it only through its three public modules: src/evtx/index.ts
 *    (pure reader), src/evtx/node/index.ts (Node helpers), src/evtx/writer/index.ts (writer).
 * Tests may reach inside (they pin internals); the program may not. Each check also runs on a
 * probe graph that breaks it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { specifiers } from '../helpers/imports.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const src = path.join(root, 'src');
const evtxDir = path.join(src, 'evtx');
const PUBLIC = ['index.ts', 'node/index.ts', 'writer/index.ts'].map((f) => path.join(evtxDir, f));

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === 'node_modules' || d.name === 'dist' ? [] : tsFiles(full);
    return /\.tsx?$/.test(d.name) && !d.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The .ts file a relative specifier names ('./x.js' is x.ts on disk), or null for a package. */
function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  return base.replace(/\.js$/, '.ts');
}

type Graph = Map<string, string[]>;

function graphOf(files: string[], read: (f: string) => string): Graph {
  const g: Graph = new Map();
  for (const f of files) g.set(f, specifiers(f, read(f)).map((s) => resolve(f, s)).filter((t): t is string => t !== null));
  return g;
}

/** Every cycle's members (strongly connected components of more than one file, or a file importing itself), as relative names. */
function cycles(g: Graph, within: (f: string) => boolean): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    on.add(v);
    for (const w of (g.get(v) ?? []).filter(within)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const members: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        members.push(w);
      } while (w !== v);
      if (members.length > 1 || (g.get(v) ?? []).includes(v)) out.push(members.map((m) => path.relative(evtxDir, m)).sort());
    }
  };
  for (const v of g.keys()) if (within(v) && !index.has(v)) visit(v);
  return out;
}

const insideEvtx = (f: string) => f.startsWith(evtxDir + path.sep);

/** Imports from outside src/evtx that go past its public modules, as `importer -> target`. */
function pastPublic(g: Graph): string[] {
  const out: string[] = [];
  for (const [from, targets] of g) {
    if (insideEvtx(from)) continue;
    for (const t of targets) if (insideEvtx(t) && !PUBLIC.includes(t)) out.push(`${path.relative(root, from)} -> ${path.relative(root, t)}`);
  }
  return out;
}

const read = (f: string) => readFileSync(f, 'utf8');

describe('src/evtx module graph', () => {
  const graph = graphOf(tsFiles(src), read);

  it('walks the reader and its importers', () => {
    // So that an empty or wrong graph cannot pass: the public modules and their known importers are in it.
    for (const p of PUBLIC) expect(graph.has(p), p).toBe(true);
    const importers = [...graph].filter(([f, ts]) => !insideEvtx(f) && ts.some(insideEvtx)).map(([f]) => path.relative(src, f).split(path.sep).join('/'));
    expect(importers).toEqual(expect.arrayContaining(['sources/evtx.ts', 'web/bytes-source.ts', 'cli/commands/evtx.ts', 'simulate/outputs/formats.ts']));
  });

  it('has no import cycle inside src/evtx', () => {
    expect(cycles(graph, insideEvtx)).toEqual([]);
  });

  it('is imported from outside only through index.ts, node/index.ts and writer/index.ts', () => {
    expect(pastPublic(graph)).toEqual([]);
  });

  it('would catch a cycle (a type-only import too) and a reach past the public modules (probe)', () => {
    const a = path.join(evtxDir, 'probe-a.ts');
    const b = path.join(evtxDir, 'render', 'probe-b.ts');
    const outside = path.join(src, 'probe-user.ts');
    const texts = new Map([
      [a, "import type { B } from './render/probe-b.js';\nexport type A = B;"],
      [b, "import { a } from '../probe-a.js';\nexport const b = a;"],
      [outside, "import { parseChunk } from './evtx/index.js';\nimport { walkChunk } from './evtx/chunk.js';"],
    ]);
    const probe = graphOf([...texts.keys()], (f) => texts.get(f)!);
    expect(cycles(probe, insideEvtx)).toEqual([['probe-a.ts', path.join('render', 'probe-b.ts')]]);
    expect(pastPublic(probe)).toEqual([`${path.join('src', 'probe-user.ts')} -> ${path.join('src', 'evtx', 'chunk.ts')}`]);
  });
});
