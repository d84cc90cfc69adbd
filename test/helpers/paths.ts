import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, resolved from this file. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Real EVTX files nobody on this project wrote, with their reference outputs (see its README and NOTICE). */
export const corpusDir = path.join(repoRoot, 'test', 'corpus', 'evtx');
