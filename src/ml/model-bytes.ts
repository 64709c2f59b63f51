import { MlError } from './errors.js';
import { decodeBinaryModel } from './model-binary.js';
import { inflateModelFile, isBinaryModel, type Gunzip } from './model-container.js';
import { parseModel, type DecodeOptions, type SvmModel } from './model.js';

export { isGzip, MAX_MODEL_BYTES } from './model-container.js';
export type { Gunzip } from './model-container.js';

/**
 * Decodes a model file's inflated bytes: the binary file (model-binary.ts) or the older JSON one.
 * @param source names the file in messages
 * @param options where the binary reader puts the support vectors (the JSON reader ignores it)
 * @throws MlError `MODEL_UNREADABLE` or `MODEL_INVALID`, the message starting with `source` (see {@link modelFromBytes})
 */
export function modelFromInflated(bytes: Uint8Array, source: string, options: DecodeOptions = {}): SvmModel {
  const named = (error: unknown): unknown =>
    error instanceof MlError ? new MlError(error.code, `${source}: ${error.message}`, { cause: error }) : error;
  if (isBinaryModel(bytes)) {
    try {
      return decodeBinaryModel(bytes, options);
    } catch (error) {
      throw named(error);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new MlError(
      'MODEL_UNREADABLE',
      `${source}: neither a binary model file nor UTF-8 JSON: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    return parseModel(json);
  } catch (error) {
    throw named(error);
  }
}

/**
 * Decodes a model file's bytes: the binary file (model-binary.ts) or the older JSON one, each possibly
 * gzip-compressed, told apart by their magic numbers. The one reader the Node loader and the edge worker share, so
 * the same bytes fail the same way on both.
 * - `MODEL_UNREADABLE`: broken or oversized gzip, a truncated or damaged binary file, JSON text that is not UTF-8 or
 *   not JSON;
 * - `MODEL_INVALID`: a file that reads but is not a valid model (see {@link parseModel}, decodeBinaryModel).
 * @param file the file's bytes as stored
 * @param options.gunzip the runtime's inflate; `options.source` names the file in messages
 * @throws MlError `MODEL_UNREADABLE` or `MODEL_INVALID`, the message starting with `source`
 * @example const model = await modelFromBytes(bytes, { gunzip, source: file });
 */
export async function modelFromBytes(
  file: Uint8Array,
  options: { readonly gunzip: Gunzip; readonly source: string },
): Promise<SvmModel> {
  return modelFromInflated(await inflateModelFile(file, options.gunzip, options.source), options.source);
}
