import { describe, expect, it } from 'vitest';
import {
  fromMnist,
  inkBox,
  lowResolution,
  place,
  sharpen,
  tightCrop,
  TIGHT_CROP_LEVEL,
  upscale,
  type InkMap,
} from '../../bench/robustness-render.js';
import { mnistTest } from '../helpers/mnist-subset.js';

const digits = mnistTest(20);
const digit = (k: number): Uint8Array => digits.images.subarray(k * 784, (k + 1) * 784);
const big = (k: number): InkMap => place(fromMnist(digit(k)), 112, 112, 4, 56, 56);

/** The largest ink value in a row or column of the map. */
function maxAlong(m: InkMap, axis: 'row' | 'column', index: number): number {
  let best = 0;
  const n = axis === 'row' ? m.width : m.height;
  for (let i = 0; i < n; i++)
    best = Math.max(best, m.data[axis === 'row' ? index * m.width + i : i * m.width + index] as number);
  return best;
}

describe('the robustness renderers do what their rows say', () => {
  it('tight crop: solid ink touches all four edges of the picture', () => {
    for (let k = 0; k < digits.count; k++) {
      const m = tightCrop(sharpen(big(k)));
      expect(m.width).toBeLessThan(112);
      expect(m.height).toBeLessThan(112);
      for (const edge of [
        maxAlong(m, 'row', 0),
        maxAlong(m, 'row', m.height - 1),
        maxAlong(m, 'column', 0),
        maxAlong(m, 'column', m.width - 1),
      ]) {
        expect(edge).toBeGreaterThan(TIGHT_CROP_LEVEL);
      }
    }
  });

  it('low resolution: the digit is 8-16 px on its longer side, with at most the requested grey levels', () => {
    for (let k = 0; k < digits.count; k++) {
      for (const [size, levels] of [
        [8, 4],
        [12, 7],
        [16, 16],
      ] as const) {
        const m = lowResolution(fromMnist(digit(k)), size, levels);
        const box = inkBox(m, 0.25);
        expect(box).toBeDefined();
        const side = Math.max(box!.width, box!.height);
        // MNIST's box is 20 px of ink with a grey rim; area averaging keeps it within a pixel of size.
        expect(side).toBeGreaterThanOrEqual(size - 1);
        expect(side).toBeLessThanOrEqual(size + 1);
        expect(new Set(m.data).size).toBeLessThanOrEqual(levels);
        // The frame keeps MNIST's margin: 28 / 20 of the digit.
        expect(m.width).toBe(Math.round((28 * size) / 20));
      }
    }
  });

  it('upscaled: nearest neighbour gives blocks of the factor, bilinear gives grey levels between them', () => {
    const small = lowResolution(fromMnist(digit(0)), 10, 5);
    const blocky = upscale(small, 6, 'nearest');
    expect(blocky.width).toBe(small.width * 6);
    for (let y = 0; y < blocky.height; y++) {
      for (let x = 0; x < blocky.width; x++)
        expect(blocky.data[y * blocky.width + x]).toBe(small.data[Math.floor(y / 6) * small.width + Math.floor(x / 6)]);
    }
    const blurry = upscale(small, 6, 'bilinear');
    expect(new Set(blocky.data).size).toBeLessThanOrEqual(5);
    expect(new Set(blurry.data).size).toBeGreaterThan(20);
    const box = inkBox(blurry, 0.25)!;
    expect(Math.max(box.width, box.height)).toBeGreaterThanOrEqual(9 * 6);
    expect(Math.max(box.width, box.height)).toBeLessThanOrEqual(11 * 6);
  });
});
