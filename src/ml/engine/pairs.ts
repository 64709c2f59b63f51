import { MlError } from '../errors.js';

/** Vectors are padded to a multiple of this, so the SIMD loop always finds whole groups of 8. */
export const VECTOR_GROUP = 8;

/**
 * `count` byte vectors of `dim` (even) pixels, laid out for the dot-product loops: dim / 2 pair rows, row k holding
 * v_i[2k], v_i[2k + 1] (a pixel pair) for every vector i, then padding vectors (all pixels 0) up to `padded`. One
 * input's non-zero pixel pair k then reads one contiguous row.
 *
 * Within a row, each group of 8 vectors takes 16 bytes, and vectors 8g + q and 8g + 4 + q (q < 4) share 4 of them
 * (see {@link pairSlot}): [a_lo, b_lo ^ 0x80, a_hi, b_hi ^ 0x80]. Read as 16-bit lanes, each lane holds a pixel of
 * vector a in its low byte and the same pixel of vector b, less 128, in its signed high byte. WebAssembly's
 * `i32x4.dot_i16x8_s` of such a lane pair with the input's (x_lo, x_hi) gives a . x + 256 (b . x - 128 (x_lo +
 * x_hi)) in one instruction, and of the lanes shifted right by 8 gives b's part alone: two vectors' dot products
 * from one 16-byte load and one shift, where bytes widened to 16 bits cost a widening per 8 bytes (23% faster dots
 * on a 2-core Intel Xeon, docs/BENCHMARKS.md, "Prediction"). Files keep the plain layout (v_i[2k], v_i[2k + 1]
 * side by side, {@link filePairBytes}); decoding converts it in place.
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

/** The byte of a pair row holding vector i's first pixel of the pair; its second is 2 bytes further. */
export function pairSlot(i: number): number {
  const r = i & 7;
  return 16 * (i >> 3) + 4 * (r & 3) + (r >> 2);
}

/** What the bytes of vector i hold: pixel ^ pairBias(i) (0x80 for the vector in each lane's high byte). */
export function pairBias(i: number): number {
  return (i & 4) << 5;
}

/** Writes padding vectors count .. padded - 1 as zero pixels in every pair row. */
function writePadding(bytes: Uint8Array, count: number, padded: number, stride: number): void {
  for (let row = 0; row < bytes.length; row += stride) {
    for (let i = count; i < padded; i++) {
      const at = row + pairSlot(i);
      const zero = pairBias(i);
      bytes[at] = zero;
      bytes[at + 2] = zero;
    }
  }
}

/** Vectors moved together by pairMatrixFromRows: 64 x 784 bytes (50 KB) read from L2 instead of memory. */
const TILE = 64;

/**
 * Lays out `count` row-major vectors as a {@link PairMatrix}.
 * @param rows count x dim bytes, one vector after another
 * @param bytes where to put the matrix (e.g. a view into WebAssembly or shared memory), of
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
  // A tile of TILE vectors at a time, so that their rows stay in cache while each pair row's piece is written in
  // order (shipped model, 2-core EPYC: 55 -> ~10 ms of its load).
  const half = dim / 2;
  const slots = new Int32Array(TILE);
  const biases = new Uint8Array(TILE);
  for (let i0 = 0; i0 < count; i0 += TILE) {
    const end = Math.min(count, i0 + TILE);
    for (let i = i0; i < end; i++) {
      slots[i - i0] = pairSlot(i);
      biases[i - i0] = pairBias(i);
    }
    for (let k = 0; k < half; k++) {
      const row = k * stride;
      for (let i = i0, src = i0 * dim + 2 * k; i < end; i++, src += dim) {
        const at = row + (slots[i - i0] as number);
        const bias = biases[i - i0] as number;
        out[at] = (rows[src] as number) ^ bias;
        out[at + 2] = (rows[src + 1] as number) ^ bias;
      }
    }
  }
  writePadding(out, count, padded, stride);
  return { count, dim, padded, stride, bytes: out };
}

/**
 * A {@link PairMatrix} over a file's bytes in the plain layout (v_i[2k], v_i[2k + 1] side by side in each pair row,
 * padding vectors zero), converted in place: `bytes` become the matrix's. Each group of 8 vectors keeps its 16
 * bytes, so the conversion is a shuffle within them.
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
  if (bytes.byteOffset % 4 === 0)
    toEngineLayoutWords(new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2));
  else toEngineLayoutBytes(bytes);
  return { count, dim, padded, stride, bytes };
}

/**
 * Spreads a vector's pixel pair (lo | hi << 8) to where a lane pair of the engines' layout holds it: lo in bits
 * 0-7, hi in bits 16-23.
 */
