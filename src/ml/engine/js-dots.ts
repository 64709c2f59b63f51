import { paddedCount, type ActivePairs, type PairMatrix } from './pairs.js';

/**
 * The reference dot-product loop (plain JavaScript, and the fallback where WebAssembly SIMD is missing):
 * acc[i] = x . v_i over the input's active pairs only, for the whole groups of 8 vectors from `start` (a multiple of
 * 8) up to `end` rounded up (so `acc` needs room for paddedCount(end); padding vectors get 0), four pairs (eight
 * pixels) per pass. Each 32-bit word of a pair row holds one pixel pair of two vectors (pairs.ts: a_lo, b_lo ^ 0x80,
 * a_hi, b_hi ^ 0x80, the first byte lowest: every engine in use is little-endian), so one load serves both.
 * Integer arithmetic: every dot is at most 784 * 255^2 < 2^31, so `| 0` never wraps and the sums are exact.
 * Kept monomorphic (always Uint32Array rows, Int32Array accumulators): V8 ran the older loop 2x slower when it also
 * saw other array kinds.
 */
export function pairDots(m: PairMatrix, act: ActivePairs, acc: Int32Array, start: number, end: number): void {
  const { bytes } = m;
  // Pair rows are 16-byte multiples laid out from aligned offsets; a misaligned view is read from a copy.
  const w =
    bytes.byteOffset % 4 === 0
      ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2)
      : new Uint32Array(bytes.slice().buffer);
  const { rowOffsets, lo, hi } = act;
  const stop = paddedCount(end);
  acc.fill(0, start, stop);
  for (let s = 0; s < act.count; s += 4) {
    const r0 = (rowOffsets[s] as number) >> 2;
    const r1 = (rowOffsets[s + 1] as number) >> 2;
    const r2 = (rowOffsets[s + 2] as number) >> 2;
    const r3 = (rowOffsets[s + 3] as number) >> 2;
    const l0 = lo[s] as number;
    const l1 = lo[s + 1] as number;
    const l2 = lo[s + 2] as number;
    const l3 = lo[s + 3] as number;
    const h0 = hi[s] as number;
    const h1 = hi[s + 1] as number;
    const h2 = hi[s + 2] as number;
    const h3 = hi[s + 3] as number;
    // Word j of a row holds vectors a = 8 (j >> 2) + (j & 3) and a + 4.
    for (let j = start >> 1; j < stop >> 1; j++) {
      const a = ((j >> 2) << 3) + (j & 3);
      const x0 = w[r0 + j] as number;
      const x1 = w[r1 + j] as number;
      const x2 = w[r2 + j] as number;
      const x3 = w[r3 + j] as number;
      acc[a] =
        ((acc[a] as number) +
          l0 * (x0 & 255) +
          h0 * ((x0 >>> 16) & 255) +
          l1 * (x1 & 255) +
          h1 * ((x1 >>> 16) & 255) +
          l2 * (x2 & 255) +
          h2 * ((x2 >>> 16) & 255) +
          l3 * (x3 & 255) +
          h3 * ((x3 >>> 16) & 255)) |
        0;
      acc[a + 4] =
        ((acc[a + 4] as number) +
          l0 * (((x0 >>> 8) & 255) ^ 128) +
          h0 * ((x0 >>> 24) ^ 128) +
          l1 * (((x1 >>> 8) & 255) ^ 128) +
          h1 * ((x1 >>> 24) ^ 128) +
          l2 * (((x2 >>> 8) & 255) ^ 128) +
          h2 * ((x2 >>> 24) ^ 128) +
          l3 * (((x3 >>> 8) & 255) ^ 128) +
          h3 * ((x3 >>> 24) ^ 128)) |
        0;
    }
  }
}

/** Integer dot product of two byte vectors of the same length. */
export function dotBytes(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k] as number) * (b[k] as number);
  return s;
}
