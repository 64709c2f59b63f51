import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createGray, type GrayImage } from '../../src/image/gray.js';
import { labelComponents } from '../../src/image/components.js';
import { skeletonize } from '../../src/image/skeleton.js';

/** Bars (x0, y0, x1, y1) painted as full ink on a blank image. */
function bars(width: number, height: number, rects: readonly (readonly [number, number, number, number])[]): GrayImage {
  const image = createGray(width, height);
  for (const [x0, y0, x1, y1] of rects)
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) image.data[y * width + x] = 1;
  return image;
}

const on = (g: GrayImage): number => g.data.reduce((a, v) => a + (v > 0 ? 1 : 0), 0);

/** Number of 8-connected components of the pixels that are on (the normalizer's own labelling). */
const components = (g: GrayImage): number => labelComponents(g.data, g.width, g.height, 0).components.length;

describe('skeletonize (Zhang-Suen thinning)', () => {
  it('thins a 7 px wide bar to a one-pixel line along its middle', () => {
    const skeleton = skeletonize(bars(40, 20, [[5, 7, 34, 13]]));
    for (let x = 10; x < 30; x++) {
      const column = Array.from({ length: 20 }, (_, y) => skeleton.data[y * 40 + x] as number);
      expect(column.reduce((a, b) => a + b, 0)).toBe(1);
      expect(column.indexOf(1)).toBe(10);
    }
  });

  it('keeps a ring a ring: thinned, still one closed loop around its hole', () => {
    const ring = bars(30, 30, [
      [5, 5, 24, 9],
      [5, 20, 24, 24],
      [5, 5, 9, 24],
      [20, 5, 24, 24],
    ]);
    const skeleton = skeletonize(ring);
    expect(on(skeleton)).toBeLessThan(on(ring) / 3);
    expect(components(skeleton)).toBe(1);
    expect(skeleton.data[15 * 30 + 15]).toBe(0);
    // The loop still crosses the middle row on both sides of the hole.
    const middle = Array.from({ length: 30 }, (_, x) => skeleton.data[15 * 30 + x] as number);
    expect(middle.slice(0, 15).some((v) => v === 1) && middle.slice(15).some((v) => v === 1)).toBe(true);
  });

  it('only removes ink and never splits a stroke (random blobs)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(20), fc.nat(20), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (rects) => {
          const image = bars(
            32,
            32,
            rects.map(([x, y, w, h]) => [x, y, Math.min(31, x + w), Math.min(31, y + h)] as const),
          );
          const skeleton = skeletonize(image);
          for (let i = 0; i < image.data.length; i++) if (skeleton.data[i]) expect(image.data[i]).toBe(1);
          expect(components(skeleton)).toBe(components(image));
        },
      ),
    );
  });

  it('takes the ink above the given level only', () => {
    const image = bars(20, 20, [[2, 8, 17, 10]]);
    image.data.forEach((v, i) => (image.data[i] = v * 0.4));
    expect(on(skeletonize(image))).toBe(0);
    expect(on(skeletonize(image, 0.3))).toBeGreaterThan(10);
  });
});
