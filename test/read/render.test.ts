import { describe, expect, it } from 'vitest';
import type { GrayImage } from '../../src/image/gray.js';
import type { InkMap } from '../../src/read/ink.js';
import { renderInk, renderPixels } from '../../src/read/render.js';

/** A ring of ink 30 x 44 px (a 0), strokes 5 px wide with soft edges. */
function ring(): GrayImage {
  const width = 30;
  const height = 44;
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const r = Math.hypot((x - 14.5) / 13, (y - 21.5) / 20);
      data[y * width + x] = Math.max(0, Math.min(1, 1 - Math.abs(r - 0.85) * 8));
    }
  return { width, height, data };
}

describe('renderInk', () => {
  it('renders ink given alone as renderPixels renders the same ink found in a picture', () => {
    const ink = ring();
    // The ring at (37, 11) of a larger map, with other ink around it that renderPixels must leave out.
    const map = { width: 120, height: 70 };
    const data = new Float32Array(map.width * map.height).fill(0.6);
    const pixels: number[] = [];
    for (let y = 0; y < ink.height; y++)
      for (let x = 0; x < ink.width; x++) {
        const i = (11 + y) * map.width + 37 + x;
        data[i] = ink.data[y * ink.width + x] as number;
        pixels.push(i);
      }
    const inkMap: InkMap = {
      ink: { ...map, data },
      scaleX: 1,
      scaleY: 1,
      labels: new Int32Array(map.width * map.height),
      components: [],
    };
    const box = { minX: 37, minY: 11, maxX: 37 + ink.width - 1, maxY: 11 + ink.height - 1 };
    const alone = renderInk(ink);
    expect(alone).toHaveLength(784);
    expect(alone).toEqual(renderPixels(inkMap, { pixels: Int32Array.from(pixels), box }));
    // A change to the ink shows in its picture (the comparison above is not of two empty pictures).
    expect(alone?.some((v) => v > 200)).toBe(true);
  });

  it('gives undefined for a blank picture, where normalization finds no digit', () => {
    expect(renderInk({ width: 20, height: 20, data: new Float32Array(400) })).toBeUndefined();
  });
});
