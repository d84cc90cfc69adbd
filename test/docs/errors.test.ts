import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';

const CODE = /'((?:EVTX|INPUT|STORE|CLI|WEB|NOTIFY|CONFIG|COLLECT|SIMULATE|ALERT|DISCOVER)_[A-Z0-9_]+)'/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

describe('docs/errors.md', () => {
  const documented = new Set([...readFileSync(path.join(repoRoot, 'docs/errors.md'), 'utf8').matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
  const used = new Set(sourceFiles(path.join(repoRoot, 'src')).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(CODE)].map((m) => m[1])));

  it('lists every error code the sources raise', () => {
    expect([...used].filter((c) => !documented.has(c)).sort()).toEqual([]);
  });

  it('lists no code the sources no longer have', () => {
    expect(used.size).toBeGreaterThan(20);
    expect([...documented].filter((c) => !used.has(c)).sort()).toEqual([]);
  });
});
