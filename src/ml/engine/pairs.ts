import { MlError } from '../errors.js';

/** Vectors are padded to a multiple of this, so the SIMD loop always finds whole groups of 8. */
export const VECTOR_GROUP = 8;

/**
 * `count` byte vectors of `dim` (even) pixels, laid out for the dot-product loops: dim / 2 pair rows, row k holding
 * v_i[2k], v_i[2k + 1] for every vector i, interleaved (bytes[k * stride + 2 i + h] = v_i[2k + h]), then zeros up
 * to `padded` vectors. One input's non-zero pixel pair k then reads one contiguous row: the same bytes as a
 * column-major layout, but two pixels per load, which WebAssembly's `i32x4.dot_i16x8_s` multiplies in one
 * instruction and the JavaScript loop reads as neighbours.
 */
export interface PairMatrix {
  readonly count: number;
  readonly dim: number;
  /** count rounded up to VECTOR_GROUP. */
  readonly padded: number;
  /** Bytes per pair row: 2 * padded. */
  readonly stride: number;
  /** (dim / 2) * stride bytes. */
  readonly bytes: Uint8Array;
}

/** Bytes a pair matrix of `count` vectors of `dim` pixels needs. */
export function pairMatrixBytes(count: number, dim: number): number {
  return (dim / 2) * 2 * paddedCount(count);
}

/** `count` rounded up to {@link VECTOR_GROUP}. */
export function paddedCount(count: number): number {
  return Math.ceil(count / VECTOR_GROUP) * VECTOR_GROUP;
}

/** Vectors moved together by pairMatrixFromRows: 64 x 784 bytes (50 KB) read from L2 instead of memory. */
const TILE = 64;

/**
 * Lays out `count` row-major vectors as a {@link PairMatrix}.
 * @param rows count x dim bytes, one vector after another
 * @param bytes where to put the matrix (e.g. a view into WebAssembly or shared memory); zero-filled, of
 *   `pairMatrixBytes(count, dim)` bytes; a fresh array when omitted
 */
export function pairMatrixFromRows(rows: Uint8Array, count: number, dim: number, bytes?: Uint8Array): PairMatrix {
  if (dim % 2 !== 0) throw new MlError('INVALID_ARGUMENT', `vectors need an even number of pixels, got ${dim}`);
  if (rows.length !== count * dim) {
    throw new MlError(
      'INVALID_ARGUMENT',
      `expected ${count} x ${dim} = ${count * dim} bytes of vectors, got ${rows.length}`,
    );
  }
  const padded = paddedCount(count);
  const stride = 2 * padded;
  const out = bytes ?? new Uint8Array(pairMatrixBytes(count, dim));
  if (out.length !== pairMatrixBytes(count, dim))
    throw new MlError('INVALID_ARGUMENT', `pair matrix needs ${pairMatrixBytes(count, dim)} bytes, got ${out.length}`);
  // A pixel pair is two adjacent bytes in both layouts, so it moves as one 16-bit value (byte order kept, whatever
  // the platform's) when both arrays allow 2-byte views, a tile of TILE vectors at a time so that their rows stay in
  // cache while each pair row's piece is written in order (shipped model, 2-core EPYC: 55 -> ~10 ms of its load).
  if (rows.byteOffset % 2 === 0 && out.byteOffset % 2 === 0) {
    const from = new Uint16Array(rows.buffer, rows.byteOffset, rows.length / 2);
    const to = new Uint16Array(out.buffer, out.byteOffset, out.length / 2);
    const half = dim / 2;
    for (let i0 = 0; i0 < count; i0 += TILE) {
      const end = Math.min(count, i0 + TILE);
      for (let k = 0; k < half; k++) {
        const row = k * padded;
        for (let i = i0, src = i0 * half + k; i < end; i++, src += half) to[row + i] = from[src] as number;
      }
    }
  } else {
    for (let i = 0; i < count; i++) {
      const src = i * dim;
      for (let k = 0; k < dim / 2; k++) {
        const dst = k * stride + 2 * i;
        out[dst] = rows[src + 2 * k] as number;
        out[dst + 1] = rows[src + 2 * k + 1] as number;
      }
    }
  }
  return { count, dim, padded, stride, bytes: out };
}

/**
 * A {@link PairMatrix} over bytes already in its layout (a binary model file stores its support vectors so), not
 * copied: `bytes` become the matrix's. Its padding vectors must be zero, as pairMatrixFromRows leaves them, so one
 * model has one layout.
 * @throws MlError `INVALID_ARGUMENT` for a wrong length or a non-zero padding byte
 */
export function pairMatrixOver(bytes: Uint8Array, count: number, dim: number): PairMatrix {
  if (dim % 2 !== 0) throw new MlError('INVALID_ARGUMENT', `vectors need an even number of pixels, got ${dim}`);
  if (bytes.length !== pairMatrixBytes(count, dim))
    throw new MlError(
      'INVALID_ARGUMENT',
      `pair matrix needs ${pairMatrixBytes(count, dim)} bytes, got ${bytes.length}`,
    );
  const padded = paddedCount(count);
  const stride = 2 * padded;
  for (let row = 0; row < bytes.length; row += stride) {
    for (let at = row + 2 * count; at < row + stride; at++) {
      if (bytes[at] !== 0)
        throw new MlError('INVALID_ARGUMENT', `pair matrix padding byte ${at} is ${bytes[at]}, not 0`);
    }
  }
  return { count, dim, padded, stride, bytes };
}

