import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, from this file's place in test/kms/. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** py-kms's product table, kept beside the script that generates src/kms/products-data.ts from it. */
export const KMS_DATABASE_XML = path.join(REPO_ROOT, 'scripts/data/KmsDataBase.xml');
