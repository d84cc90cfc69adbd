/**
 * What `npm pack` puts in the tarball ("files" in package.json): the launcher, the built CLI and
 * dashboard, README, LICENSE, NOTICE and the docs the README links to; never tests, benchmarks,
 * scripts, sources or source maps. Needs a build (`npm test` builds first) and no network:
 * --dry-run only lists, --ignore-scripts skips prepack's rebuild.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';

const run = promisify(execFile);
const windows = process.platform === 'win32';

interface PackEntry {
  name: string;
  version: string;
  files: { path: string; size: number }[];
}

let pack: PackEntry;
let paths: string[];

beforeAll(async () => {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, shell: windows, maxBuffer: 64 * 1024 * 1024 });
  [pack] = JSON.parse(stdout) as PackEntry[];
  paths = pack.files.map((f) => f.path.replaceAll('\\', '/')).sort();
}, 120_000);

describe('npm pack', () => {
  it('holds the launcher, the built CLI and dashboard and the legal files', () => {
    for (const p of ['package.json', 'bin/kmswatch', 'dist/cli/main.js', 'dist/version.js', 'dist/dashboard/index.html', 'dist/dashboard/offline.html', 'README.md', 'LICENSE', 'NOTICE']) {
      expect(paths, p).toContain(p);
    }
    // Every command module main.ts loads on demand is there.
    const main = readFileSync(path.join(repoRoot, 'src/cli/main.ts'), 'utf8');
    const commands = [...main.matchAll(/import\('\.\/(commands\/[\w-]+)\.js'\)/g)].map((m) => `dist/cli/${m[1]}.js`);
    expect(commands.length).toBeGreaterThan(5);
    for (const c of commands) expect(paths, c).toContain(c);
    // The dashboard's scripts and styles that index.html references.
    const index = readFileSync(path.join(repoRoot, 'dist/dashboard/index.html'), 'utf8');
    const assets = [...index.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((m) => `dist/dashboard/${m[1]}`);
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) expect(paths, a).toContain(a);
  });

  it('holds the docs and deploy files the README points to', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const linked = new Set([...readme.matchAll(/`(docs\/[\w.-]+\.md)`/g)].map((m) => m[1]));
    expect(linked.size).toBeGreaterThan(0);
    for (const d of linked) expect(paths, d).toContain(d);
    expect(paths.some((p) => p.startsWith('deploy/'))).toBe(true);
  });

  it('holds no tests, benchmarks, scripts, sources, source maps, build state or stale output', () => {
    const unwanted = paths.filter(
      (p) => /^(test|bench|scripts|src|node_modules|coverage|test-artifacts|\.ci)\//.test(p) || /\.(map|tsbuildinfo)$/.test(p) || /(?<!\.d)\.ts$/.test(p) || /(^|\/)[^/]+\.(test|spec)\.[cm]?js$/.test(p),
    );
    expect(unwanted).toEqual([]);
    // dist/ holds only what the current sources compile to (a removed module leaves no stale .js).
    const stale = paths.filter((p) => p.startsWith('dist/') && !p.startsWith('dist/dashboard/') && !existsSync(path.join(repoRoot, 'src', p.slice('dist/'.length).replace(/(\.d\.ts|\.js)$/, '.ts'))));
    expect(stale).toEqual([]);
  });

  it('is named and versioned after package.json, and its launcher prints that version', async () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
    expect(pack.name).toBe(pkg.name);
    expect(pack.version).toBe(pkg.version);
    // The built CLI reads the version from package.json beside dist/, as an installed package does.
    const { stdout } = await run(process.execPath, [path.join(repoRoot, 'bin/kmswatch'), '--version'], { cwd: repoRoot });
    expect(stdout).toBe(`${pkg.version}\n`);
  });
});
