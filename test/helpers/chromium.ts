/**
 * The Chromium the browser tests drive (playwright-core never downloads one). In order:
 *   1. CHROMIUM_PATH, which must name an executable file;
 *   2. a system Chromium or Chrome that is an executable file;
 *   3. the Chromium shipped inside the @sparticuz/chromium npm package (a devDependency), unpacked
 *      once into node_modules/.cache with the libraries it carries (NSS, NSPR, expat), its fonts
 *      and SwiftShader, so it runs on a machine that has no browser libraries at all.
 */
import { accessSync, constants, createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import { extract } from 'tar-fs';
import { repoRoot } from './paths.js';

export interface ChromiumLaunch {
  executablePath: string;
  /** Extra environment the browser needs (the packaged build's libraries and fonts). */
  env: Record<string, string>;
  /** Where it came from, for messages. */
  source: string;
}

const SYSTEM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
];

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function findChromium(): Promise<ChromiumLaunch> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!isExecutableFile(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} is not an executable file`);
    return { executablePath: fromEnv, env: {}, source: 'CHROMIUM_PATH' };
  }
  const system = SYSTEM_CANDIDATES.find(isExecutableFile);
  if (system) return { executablePath: system, env: {}, source: 'system' };
  return packagedChromium();
}

/** Unpacks @sparticuz/chromium's brotli files once per version; concurrent test files share it. */
async function packagedChromium(): Promise<ChromiumLaunch> {
  const require = createRequire(import.meta.url);
  const pkgDir = path.resolve(path.dirname(require.resolve('@sparticuz/chromium')), '..', '..');
  const version = (JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  const dir = path.join(repoRoot, 'node_modules', '.cache', `kmswatch-chromium-${version}`);
  const env = { LD_LIBRARY_PATH: [path.join(dir, 'lib'), dir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'), FONTCONFIG_PATH: path.join(dir, 'fonts') };
  const launch = { executablePath: path.join(dir, 'chromium'), env, source: `@sparticuz/chromium ${version}` };
  if (existsSync(path.join(dir, '.complete'))) return launch;

  // unpack into a private folder, then rename it into place: a half-written cache is never seen
  const work = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(work, { recursive: true });
  const bin = path.join(pkgDir, 'bin');
  await pipeline(createReadStream(path.join(bin, 'chromium.br')), createBrotliDecompress(), createWriteStream(path.join(work, 'chromium'), { mode: 0o755 }));
  await pipeline(createReadStream(path.join(bin, 'swiftshader.tar.br')), createBrotliDecompress(), extract(work));
  await pipeline(createReadStream(path.join(bin, 'al2023.tar.br')), createBrotliDecompress(), extract(work)); // lib/
  await pipeline(createReadStream(path.join(bin, 'fonts.tar.br')), createBrotliDecompress(), extract(path.join(work, 'fonts')));
  // the package's fonts.conf names /tmp/fonts (where its own unpacker puts them): point it here instead
  writeFileSync(
    path.join(work, 'fonts', 'fonts.conf'),
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${path.join(dir, 'fonts', 'fonts')}</dir>\n  <cachedir>${path.join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
  );
  writeFileSync(path.join(work, '.complete'), '');
  try {
    renameSync(work, dir);
  } catch {
    // another test file finished first: use its copy
    rmSync(work, { recursive: true, force: true });
    if (!existsSync(path.join(dir, '.complete'))) throw new Error(`${launch.source}: could not unpack into ${dir}`);
  }
  return launch;
}