function spread(pair: number): number {
  return (pair & 0xff) | ((pair & 0xff00) << 8);
}

/** The plain layout to the engines', 16-byte block by block, as 32-bit words (little-endian). */
function toEngineLayoutWords(words: Uint32Array): void {
  for (let at = 0; at < words.length; at += 4) {
    const w0 = words[at] as number;
    const w1 = words[at + 1] as number;
    const w2 = words[at + 2] as number;
    const w3 = words[at + 3] as number;
    words[at] = (spread(w0) | (spread(w2) << 8)) ^ 0x80008000;
    words[at + 1] = (spread(w0 >>> 16) | (spread(w2 >>> 16) << 8)) ^ 0x80008000;
    words[at + 2] = (spread(w1) | (spread(w3) << 8)) ^ 0x80008000;
    words[at + 3] = (spread(w1 >>> 16) | (spread(w3 >>> 16) << 8)) ^ 0x80008000;
  }
}

/**
 * {@link toEngineLayoutWords} for bytes at an offset a 32-bit view cannot take: a caller's own view (a file's sections
 * are 64-aligned, and so is the memory a file is read into).
 */
function toEngineLayoutBytes(bytes: Uint8Array): void {
  const block = new Uint8Array(16);
  for (let at = 0; at < bytes.length; at += 16) {
    // Vectors 0-3's pairs are the block's first 8 bytes, vectors 4-7's the last 8.
    block.set(bytes.subarray(at, at + 16));
    for (let q = 0; q < 4; q++) {
      bytes[at + 4 * q] = block[2 * q] as number;
      bytes[at + 4 * q + 1] = (block[8 + 2 * q] as number) ^ 0x80;
      bytes[at + 4 * q + 2] = block[2 * q + 1] as number;
      bytes[at + 4 * q + 3] = (block[9 + 2 * q] as number) ^ 0x80;
    }
  }
}

/** The matrix's bytes in the plain layout a file stores (the inverse of {@link pairMatrixOver}), padding zero. */
export function filePairBytes(m: PairMatrix): Uint8Array {
  const { bytes } = m;
  const out = new Uint8Array(bytes.length);
  for (let at = 0; at < bytes.length; at += 16) {
    for (let q = 0; q < 4; q++) {
      out[at + 2 * q] = bytes[at + 4 * q] as number;
      out[at + 2 * q + 1] = bytes[at + 4 * q + 2] as number;
      out[at + 8 + 2 * q] = (bytes[at + 4 * q + 1] as number) ^ 0x80;
      out[at + 8 + 2 * q + 1] = (bytes[at + 4 * q + 3] as number) ^ 0x80;
    }
  }
  // Whatever an owner left in the padding vectors, the file has zeros there (its reader requires it).
  for (let row = 0; row < out.length; row += m.stride) out.fill(0, row + 2 * m.count, row + m.stride);
  return out;
}

