import { describe, expect, it } from 'vitest';
import { labelComponents, type Component } from '../../src/image/components.js';
import { mulberry32 } from '../../src/ml/rng.js';

/**
 * The labelling as first written: a depth-first flood fill recovering each pixel's column and row by division, its
 * neighbours pushed rows above to below, columns left to right. The order of its visits fixes each component's float
 * `mass`; the labelling must keep it.
 */
function reference(values: Float32Array, width: number, height: number, threshold: number) {
  const labels = new Int32Array(width * height);
  const components: Component[] = [];
  const stack: number[] = [];
  for (let start = 0; start < labels.length; start++) {
    if (labels[start] !== 0 || values[start]! <= threshold) continue;
    const label = components.length + 1;
    stack.push(start);
    labels[start] = label;
    let pixels = 0;
    let mass = 0;
    let [minX, minY, maxX, maxY] = [width, height, -1, -1];
    while (stack.length > 0) {
      const i = stack.pop()!;
      const x = i % width;
      const y = (i - x) / width;
      pixels++;
      mass += values[i]!;
      [minX, maxX, minY, maxY] = [Math.min(minX, x), Math.max(maxX, x), Math.min(minY, y), Math.max(maxY, y)];
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const [nx, ny] = [x + dx, y + dy];
          if (nx < 0 || nx >= width || ny < 0 || ny >= height) continue;
          const j = ny * width + nx;
          if (labels[j] === 0 && values[j]! > threshold) {
            labels[j] = label;
            stack.push(j);
          }
        }
    }
    components.push({ label, pixels, mass, minX, minY, maxX, maxY });
  }
  return { labels, components };
}

describe('labelComponents', () => {
  it('gives the reference flood fill labels, boxes and float sums on random masks of every density and shape', () => {
    const random = mulberry32(23);
    for (let t = 0; t < 600; t++) {
      const width = 1 + Math.floor(random() * 48);
      const height = 1 + Math.floor(random() * 48);
      const density = random();
      // Values of magnitudes far apart (float32 from 1e-12 to 1e12), whose float64 sum depends on the order of the visits.
      const values = Float32Array.from({ length: width * height }, () =>
        random() < density ? random() * 10 ** (24 * random() - 12) : 0,
      );
      const threshold = random() * 0.3;
      const got = labelComponents(values, width, height, threshold);
      const want = reference(values, width, height, threshold);
      expect(got.components).toEqual(want.components);
      expect(Array.from(got.labels)).toEqual(Array.from(want.labels));
    }
  });

  it('joins pixels that touch only at a corner, across every edge of the picture', () => {
    // A diagonal from the top-left corner to the bottom-right, and one from the top-right corner going down.
    const w = 6;
    const values = new Float32Array(w * w);
    for (let k = 0; k < w; k++) values[k * w + k] = 1;
    values[w - 1] = 1;
    values[2 * w - 2] = 1;
    const { components } = labelComponents(values, w, w, 0.5);
    expect(components.map((c) => [c.pixels, c.minX, c.minY, c.maxX, c.maxY])).toEqual([
      [6, 0, 0, 5, 5],
      [2, 4, 0, 5, 1],
    ]);
  });
});
