import { MlError } from './errors.js';
import { parseModel, type SvmModel } from './model.js';

/**
 * Inflates gzip bytes with the runtime's own code: `node:zlib` on Node, `DecompressionStream` on the edge. Given by
 * the caller so this module stays free of I/O and runtime imports.
 */
export type Gunzip = (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/** True for the gzip magic number (RFC 1952, section 2.3.1). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decodes a model file's bytes (`.json`, or gzip-compressed, told apart by the magic number): the one reader the
 * Node loader and the edge worker share, so the same bytes fail the same way on both.
 * - `MODEL_UNREADABLE`: the bytes hold no JSON text (broken gzip, not UTF-8, not JSON);
 * - `MODEL_INVALID`: JSON that is not a valid model (see {@link parseModel}).
 * @param file the file's bytes as stored
 * @param options.gunzip the runtime's inflate; `options.source` names the file in messages
 * @throws MlError `MODEL_UNREADABLE` or `MODEL_INVALID`, the message starting with `source`
 * @example const model = await modelFromBytes(bytes, { gunzip: gunzipSync, source: file });
 */
export async function modelFromBytes(
  file: Uint8Array,
  options: { readonly gunzip: Gunzip; readonly source: string },
): Promise<SvmModel> {
  const { source } = options;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(isGzip(file) ? await options.gunzip(file) : file);
  } catch (error) {
    throw new MlError('MODEL_UNREADABLE', `${source}: not readable gzip or UTF-8: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MlError('MODEL_UNREADABLE', `${source}: not JSON: ${(error as Error).message}`, { cause: error });
  }
  try {
    return parseModel(json);
  } catch (error) {
    if (error instanceof MlError) throw new MlError(error.code, `${source}: ${error.message}`, { cause: error });
    throw error;
  }
}