/**
 * Vectors `subset[0..size)` of `m`, in that order, as a matrix of its own over `bytes` (laid out for `capacity`
 * vectors, so one buffer serves every smaller subset; the padding vectors up to the next group written as zero):
 * the layout a training row is computed on when only the active variables need it.
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
  if (bytes.length !== pairMatrixBytes(capacity, m.dim))
    throw new MlError('INVALID_ARGUMENT', `subset matrix needs ${pairMatrixBytes(capacity, m.dim)} bytes`);
  const stride = 2 * padded;
  const end = paddedCount(size);
  // Whole groups a 32-bit word at a time where both views allow it; the rest (the last, partial group and its
  // padding, or everything at an odd offset) byte by byte.
  const whole = m.bytes.byteOffset % 4 === 0 && bytes.byteOffset % 4 === 0 ? size & ~7 : 0;
  if (whole > 0) subsetWords(m, subset, whole, padded, bytes);
  subsetBytes(m, subset, size, stride, bytes, whole, end);
  return { count: size, dim: m.dim, padded, stride, bytes };
}

/** Subset positions first .. end - 1 of every row, byte by byte: vectors below `size` moved, the others zero. */
function subsetBytes(
  m: PairMatrix,
  subset: Int32Array,
  size: number,
  stride: number,
  bytes: Uint8Array,
  first: number,
  end: number,
): void {
  for (let k = 0; k < m.dim / 2; k++) {
    const src = k * m.stride;
    const dst = k * stride;
    for (let a = first; a < end; a++) {
      const t = dst + pairSlot(a);
      if (a < size) {
        const i = subset[a] as number;
        const f = src + pairSlot(i);
        const flip = pairBias(i) ^ pairBias(a);
        bytes[t] = (m.bytes[f] as number) ^ flip;
        bytes[t + 2] = (m.bytes[f + 2] as number) ^ flip;
      } else {
        bytes[t] = pairBias(a);
        bytes[t + 2] = pairBias(a);
      }
    }
  }
}

/**
 * Subset positions 0 .. whole - 1 (whole groups) a 32-bit word at a time: each vector's pair read from its source
 * word as lo | hi << 16 (shifted down by 8 from a high-byte slot), its bias moved to its new slot's, and two vectors'
 * pairs combined into the word they share. One table entry a vector: its source word, times 16, plus 8 for a
 * high-byte slot.
 */
function subsetWords(m: PairMatrix, subset: Int32Array, whole: number, padded: number, bytes: Uint8Array): void {
  const from = new Uint32Array(m.bytes.buffer, m.bytes.byteOffset, m.bytes.length >> 2);
  const to = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
  const code = new Int32Array(whole);
  for (let a = 0; a < whole; a++) {
    const i = subset[a] as number;
    code[a] = ((((i >> 3) << 2) + (i & 3)) << 4) | ((i & 4) << 1);
  }
  const fromRow = m.stride >> 2;
  const toRow = padded >> 1;
  for (let k = 0; k < m.dim / 2; k++) {
    const src = k * fromRow;
    const dst = k * toRow;
    for (let a = 0; a < whole; a += 8) {
      for (let q = 0; q < 4; q++) {
        // A low-byte slot holds the pixels as they are, a high-byte slot less 128 (bias 0x80 on each byte).
        const x = code[a + q] as number;
        const y = code[a + q + 4] as number;
        const lo = (((from[src + (x >> 4)] as number) >>> (x & 8)) & 0x00ff00ff) ^ ((x & 8) * 0x00100010);
        const hi = (((from[src + (y >> 4)] as number) >>> (y & 8)) & 0x00ff00ff) ^ 0x00800080 ^ ((y & 8) * 0x00100010);
        to[dst + (a >> 1) + q] = lo | (hi << 8);
      }
    }
  }
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
  const slot = pairSlot(i);
  const bias = pairBias(i);
  for (let k = 0; k < m.dim / 2; k++) {
    out[2 * k] = (bytes[k * stride + slot] as number) ^ bias;
    out[2 * k + 1] = (bytes[k * stride + slot + 2] as number) ^ bias;
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
  const slot = pairSlot(i);
  const bias = pairBias(i);
  let n = 0;
  for (let k = 0; k < m.dim / 2; k++) {
    const lo = (bytes[k * stride + slot] as number) ^ bias;
    const hi = (bytes[k * stride + slot + 2] as number) ^ bias;
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
