import { describe, expect, it } from 'vitest';
import { flattenBackground } from '../../src/image/background.js';
import { borderQuantile } from '../../src/image/polarity.js';
import { mulberry32 } from '../../src/ml/rng.js';

/** Grey paper (0.8) with Gaussian noise and a dark cross whose arms touch all four edges. */
function noisyCross(sigma: number): { width: number; height: number; data: Float32Array } {
  const random = mulberry32(9);
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const side = 60;
  const data = new Float32Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const ink = Math.abs(x - 30) < 6 || Math.abs(y - 30) < 6;
      data[y * side + x] = (ink ? 0.2 : 0.8) + sigma * gaussian();
    }
  }
  return { width: side, height: side, data };
}

describe('flattenBackground noise', () => {
  it("measures the paper's noise over the whole picture, right when ink lies all along the border", () => {
    const sigma = 0.04;
    const { ink, noise } = flattenBackground(noisyCross(sigma), true);
    // The 90th percentile of paper noise in reflectance units: 1.28 sigma / paper.
    expect(noise).toBeGreaterThan(0.7 * ((1.28 * sigma) / 0.8));
    expect(noise).toBeLessThan(1.3 * ((1.28 * sigma) / 0.8));
    // The border ring's figure, which a margin-less picture used to be judged by, is the ink's level instead.
    expect(borderQuantile(ink, 0.9)).toBeGreaterThan(0.5);
  });

  it('gives about 0 for clean paper', () => {
    expect(flattenBackground(noisyCross(0), true).noise).toBeLessThan(0.01);
  });
});