/**
 * Vectors `subset[0..size)` of `m`, in that order, as a matrix of its own over `bytes` (laid out for `capacity`
 * vectors, so one buffer serves every smaller subset; padding vectors zeroed): the layout a training row is
 * computed on when only the active variables need it.
 */
export function subsetPairMatrix(
  m: PairMatrix,
  subset: Int32Array,
  size: number,
  capacity: number,
  bytes: Uint8Array,
): PairMatrix {
  const padded = paddedCount(capacity);
  if (size > capacity) throw new MlError('INVALID_ARGUMENT', `subset of ${size} vectors exceeds room for ${capacity}`);
  if (bytes.length !== pairMatrixBytes(capacity, m.dim) || bytes.byteOffset % 2 !== 0 || m.bytes.byteOffset % 2 !== 0)
    throw new MlError(
      'INVALID_ARGUMENT',
      `subset matrix needs ${pairMatrixBytes(capacity, m.dim)} bytes at an even offset`,
    );
  // Whole pixel pairs move as 16-bit words, as in pairMatrixFromRows.
  const from = new Uint16Array(m.bytes.buffer, m.bytes.byteOffset, m.bytes.length >> 1);
  const to = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
  const end = paddedCount(size);
  for (let k = 0; k < m.dim / 2; k++) {
    const src = k * m.padded;
    const dst = k * padded;
    for (let a = 0; a < size; a++) to[dst + a] = from[src + (subset[a] as number)] as number;
    to.fill(0, dst + size, dst + end);
  }
  return { count: size, dim: m.dim, padded, stride: 2 * padded, bytes };
}

/** Rewrites active pairs found for rows `fromStride` bytes apart for a matrix whose rows are `toStride` apart. */
export function restrideActivePairs(act: ActivePairs, fromStride: number, toStride: number): ActivePairs {
  for (let t = 0; t < act.count; t++) act.rowOffsets[t] = ((act.rowOffsets[t] as number) / fromStride) * toStride;
  return act;
}

/** The vectors one after another again (the inverse of {@link pairMatrixFromRows}). */
export function rowsFromPairMatrix(m: PairMatrix): Uint8Array {
  const rows = new Uint8Array(m.count * m.dim);
  for (let i = 0; i < m.count; i++) vectorOf(m, i, rows.subarray(i * m.dim, (i + 1) * m.dim));
  return rows;
}

/** Copies vector i of `m` into `out` (dim bytes). */
export function vectorOf(m: PairMatrix, i: number, out: Uint8Array): Uint8Array {
  const { bytes, stride } = m;
  for (let k = 0; k < m.dim / 2; k++) {
    out[2 * k] = bytes[k * stride + 2 * i] as number;
    out[2 * k + 1] = bytes[k * stride + 2 * i + 1] as number;
  }
  return out;
}

/**
 * An input's non-zero pixel pairs, the only rows a dot product needs (a deskewed digit has about 98 of 392):
 * the byte offset of each pair row in the matrix and the two pixel values. Padded with empty pairs (row 0,
 * weights 0) to a multiple of 4, so both backends take four pairs per pass with no remainder loop.
 */
export interface ActivePairs {
  /** Entries in use, a multiple of 4. */
  count: number;
  readonly rowOffsets: Int32Array;
  readonly lo: Int32Array;
  readonly hi: Int32Array;
}

/** Scratch for {@link findActivePairs} with room for any input of `dim` pixels. */
export function activePairsFor(dim: number): ActivePairs {
  const room = dim / 2 + 4;
  return { count: 0, rowOffsets: new Int32Array(room), lo: new Int32Array(room), hi: new Int32Array(room) };
}

/**
 * Fills `out` with the non-zero pairs of `x` (dim bytes) for matrix rows `stride` bytes apart.
 * @param x pixels 0..255 (rounded, as the dot products are integers)
 */
export function findActivePairs(x: ArrayLike<number>, dim: number, stride: number, out: ActivePairs): ActivePairs {
  let n = 0;
  for (let k = 0; k < dim / 2; k++) {
    const lo = Math.round(x[2 * k] as number);
    const hi = Math.round(x[2 * k + 1] as number);
    if (lo !== 0 || hi !== 0) {
      out.rowOffsets[n] = k * stride;
      out.lo[n] = lo;
      out.hi[n] = hi;
      n++;
    }
  }
  return padToFour(out, n);
}

/** The active pairs of vector i of `m` itself (a training image against the others). */
export function findActivePairsOfVector(m: PairMatrix, i: number, out: ActivePairs): ActivePairs {
  const { bytes, stride } = m;
  let n = 0;
  for (let k = 0; k < m.dim / 2; k++) {
    const lo = bytes[k * stride + 2 * i] as number;
    const hi = bytes[k * stride + 2 * i + 1] as number;
    if (lo !== 0 || hi !== 0) {
      out.rowOffsets[n] = k * stride;
      out.lo[n] = lo;
      out.hi[n] = hi;
      n++;
    }
  }
  return padToFour(out, n);
}

function padToFour(out: ActivePairs, used: number): ActivePairs {
  let n = used;
  for (; n % 4 !== 0; n++) {
    out.rowOffsets[n] = 0;
    out.lo[n] = 0;
    out.hi[n] = 0;
  }
  out.count = n;
  return out;
}
