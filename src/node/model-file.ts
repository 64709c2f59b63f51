import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeBinaryModel } from '../ml/model-binary.js';
import { modelFromInflated } from '../ml/model-bytes.js';
import { serializeModel, type DecodeOptions, type SvmModel } from '../ml/model.js';
import { DEFAULT_MODEL_PATH } from './default-model-path.js';
import { asModelFileError, readModelFileBytes, type ModelFileBytes } from './model-file-bytes.js';

export { DEFAULT_MODEL_PATH } from './default-model-path.js';
export { ModelFileError, type ModelFileErrorCode } from './model-file-bytes.js';

/** A model with where it came from. */
export interface LoadedModelFile {
  readonly model: SvmModel;
  /** SHA-256 of the file's bytes as stored (compressed or not). */
  readonly sha256: string;
  readonly path: string;
}

/**
 * Decodes model file `file` from its bytes (read by readModelFileBytes).
 * @throws ModelFileError `MODEL_UNREADABLE` or `MODEL_INVALID`
 */
export function modelFileFromBytes(bytes: ModelFileBytes, file: string, options: DecodeOptions = {}): LoadedModelFile {
  try {
    // The codes are the toolkit's (src/ml/model-bytes.ts), the same the edge worker gives for the same bytes.
    // Hashed first: decoding in place rewrites the support vectors' bytes (an uncompressed file's own).
    const sha256 = createHash('sha256').update(bytes.file).digest('hex');
    const model = modelFromInflated(bytes.inflated, `model file ${file}`, options);
    return { model, sha256, path: file };
  } catch (error) {
    throw asModelFileError(error);
  }
}

/**
 * Reads a model file (binary or the older JSON, either possibly gzip-compressed, told apart by their bytes),
 * validates it and decodes it. The bytes read are this call's alone, so a binary file's arrays stay in them
 * (DecodeOptions.inPlace) instead of being copied out.
 * @throws ModelFileError `MODEL_NOT_FOUND`, `MODEL_UNREADABLE` or `MODEL_INVALID`
 * @example const { model } = await loadModelFile();
 */
export async function loadModelFile(file: string = DEFAULT_MODEL_PATH): Promise<LoadedModelFile> {
  return modelFileFromBytes(await readModelFileBytes(file), file, { inPlace: true });
}

/** True for a path the JSON format is written to: `.json` or `.json.gz`; any other name gets the binary format. */
export function writesJson(file: string): boolean {
  return /\.json(\.gz)?$/i.test(file);
}

/**
 * Writes a model: as JSON to a `.json` or `.json.gz` path (the older format, readable by eye), else as a binary
 * model file (src/ml/model-binary.ts), which loads several times faster; gzip-compressed when the path ends in
 * `.gz`. Written to a temporary name and renamed, so a crash never leaves half a model where the server looks.
 * @example await saveModelFile(model, 'model/model.bin');
 */
export async function saveModelFile(model: SvmModel, file: string): Promise<void> {
  const raw = writesJson(file) ? Buffer.from(JSON.stringify(serializeModel(model)), 'utf8') : encodeBinaryModel(model);
  // Node's gzip header holds no time or name, so the same model gives the same file, byte for byte.
  const bytes = file.endsWith('.gz') ? gzipSync(raw, { level: 9 }) : raw;
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, bytes);
  await rename(tmp, file);
}
