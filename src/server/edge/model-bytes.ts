import { concatBytes } from '../../image/png-chunks.js';
import { modelFromBytes as decodeModel } from '../../ml/model-bytes.js';
import type { SvmModel } from '../../ml/model.js';

/** A model decoded from the bytes of a model file, with the file's hash (as /v1/model shows it). */
export interface ModelFromBytes {
  readonly model: SvmModel;
  /** SHA-256 (hex) of the bytes as given (compressed or not): the same value the Node loader reports. */
  readonly sha256: string;
}

/**
 * Gunzips with the runtime's own DecompressionStream (Compression Streams standard): native code in workerd,
 * browsers, Deno and Node 18+, so no inflate in JavaScript. Stops, and throws, once the output passes `maxBytes`.
 */
async function gunzip(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > maxBytes) {
      await reader.cancel();
      throw new RangeError(`inflates to more than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return concatBytes(chunks);
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Decodes a model file's bytes with the toolkit's reader (src/ml/model-bytes.ts, the one the Node loader uses),
 * using only web-standard APIs: no file system, no Buffer, no zlib.
 * @param file - The file's bytes, e.g. a data module bundled with a worker.
 * @returns The validated model and the file's SHA-256.
 * @throws MlError `MODEL_UNREADABLE` (broken gzip, a damaged binary file, no JSON text) or `MODEL_INVALID` (not a valid model), the
 *   message starting "bundled model: "
 * @example const { model, sha256 } = await modelFromBytes(new Uint8Array(bundledGzip));
 */
export async function modelFromBytes(file: Uint8Array): Promise<ModelFromBytes> {
  const model = await decodeModel(file, { gunzip, source: 'bundled model' });
  return { model, sha256: await sha256Hex(file) };
}
