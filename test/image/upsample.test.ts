import { describe, expect, it } from 'vitest';
import { upsampleCubic } from '../../src/image/upsample.js';

describe('upsampleCubic', () => {
  it('keeps a flat image flat and its size times the factor', () => {
    const flat = { width: 8, height: 6, data: new Float32Array(48).fill(0.5) };
    const big = upsampleCubic(flat, 4);
    expect([big.width, big.height]).toEqual([32, 24]);
    // Two source pixels away from the zero ink outside the image, the cubic reproduces a constant exactly.
    for (let y = 8; y < 16; y++) for (let x = 8; x < 24; x++) expect(big.data[y * 32 + x]).toBeCloseTo(0.5, 5);
  });

  it('turns a blocky step into a smooth ramp that stays in [0, 1] and keeps the edge in place', () => {
    const step = { width: 6, height: 6, data: Float32Array.from({ length: 36 }, (_, i) => (i % 6 >= 3 ? 1 : 0)) };
    const big = upsampleCubic(step, 8);
    const row = Array.from(big.data.subarray(24 * 48, 25 * 48)); // a middle row, away from the top and bottom edges
    for (const v of row) expect(v).toBeGreaterThanOrEqual(0);
    for (const v of row) expect(v).toBeLessThanOrEqual(1);
    // The edge lies between source pixels 2 and 3, i.e. at output 24: half ink on each side of it.
    expect(row[23]! + row[24]!).toBeCloseTo(1, 1);
    // A ramp, not a block: several grey levels between 0.05 and 0.95.
    expect(row.filter((v) => v > 0.05 && v < 0.95).length).toBeGreaterThanOrEqual(6);
  });

  it('returns the image itself for a factor of 1', () => {
    const image = { width: 2, height: 2, data: Float32Array.from([0, 1, 1, 0]) };
    expect(upsampleCubic(image, 1)).toBe(image);
  });
});
