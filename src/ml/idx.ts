import { MlError } from './errors.js';

/** An IDX file of unsigned bytes with three dimensions: `count` images of `rows` x `cols` pixels, row-major. */
export interface IdxImages {
  readonly kind: 'images';
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  readonly pixels: Uint8Array;
}

/** An IDX file of unsigned bytes with one dimension: `count` labels. */
export interface IdxLabels {
  readonly kind: 'labels';
  readonly count: number;
  readonly labels: Uint8Array;
}

/** Magic numbers of the two IDX layouts MNIST uses: 0x0000 (zero), 0x08 (unsigned byte), then the rank. */
export const IDX_LABELS_MAGIC = 2049;
/** Magic number of an IDX file of unsigned-byte images (rank 3); see {@link IDX_LABELS_MAGIC}. */
export const IDX_IMAGES_MAGIC = 2051;

/**
 * Parses IDX bytes (LeCun's format: big-endian magic, big-endian uint32 dimensions, then the data).
 * The result views `bytes` without copying.
 *
 * @param bytes the whole file, already gunzipped
 * @param name how errors refer to the input, usually the file name
 * @returns images (magic 2051) or labels (magic 2049)
 * @throws MlError `IDX_TRUNCATED`, `IDX_BAD_MAGIC` or `IDX_SIZE_MISMATCH`, naming `name` and what was expected
 * @example readIdx(bytes, 'train-labels-idx1-ubyte') // { kind: 'labels', count: 60000, labels }
 */
export function readIdx(bytes: Uint8Array, name = 'IDX data'): IdxImages | IdxLabels {
  if (bytes.length < 4) {
    throw new MlError(
      'IDX_TRUNCATED',
      `${name}: ${bytes.length} bytes is too short for an IDX header (need at least 8)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== IDX_LABELS_MAGIC && magic !== IDX_IMAGES_MAGIC) {
    throw new MlError(
      'IDX_BAD_MAGIC',
      `${name}: magic number ${magic} (0x${magic.toString(16).padStart(8, '0')}) is not an MNIST IDX file; ` +
        `expected ${IDX_LABELS_MAGIC} (labels) or ${IDX_IMAGES_MAGIC} (images)`,
    );
  }
  const rank = magic === IDX_LABELS_MAGIC ? 1 : 3;
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) {
    throw new MlError('IDX_TRUNCATED', `${name}: header needs ${headerLength} bytes, file has ${bytes.length}`);
  }
  const dims: number[] = [];
  for (let d = 0; d < rank; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerLength;
  if (actual < expected) {
    throw new MlError(
      'IDX_TRUNCATED',
      `${name}: header promises ${dims.join(' x ')} = ${expected} bytes of data, file has only ${actual}`,
    );
  }
  if (actual > expected) {
    throw new MlError(
      'IDX_SIZE_MISMATCH',
      `${name}: header promises ${dims.join(' x ')} = ${expected} bytes of data, file has ${actual} (extra bytes)`,
    );
  }
  const data = bytes.subarray(headerLength);
  if (rank === 1) return { kind: 'labels', count: dims[0] as number, labels: data };
  return { kind: 'images', count: dims[0] as number, rows: dims[1] as number, cols: dims[2] as number, pixels: data };
}

/** Like {@link readIdx} but requires an images file. @throws MlError `IDX_BAD_MAGIC` for a labels file */
export function readIdxImages(bytes: Uint8Array, name = 'IDX images'): IdxImages {
  const idx = readIdx(bytes, name);
  if (idx.kind !== 'images') {
    throw new MlError(
      'IDX_BAD_MAGIC',
      `${name}: is a labels file (magic ${IDX_LABELS_MAGIC}); expected images (${IDX_IMAGES_MAGIC})`,
    );
  }
  return idx;
}

/** Like {@link readIdx} but requires a labels file. @throws MlError `IDX_BAD_MAGIC` for an images file */
export function readIdxLabels(bytes: Uint8Array, name = 'IDX labels'): IdxLabels {
  const idx = readIdx(bytes, name);
  if (idx.kind !== 'labels') {
    throw new MlError(
      'IDX_BAD_MAGIC',
      `${name}: is an images file (magic ${IDX_IMAGES_MAGIC}); expected labels (${IDX_LABELS_MAGIC})`,
    );
  }
  return idx;
}
