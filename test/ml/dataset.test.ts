import { describe, expect, it } from 'vitest';
import { concatRows, selectRows, toDataset } from '../../src/ml/dataset.js';

const rows = (labels: number[], first: number) =>
  toDataset(
    Uint8Array.from({ length: labels.length * 784 }, (_, k) => (first + Math.floor(k / 784)) % 256),
    Uint8Array.from(labels),
  );

describe('datasets', () => {
  it('concatenates rows in order, images with their labels', () => {
    const joined = concatRows(rows([1, 2], 10), rows([7, 8, 9], 20));
    expect(joined.count).toBe(5);
    expect(Array.from(joined.labels)).toEqual([1, 2, 7, 8, 9]);
    expect([0, 1, 2, 3, 4].map((k) => joined.images[k * 784 + 300])).toEqual([10, 11, 20, 21, 22]);
    expect(concatRows(joined, rows([], 0))).toEqual(joined);
  });

  it('selects rows by index and refuses one outside the set', () => {
    const picked = selectRows(rows([3, 4, 5], 0), [2, 0]);
    expect(Array.from(picked.labels)).toEqual([5, 3]);
    expect(picked.images[0]).toBe(2);
    expect(() => selectRows(rows([3], 0), [1])).toThrow(/row 1 is outside 0..0/);
  });
});
