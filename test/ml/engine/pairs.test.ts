import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  activePairsFor,
  filePairBytes,
  findActivePairs,
  findActivePairsOfVector,
  pairMatrixFromRows,
  pairMatrixOver,
  paddedCount,
  rowsFromPairMatrix,
  subsetPairMatrix,
  pairMatrixBytes,
} from '../../../src/ml/engine/pairs.js';
import { pairDots } from '../../../src/ml/engine/js-dots.js';
import { dotBytes } from '../../../src/ml/kernel.js';

const DIM = 16;

/** count vectors of DIM pixels, biased toward the layout's edge values (0, 127, 128, 255) and zero pairs. */
const vectorsArb = fc.integer({ min: 1, max: 21 }).chain((count) =>
  fc.tuple(
    fc.constant(count),
    fc
      .array(fc.oneof(fc.constantFrom(0, 0, 127, 128, 255), fc.integer({ min: 0, max: 255 })), {
        minLength: count * DIM,
        maxLength: count * DIM,
      })
      .map((v) => Uint8Array.from(v)),
  ),
);

/** The plain pair layout a file stores: row k holds v_i[2k], v_i[2k + 1] side by side, padding zero. */
function plainLayout(rows: Uint8Array, count: number): Uint8Array {
  const stride = 2 * paddedCount(count);
  const out = new Uint8Array(pairMatrixBytes(count, DIM));
  for (let i = 0; i < count; i++)
    for (let k = 0; k < DIM / 2; k++) {
      out[k * stride + 2 * i] = rows[i * DIM + 2 * k] as number;
      out[k * stride + 2 * i + 1] = rows[i * DIM + 2 * k + 1] as number;
    }
  return out;
}

describe("pair matrices (the engines' layout)", () => {
  it('give the vectors back, are written to files in the plain layout and read from it in place', () => {
    fc.assert(
      fc.property(vectorsArb, ([count, rows]) => {
        const m = pairMatrixFromRows(rows, count, DIM);
        expect(rowsFromPairMatrix(m)).toEqual(rows);
        const file = filePairBytes(m);
        expect(file).toEqual(plainLayout(rows, count));
        const over = pairMatrixOver(file, count, DIM);
        expect(over.bytes).toBe(file);
        expect(over.bytes).toEqual(m.bytes);
        // At an offset no 32-bit view takes (a view into a larger buffer): the byte-wise conversion, the same result.
        const odd = new Uint8Array(file.length + 2).subarray(2);
        odd.set(filePairBytes(m));
        expect(pairMatrixOver(odd, count, DIM).bytes).toEqual(m.bytes);
      }),
    );
  });

  it("compute each dot exactly in the reference loop, and find each vector's own non-zero pairs", () => {
    fc.assert(
      fc.property(vectorsArb, fc.uint8Array({ minLength: DIM, maxLength: DIM }), ([count, rows], x) => {
        const m = pairMatrixFromRows(rows, count, DIM);
        const acc = new Int32Array(m.padded);
        pairDots(m, findActivePairs(x, DIM, m.stride, activePairsFor(DIM)), acc, 0, count);
        for (let i = 0; i < m.padded; i++) {
          const want = i < count ? dotBytes(x, rows.subarray(i * DIM, (i + 1) * DIM)) : 0;
          expect(acc[i]).toBe(want);
        }
        for (let i = 0; i < count; i++) {
          const own = findActivePairsOfVector(m, i, activePairsFor(DIM));
          const want = findActivePairs(rows.subarray(i * DIM, (i + 1) * DIM), DIM, m.stride, activePairsFor(DIM));
          expect([own.count, [...own.rowOffsets], [...own.lo], [...own.hi]]).toEqual([
            want.count,
            [...want.rowOffsets],
            [...want.lo],
            [...want.hi],
          ]);
        }
      }),
    );
  });

  it('lay a subset out as the matrix of those vectors would be, padding included', () => {
    fc.assert(
      fc.property(
        vectorsArb.chain(([count, rows]) =>
          fc.tuple(
            fc.constant(count),
            fc.constant(rows),
            fc.uniqueArray(fc.integer({ min: 0, max: count - 1 }), { minLength: 1, maxLength: count }),
          ),
        ),
        ([count, rows, picked]) => {
          const m = pairMatrixFromRows(rows, count, DIM);
          const capacity = count + 5;
          // Stale bytes from an earlier, larger subset must not show through.
          const bytes = new Uint8Array(pairMatrixBytes(capacity, DIM)).fill(0x5a);
          const sub = subsetPairMatrix(m, Int32Array.from(picked), picked.length, capacity, bytes);
          const gathered = new Uint8Array(picked.length * DIM);
          picked.forEach((i, a) => gathered.set(rows.subarray(i * DIM, (i + 1) * DIM), a * DIM));
          expect(rowsFromPairMatrix(sub)).toEqual(gathered);
          const odd = new Uint8Array(bytes.length + 2).fill(0x5a).subarray(2);
          expect(subsetPairMatrix(m, Int32Array.from(picked), picked.length, capacity, odd).bytes).toEqual(
            sub.bytes.subarray(0, sub.bytes.length),
          );
          const acc = new Int32Array(sub.padded);
          const x = new Uint8Array(DIM).fill(255);
          const act = findActivePairs(x, DIM, sub.stride, activePairsFor(DIM));
          pairDots(sub, act, acc, 0, picked.length);
          for (let a = 0; a < paddedCount(picked.length); a++) {
            const want = a < picked.length ? dotBytes(x, gathered.subarray(a * DIM, (a + 1) * DIM)) : 0;
            expect(acc[a]).toBe(want);
          }
        },
      ),
    );
  });
});
