/**
 * The version of kmswatch: `version` of the package.json beside src/ and dist/. Read relative to
 * this module (src/version.ts under tsx, dist/version.js when built), so it is right in a
 * checkout and in an installed package alike: npm always ships package.json. One source for
 * `kmswatch --version`, the web app (/api) and the kms_build_info metric.
 */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string' || pkg.version === '') throw new Error('kmswatch: package.json has no version');
  return pkg.version;
}

export const VERSION: string = readVersion();
