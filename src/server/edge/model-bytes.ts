import { MlError } from '../../ml/errors.js';
import { parseModel, type SvmModel } from '../../ml/model.js';
import { CodedError } from '../../shared/coded-error.js';

/** A model decoded from the bytes of a model file, with the file's hash (as /v1/model shows it). */
export interface ModelFromBytes {
  readonly model: SvmModel;
  /** SHA-256 (hex) of the bytes as given (compressed or not): the same value the Node loader reports. */
  readonly sha256: string;
}

/** Why bundled model bytes could not be used. */
export class ModelBytesError extends CodedError<'MODEL_UNREADABLE' | 'MODEL_INVALID'> {
  override readonly name = 'ModelBytesError';
}

/** True for the gzip magic number (RFC 1952, section 2.3.1). */
function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Gunzips with the runtime's own DecompressionStream (Compression Streams standard): native code in workerd,
 * browsers, Deno and Node 18+, so no inflate in JavaScript.
 */
async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Decodes a model file's bytes (`.json` or gzip-compressed, told apart by the magic number) with the project's
 * own parser and validator (`parseModel`), using only web-standard APIs: no file system, no Buffer, no zlib.
 * @param file - The file's bytes, e.g. a data module bundled with a worker.
 * @returns The validated model and the file's SHA-256.
 * @throws ModelBytesError `MODEL_UNREADABLE` (not gzip or not UTF-8 JSON) or `MODEL_INVALID` (fails validation)
 * @example const { model, sha256 } = await modelFromBytes(new Uint8Array(bundledGzip));
 */
export async function modelFromBytes(file: Uint8Array): Promise<ModelFromBytes> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(isGzip(file) ? await gunzip(file) : file);
  } catch (error) {
    throw new ModelBytesError(
      'MODEL_UNREADABLE',
      `model bytes are not readable gzip or UTF-8: ${(error as Error).message}`,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelBytesError('MODEL_UNREADABLE', `model bytes are not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let model: SvmModel;
  try {
    model = parseModel(json);
  } catch (error) {
    if (error instanceof MlError)
      throw new ModelBytesError('MODEL_INVALID', `bundled model: ${error.message}`, { cause: error });
    throw error;
  }
  return { model, sha256: await sha256Hex(file) };
}
