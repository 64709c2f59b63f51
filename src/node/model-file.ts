import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { MlError } from '../ml/errors.js';
import { serializeModel, type SvmModel } from '../ml/model.js';
import { modelFromBytes } from '../ml/model-bytes.js';
import { PACKAGE_ROOT } from './package-root.js';
import { CodedError } from '../shared/coded-error.js';

/** The model shipped in the package, loaded when no other is given. */
export const DEFAULT_MODEL_PATH = path.join(PACKAGE_ROOT, 'model', 'model.json.gz');

/**
 * Why a model file could not be used: missing, unreadable (I/O, or bytes that hold no JSON: broken gzip, not UTF-8,
 * not JSON), or JSON that is not a valid model.
 */
export type ModelFileErrorCode = 'MODEL_NOT_FOUND' | 'MODEL_UNREADABLE' | 'MODEL_INVALID';

/** A model file that cannot be used; the message names the file and the reason. */
export class ModelFileError extends CodedError<ModelFileErrorCode> {
  override readonly name = 'ModelFileError';
}

/** A model with where it came from. */
export interface LoadedModelFile {
  readonly model: SvmModel;
  /** SHA-256 of the file's bytes as stored (compressed or not). */
  readonly sha256: string;
  readonly path: string;
}

/**
 * Reads a model file (`.json` or gzip-compressed, detected from its bytes), validates it and decodes it.
 * @throws ModelFileError `MODEL_NOT_FOUND`, `MODEL_UNREADABLE` or `MODEL_INVALID`
 * @example const { model } = await loadModelFile();
 */
export async function loadModelFile(file: string = DEFAULT_MODEL_PATH): Promise<LoadedModelFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ModelFileError(
        'MODEL_NOT_FOUND',
        `model file ${file} does not exist; train one with \`npm run train\` or pass another path`,
        { cause: error },
      );
    }
    throw new ModelFileError('MODEL_UNREADABLE', `cannot read model file ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    const model = await modelFromBytes(bytes, { gunzip: gunzipSync, source: `model file ${file}` });
    return { model, sha256: createHash('sha256').update(bytes).digest('hex'), path: file };
  } catch (error) {
    // The codes are the toolkit's (src/ml/model-bytes.ts), the same the edge worker gives for the same bytes.
    if (error instanceof MlError && (error.code === 'MODEL_UNREADABLE' || error.code === 'MODEL_INVALID'))
      throw new ModelFileError(error.code, error.message, { cause: error });
    throw error;
  }
}

/**
 * Writes a model as JSON, gzip-compressed when the path ends in `.gz`. Written to a temporary name and renamed, so
 * a crash never leaves half a model where the server looks.
 */
export async function saveModelFile(model: SvmModel, file: string): Promise<void> {
  const text = JSON.stringify(serializeModel(model));
  const bytes = file.endsWith('.gz') ? gzipSync(text, { level: 9 }) : Buffer.from(text, 'utf8');
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, bytes);
  await rename(tmp, file);
}
