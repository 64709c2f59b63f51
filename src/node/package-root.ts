import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * The package's root directory. This module sits two levels down both in src/ (src/node/x.ts, run by tsx or
 * vitest) and in dist/ (dist/node/x.js), so the same relative path works from either.
 */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
