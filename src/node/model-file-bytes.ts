import { close, existsSync, fstatSync, openSync, read } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { MlError } from '../ml/errors.js';
import { inflateModelFile } from '../ml/model-container.js';
import { CodedError } from '../shared/coded-error.js';

/**
 * Why a model file could not be used: missing, unreadable (I/O, broken gzip, a truncated or damaged binary file,
 * text that is not JSON), or a file that reads but is not a valid model.
 */
export type ModelFileErrorCode = 'MODEL_NOT_FOUND' | 'MODEL_UNREADABLE' | 'MODEL_INVALID';

/** A model file that cannot be used; the message names the file and the reason. */
export class ModelFileError extends CodedError<ModelFileErrorCode> {
  override readonly name = 'ModelFileError';
}

/** A model file's bytes as stored (its SHA-256 is of these) and inflated. */
export interface ModelFileBytes {
  readonly file: Uint8Array;
  readonly inflated: Uint8Array;
}

const gunzipAsync = promisify(gunzip);

/**
 * Output per round trip of the async inflate, at most. Each chunk of output comes back through the event loop before
 * the next is inflated, so with zlib's default 16 KB the shipped model's 15.7 MB took ~1,000 turns of a loop that was
 * busy importing the server's routes (0.6 s to inflate at startup on a 2-core EPYC), and several chunks are joined by
 * a copy at the end (44 ms of the main thread's time). A file announcing no more than this inflates in one chunk.
 */
const MAX_INFLATE_CHUNK_BYTES = 64 * 1024 * 1024;
const MIN_INFLATE_CHUNK_BYTES = 64 * 1024;

/**
 * The chunk to inflate `bytes` in: the size gzip's trailer announces (ISIZE, the inflated length mod 2^32; RFC
 * 1952, section 2.3.1), plus room to see the end, within the bounds above. Only a hint: a wrong trailer costs a few
 * more chunks (zlib still checks the real length), and the allocation never exceeds the cap or `maxBytes`.
 */
function inflateChunkBytes(bytes: Uint8Array, maxBytes: number): number {
  const announced =
    bytes.length >= 18
      ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(bytes.length - 4, true)
      : 0;
  return Math.max(MIN_INFLATE_CHUNK_BYTES, Math.min(announced + 1024, MAX_INFLATE_CHUNK_BYTES, maxBytes));
}

/**
 * Inflates on libuv's thread pool, not the calling thread (the server imports its routes meanwhile), and refuses
 * output past `maxBytes` (a gzip bomb).
 */
export async function boundedGunzip(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  return gunzipAsync(bytes, { maxOutputLength: maxBytes, chunkSize: inflateChunkBytes(bytes, maxBytes) });
}

/** One `read` of the file at `offset` into `into`, from `offset` to its end, on libuv's pool; resolves with the count. */
function readAt(fd: number, into: Uint8Array, offset: number): Promise<number> {
  return new Promise((resolve, reject) => {
    read(fd, into, offset, into.length - offset, offset, (error, count) => (error ? reject(error) : resolve(count)));
  });
}

/**
 * A regular file's bytes in one `read` call on libuv's pool, where `readFile` reads 512 KB at a time, each piece a
 * round trip through the event loop. At startup that loop is busy importing the server's routes (compiling for
 * tens of ms at a stretch), so the shipped model's 3.7 MB arrived only after them (~0.3 s from process start, on a
 * 2-core EPYC) and its gunzip began late. Open and size are synchronous: tens of microseconds for a local file.
 * Anything not a regular file (a pipe, an empty or special file) goes to `readFile`.
 */
async function readWhole(path: string, into: (byteLength: number) => Uint8Array): Promise<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size === 0) return await readFile(path);
    const size = stats.size;
    const bytes = into(size);
    let filled = 0;
    while (filled < size) {
      const count = await readAt(fd, bytes, filled);
      if (count === 0) break; // the file shrank since fstat: what is there is the file, as with readFile
      filled += count;
    }
    return filled === size ? bytes : bytes.subarray(0, filled);
  } finally {
    close(fd, () => undefined);
  }
}

/** The toolkit's MODEL_UNREADABLE and MODEL_INVALID as the file's error; anything else as it is. */
export function asModelFileError(error: unknown): unknown {
  if (error instanceof MlError && (error.code === 'MODEL_UNREADABLE' || error.code === 'MODEL_INVALID'))
    return new ModelFileError(error.code, error.message, { cause: error });
  return error;
}

/** Options of {@link readModelFileBytes}. */
export interface ReadModelFileOptions {
  /**
   * Where to read a regular file of `byteLength` bytes: for example a model's shared memory (startModelMemory), so
   * an uncompressed binary file lands where it will be used, its pages filled by libuv's thread rather than the
   * caller's. Its contents are overwritten. A fresh buffer when omitted.
   */
  readonly into?: (byteLength: number) => Uint8Array;
}

/**
 * Reads a model file and inflates it, without parsing anything: this module imports no model reader, so the
 * server starts it before those are loaded (see resolveModelSource).
 * @throws ModelFileError `MODEL_NOT_FOUND` or `MODEL_UNREADABLE`
 */
export async function readModelFileBytes(path: string, options: ReadModelFileOptions = {}): Promise<ModelFileBytes> {
  let file: Uint8Array;
  try {
    file = await readWhole(path, options.into ?? ((byteLength) => Buffer.allocUnsafeSlow(byteLength)));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      // The shipped model was model/model.bin.gz until container 2: a setting that still names it gets the new name.
      const renamed = path.endsWith('.bin.gz') && existsSync(path.slice(0, -'.gz'.length));
      throw new ModelFileError(
        'MODEL_NOT_FOUND',
        renamed
          ? `model file ${path} does not exist, but ${path.slice(0, -'.gz'.length)} does: the shipped model is ` +
              `model/model.bin (not compressed) since binary container 2; pass that path`
          : `model file ${path} does not exist; train one with \`npm run train\` or pass another path`,
        { cause: error },
      );
    }
    throw new ModelFileError('MODEL_UNREADABLE', `cannot read model file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return { file, inflated: await inflateModelFile(file, boundedGunzip, `model file ${path}`) };
  } catch (error) {
    throw asModelFileError(error);
  }
}
