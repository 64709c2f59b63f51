import path from 'node:path';
import { PACKAGE_ROOT } from './package-root.js';

/**
 * The model shipped in the package, loaded when no other is given (a binary model file, see src/ml/model-binary.ts).
 * A module of its own so the server's configuration can name it without importing the model reader (and its
 * schemas, ~0.1 s) before the prediction workers have started.
 */
export const DEFAULT_MODEL_PATH = path.join(PACKAGE_ROOT, 'model', 'model.bin');
