import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deskew } from '../../src/ml/deskew.js';
import { imageMoments } from '../../src/ml/moments.js';
import { mnistTest } from '../helpers/mnist-subset.js';

/** A stroke of thickness 2 from (r0, c0) to (r1, c1), drawn as 255 pixels. */
function stroke(r0: number, c0: number, r1: number, c1: number): Uint8Array {
  const img = new Uint8Array(784);
  const steps = 200;
  for (let s = 0; s <= steps; s++) {
    const r = Math.round(r0 + ((r1 - r0) * s) / steps);
    const c = r0 === r1 ? c0 : c0 + ((c1 - c0) * s) / steps;
    for (const dc of [0, 1]) {
      const cc = Math.round(c) + dc;
      if (r >= 0 && r < 28 && cc >= 0 && cc < 28) img[r * 28 + cc] = 255;
    }
  }
  return img;
}

/**
 * The deskew as first written, every output from its sixteen products: the reference the shipped one (which leaves out
 * the windows and rows that hold only zeros) must match bit for bit.
 */
function plainDeskew(src: ArrayLike<number>, out: Uint8Array, size = 28): Uint8Array {
  const cubic = (x: number): number => {
    const t = Math.abs(x);
    if (t <= 1) return (1.5 * t - 2.5) * t * t + 1;
    if (t < 2) return ((-0.5 * t + 2.5) * t - 4) * t + 2;
    return 0;
  };
  const m = imageMoments(src, size, size);
  if (m.mass === 0) return out.fill(0);
  const alpha = m.varRow > 1e-12 ? m.covRowCol / m.varRow : 0;
  const centre = size / 2;
  const offRow = m.meanRow - centre;
  const offCol = m.meanCol - alpha * centre - centre;
  for (let r = 0; r < size; r++) {
    const fr = r + offRow;
    const r0 = Math.floor(fr) - 1;
    const wr = [0, 1, 2, 3].map((k) => cubic(fr - (r0 + k)));
    const shift = alpha * r + offCol;
    const c0base = Math.floor(shift) - 1;
    const wc = [0, 1, 2, 3].map((k) => cubic(shift - (c0base + k)));
    for (let c = 0; c < size; c++) {
      let acc = 0;
      for (let i = 0; i < 4; i++) {
        const rr = r0 + i;
        if (rr < 0 || rr >= size) continue;
        let rowAcc = 0;
        for (let j = 0; j < 4; j++) {
          const cc = c + c0base + j;
          if (cc < 0 || cc >= size) continue;
          rowAcc += (wc[j] as number) * (src[rr * size + cc] as number);
        }
        acc += (wr[i] as number) * rowAcc;
      }
      out[r * size + c] = acc <= 0 ? 0 : acc >= 255 ? 255 : Math.round(acc);
    }
  }
  return out;
}

describe('deskew', () => {
  it('gives the plain sixteen-product sum bit for bit: MNIST digits, random pixels, digits at the edges', () => {
    const data = mnistTest(2000);
    for (let k = 0; k < data.count; k++) {
      const img = data.images.subarray(k * 784, (k + 1) * 784);
      expect(deskew(img, new Uint8Array(784))).toEqual(plainDeskew(img, new Uint8Array(784)));
    }
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 783 }), fc.integer({ min: 1, max: 255 })), { maxLength: 300 }),
        (pixels) => {
          const img = new Uint8Array(784);
          for (const [p, v] of pixels) img[p] = v;
          expect(deskew(img, new Uint8Array(784))).toEqual(plainDeskew(img, new Uint8Array(784)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps a blank image blank (no NaN)', () => {
    const out = deskew(new Uint8Array(784), new Uint8Array(784).fill(7));
    expect(out.every((v) => v === 0)).toBe(true);
  });

  it('leaves an upright stroke centred at (14, 14) unchanged', () => {
    const img = new Uint8Array(784);
    for (let r = 4; r <= 24; r++) for (const c of [13, 14, 15]) img[r * 28 + c] = c === 14 ? 255 : 128;
    const out = deskew(img, new Uint8Array(784));
    const before = imageMoments(img, 28, 28);
    const after = imageMoments(out, 28, 28);
    expect(after.meanCol).toBeCloseTo(before.meanCol, 0);
    expect(Math.abs(after.covRowCol)).toBeLessThan(0.05);
    let diff = 0;
    for (let k = 0; k < 784; k++) diff += Math.abs((out[k] as number) - (img[k] as number));
    expect(diff).toBe(0); // an integer offset and no shear: the cubic weights are 1 and 0
  });

  it('straightens any sheared stroke: row/col covariance near zero, centre of mass at the centre', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8, max: 8 }), fc.integer({ min: 10, max: 18 }), (slant, col) => {
        const img = stroke(4, col - slant / 2, 24, col + slant / 2);
        const out = deskew(img, new Uint8Array(784));
        const m = imageMoments(out, 28, 28);
        expect(Math.abs(m.covRowCol) / m.varRow).toBeLessThan(0.06);
        expect(Math.abs(m.meanRow - 14)).toBeLessThan(0.75);
        expect(Math.abs(m.meanCol - 14)).toBeLessThan(0.75);
      }),
    );
  });

  it('reduces the slant of real MNIST digits', () => {
    const data = mnistTest(50);
    let before = 0;
    let after = 0;
    const out = new Uint8Array(784);
    for (let k = 0; k < data.count; k++) {
      const img = data.images.subarray(k * 784, (k + 1) * 784);
      const m0 = imageMoments(img, 28, 28);
      const m1 = imageMoments(deskew(img, out), 28, 28);
      before += Math.abs(m0.covRowCol / m0.varRow);
      after += Math.abs(m1.covRowCol / m1.varRow);
    }
    expect(after).toBeLessThan(before * 0.2);
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() => deskew(new Uint8Array(783), new Uint8Array(784))).toThrow(/784 pixels/);
  });
});
