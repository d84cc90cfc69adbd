import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, resolved from this file. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The team's shared folder beside the repository (corpus, docs, data); never copied into the repo. */
export const sharedDir = path.resolve(repoRoot, '../shared');
export const corpusDir = path.join(sharedDir, 'corpus', 'evtx');
