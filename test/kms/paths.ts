import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, from this file's place in test/kms/. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The team's shared folder sits next to the repository. */
export const SHARED_DIR = path.resolve(REPO_ROOT, '../shared');
export const KMS_DATABASE_XML = path.join(SHARED_DIR, 'data/KmsDataBase.xml');
