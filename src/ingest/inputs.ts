/**
 * The files an ingest command line names. A directory stands for the files under it, and a file
 * name with `*` or `?` that names no file stands for the files it matches: Windows shells (cmd,
 * PowerShell) pass `exports\*.evtx` to the program as it is, where bash would have expanded it.
 * Files found this way that are not exports (a README, the simulator's truth.json, an empty file)
 * are skipped and listed; a file named on the command line is always read, so a wrong one is an
 * error as before. A directory or pattern that holds no export is a problem: the command was asked
 * to read something and found nothing (collect's drop folders, which may be empty, do not come here).
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { errnoText } from '../errno.js';
import { detectFileFormat } from '../sources/index.js';

export interface ResolvedInputs {
  /** In command-line order; a directory's and a pattern's files sorted by path. */
  files: string[];
  /** Found in a directory or by a pattern, and not an export. */
  skipped: string[];
  /** Directories and patterns that hold no export, and directories that could not be listed, with the reason. */
  problems: { file: string; reason: string }[];
}

const WILDCARD = /[*?]/;

/** `KMS*.evtx` as a regular expression over whole names (case-insensitive where the file system is). */
function wildcardRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, process.platform === 'win32' || process.platform === 'darwin' ? 'i' : '');
}

/**
 * Regular files under `dir`, at any depth, sorted; names starting with a dot are left out. A link
 * to a file is taken, a link to a directory is not followed (it may lead back up). A directory
 * that cannot be listed is a problem; the rest of the tree is still walked.
 */
async function filesUnder(dir: string, problems: ResolvedInputs['problems']): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    problems.push({ file: dir, reason: `cannot list directory: ${errnoText(e)}` });
    return [];
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(full, problems)));
    else if (e.isFile() || (e.isSymbolicLink() && (await stat(full).catch(() => null))?.isFile())) out.push(full);
  }
  return out;
}

/** Files in the pattern's directory whose names match its last part (wildcards only there). */
async function matches(pattern: string): Promise<string[] | null> {
  const dir = path.dirname(pattern);
  const name = path.basename(pattern);
  if (!WILDCARD.test(name) || WILDCARD.test(dir)) return null;
  const re = wildcardRegExp(name);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [] as Dirent[]);
  return entries
    .filter((e) => re.test(e.name) && (e.isFile() || e.isSymbolicLink()))
    .map((e) => e.name)
    .sort()
    .map((n) => (dir === '.' && !pattern.startsWith('.') ? n : path.join(dir, n)));
}

/** Whether a found file is worth reading: an export by its content (or any file when the format is forced). */
async function isExport(file: string, forced: boolean): Promise<boolean> {
  if (forced) return true;
  // A file that cannot be read is kept: the ingest reports why.
  return (await detectFileFormat(file).catch(() => 'unreadable')) !== null;
}

function noExportReason(isDirectory: boolean, found: number): string {
  if (!isDirectory) return found === 0 ? 'no file matches this pattern' : `no export among the ${found} file${found === 1 ? '' : 's'} this pattern matches`;
  if (found === 0) return 'no export in this directory: it holds no file';
  return `no export in this directory: ${found === 1 ? 'its 1 file is not an export' : `none of its ${found} files is an export`}`;
}

export async function resolveInputs(args: readonly string[], opts: { format?: string } = {}): Promise<ResolvedInputs> {
  const out: ResolvedInputs = { files: [], skipped: [], problems: [] };
  const forced = opts.format !== undefined;
  for (const arg of args) {
    const st = await stat(arg).catch(() => null);
    const problemsBefore = out.problems.length;
    let found: string[] | null = null;
    if (st?.isDirectory()) found = await filesUnder(arg, out.problems);
    else if (st === null) found = await matches(arg);
    if (found === null) {
      out.files.push(arg);
      continue;
    }
    let exports = 0;
    for (const file of found) {
      const take = await isExport(file, forced);
      (take ? out.files : out.skipped).push(file);
      if (take) exports++;
    }
    // Naming a folder or pattern says "read the exports there": none there is an error, not a quiet success.
    const unlistable = out.problems.slice(problemsBefore).some((p) => p.file === arg);
    if (exports === 0 && !unlistable) out.problems.push({ file: arg, reason: noExportReason(st !== null, found.length) });
  }
  // A file named twice (or named and found in its directory) is read once.
  out.files = [...new Set(out.files)];
  return out;
}
