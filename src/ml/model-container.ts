import { MlError } from './errors.js';

/**
 * How a model file's bytes are wrapped before any model is parsed: optional gzip, then either the binary format
 * (model-binary.ts, told by its magic number) or the older JSON text. Kept apart from the readers and their schemas,
 * so a caller can read and inflate a file while the readers are still being imported.
 */

/**
 * Inflates gzip bytes with the runtime's own code: `node:zlib` on Node, `DecompressionStream` on the edge. Given by
 * the caller so this module stays free of I/O and runtime imports. It must refuse (throw or reject) output beyond
 * `maxBytes`, so a crafted file cannot inflate without bound.
 */
export type Gunzip = (bytes: Uint8Array, maxBytes: number) => Uint8Array | Promise<Uint8Array>;

/**
 * The most a model file may inflate to: the shipped model is 15.7 MB as a binary file (21 MB as JSON), and 512 MiB
 * holds ~600,000 support vectors, ten times MNIST's training set. Bounds what a gzip bomb costs.
 */
export const MAX_MODEL_BYTES = 512 * 1024 * 1024;

/** The first 8 bytes of every binary model file: not text, and line-ending or 7-bit mangling shows (as in PNG). */
export const BINARY_MODEL_MAGIC: readonly number[] = [0x89, 0x4d, 0x44, 0x4d, 0x0d, 0x0a, 0x1a, 0x0a];

/** True for the gzip magic number (RFC 1952, section 2.3.1). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** True when `bytes` (inflated) start with {@link BINARY_MODEL_MAGIC}. */
export function isBinaryModel(bytes: Uint8Array): boolean {
  return BINARY_MODEL_MAGIC.every((b, k) => bytes[k] === b);
}

/**
 * A model file's bytes inflated when they are gzip, as they are otherwise.
 * @param source names the file in messages
 * @throws MlError `MODEL_UNREADABLE` for broken gzip or output past {@link MAX_MODEL_BYTES}
 */
export async function inflateModelFile(file: Uint8Array, gunzip: Gunzip, source: string): Promise<Uint8Array> {
  if (!isGzip(file)) return file;
  try {
    return await gunzip(file, MAX_MODEL_BYTES);
  } catch (error) {
    throw new MlError('MODEL_UNREADABLE', `${source}: not readable gzip: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
