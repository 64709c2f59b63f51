import type { ActivePairs, PairMatrix } from './pairs.js';

/**
 * The reference dot-product loop (plain JavaScript, and the fallback where WebAssembly SIMD is missing):
 * acc[i] = x . v_i for vectors i in [start, end), over the input's active pairs only, four pairs (eight pixels)
 * per pass so each accumulator is loaded and stored once per eight multiply-adds (measured on the 13,442 support
 * vectors: 4 pixels per pass 1.65 ms, 8 pixels 1.48 ms; notes/engine-measurements.md). Integer arithmetic: every
 * dot is at most 784 * 255^2 < 2^31, so `| 0` never wraps and the sums are exact.
 * Kept monomorphic (always Uint8Array rows, Int32Array accumulators): V8 ran this loop 2x slower when it also saw
 * other array kinds.
 */
export function pairDots(m: PairMatrix, act: ActivePairs, acc: Int32Array, start: number, end: number): void {
  const b = m.bytes;
  const { rowOffsets, lo, hi } = act;
  acc.fill(0, start, end);
  for (let s = 0; s < act.count; s += 4) {
    const r0 = rowOffsets[s] as number;
    const r1 = rowOffsets[s + 1] as number;
    const r2 = rowOffsets[s + 2] as number;
    const r3 = rowOffsets[s + 3] as number;
    const l0 = lo[s] as number;
    const l1 = lo[s + 1] as number;
    const l2 = lo[s + 2] as number;
    const l3 = lo[s + 3] as number;
    const h0 = hi[s] as number;
    const h1 = hi[s + 1] as number;
    const h2 = hi[s + 2] as number;
    const h3 = hi[s + 3] as number;
    for (let i = start; i < end; i++) {
      const j = 2 * i;
      acc[i] =
        ((acc[i] as number) +
          l0 * (b[r0 + j] as number) +
          h0 * (b[r0 + j + 1] as number) +
          l1 * (b[r1 + j] as number) +
          h1 * (b[r1 + j + 1] as number) +
          l2 * (b[r2 + j] as number) +
          h2 * (b[r2 + j + 1] as number) +
          l3 * (b[r3 + j] as number) +
          h3 * (b[r3 + j + 1] as number)) |
        0;
    }
  }
}
