import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MlError } from '../../src/ml/errors.js';
import { readIdx, readIdxImages, readIdxLabels } from '../../src/ml/idx.js';
import { writeIdx } from '../helpers/idx-writer.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof MlError ? error.code : 'not an MlError';
  }
  return undefined;
}

describe('readIdx', () => {
  it('round-trips images written by the test writer', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        (count, rows, cols) => {
          const data = Uint8Array.from({ length: count * rows * cols }, (_, k) => (k * 37) & 255);
          const idx = readIdxImages(writeIdx([count, rows, cols], data));
          expect(idx).toMatchObject({ kind: 'images', count, rows, cols });
          expect([...idx.pixels]).toEqual([...data]);
        },
      ),
    );
  });

  it('round-trips labels', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 50 }), (labels) => {
        const idx = readIdxLabels(writeIdx([labels.length], labels));
        expect(idx.count).toBe(labels.length);
        expect([...idx.labels]).toEqual([...labels]);
      }),
    );
  });

  it('reports a truncated header, truncated data, extra data and a bad magic number with the file name', () => {
    const good = writeIdx([2, 2, 2], new Uint8Array(8));
    expect(codeOf(() => readIdx(good.subarray(0, 3)))).toBe('IDX_TRUNCATED');
    expect(codeOf(() => readIdx(good.subarray(0, 10)))).toBe('IDX_TRUNCATED');
    expect(codeOf(() => readIdx(good.subarray(0, good.length - 1)))).toBe('IDX_TRUNCATED');
    const extra = new Uint8Array(good.length + 1);
    extra.set(good);
    expect(codeOf(() => readIdx(extra))).toBe('IDX_SIZE_MISMATCH');
    const bad = good.slice();
    bad[2] = 0x09;
    expect(codeOf(() => readIdx(bad))).toBe('IDX_BAD_MAGIC');
    expect(() => readIdx(bad, 'train-images-idx3-ubyte')).toThrow(/train-images-idx3-ubyte: magic number 2307/);
    expect(() => readIdx(good.subarray(0, good.length - 1), 'x.idx')).toThrow(
      /x\.idx: header promises 2 x 2 x 2 = 8 bytes of data, file has only 7/,
    );
  });

  it('refuses labels where images are expected and the reverse', () => {
    expect(codeOf(() => readIdxImages(writeIdx([1], new Uint8Array(1))))).toBe('IDX_BAD_MAGIC');
    expect(codeOf(() => readIdxLabels(writeIdx([1, 1, 1], new Uint8Array(1))))).toBe('IDX_BAD_MAGIC');
  });
});
