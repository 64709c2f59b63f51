import type { ActivePairs, PairMatrix } from './pairs.js';

/**
 * Whether this platform stores a Uint16Array's low byte first. Every JavaScript engine in use is little-endian;
 * on a big-endian one a pair reads as (v[2k] << 8 | v[2k + 1]) and the two weights swap roles below.
 */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The reference dot-product loop (plain JavaScript, and the fallback where WebAssembly SIMD is missing):
 * acc[i] = x . v_i for vectors i in [start, end), over the input's active pairs only, four pairs (eight pixels)
 * per pass so each accumulator is loaded and stored once per eight multiply-adds. Each pair of bytes is read as one
 * 16-bit word and split with a mask and a shift: one load instead of two, which measured faster than two byte loads
 * and than the older column loop (docs/BENCHMARKS.md, "Prediction engine").
 * Integer arithmetic: every dot is at most 784 * 255^2 < 2^31, so `| 0` never wraps and the sums are exact.
 * Kept monomorphic (always Uint16Array rows, Int32Array accumulators): V8 ran this loop 2x slower when it also saw
 * other array kinds.
 */
export function pairDots(m: PairMatrix, act: ActivePairs, acc: Int32Array, start: number, end: number): void {
  // Pair rows start at even offsets (stride = 2 * padded) in buffers laid out from even offsets.
  const w = new Uint16Array(m.bytes.buffer, m.bytes.byteOffset, m.bytes.length >> 1);
  const { rowOffsets } = act;
  const lo = LITTLE_ENDIAN ? act.lo : act.hi;
  const hi = LITTLE_ENDIAN ? act.hi : act.lo;
  acc.fill(0, start, end);
  for (let s = 0; s < act.count; s += 4) {
    const r0 = (rowOffsets[s] as number) >> 1;
    const r1 = (rowOffsets[s + 1] as number) >> 1;
    const r2 = (rowOffsets[s + 2] as number) >> 1;
    const r3 = (rowOffsets[s + 3] as number) >> 1;
    const l0 = lo[s] as number;
    const l1 = lo[s + 1] as number;
    const l2 = lo[s + 2] as number;
    const l3 = lo[s + 3] as number;
    const h0 = hi[s] as number;
    const h1 = hi[s + 1] as number;
    const h2 = hi[s + 2] as number;
    const h3 = hi[s + 3] as number;
    for (let i = start; i < end; i++) {
      const a = w[r0 + i] as number;
      const b = w[r1 + i] as number;
      const c = w[r2 + i] as number;
      const d = w[r3 + i] as number;
      acc[i] =
        ((acc[i] as number) +
          l0 * (a & 255) +
          h0 * (a >>> 8) +
          l1 * (b & 255) +
          h1 * (b >>> 8) +
          l2 * (c & 255) +
          h2 * (c >>> 8) +
          l3 * (d & 255) +
          h3 * (d >>> 8)) |
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
