import { describe, expect, it } from 'vitest';
import { ImageError } from '../../../src/image/errors.js';
import { penVariantInput, redrawWithPen } from '../../../src/training/augment/pen-variants.js';
import { strokeWidth } from '../../../src/image/stroke.js';
import { areaResample } from '../../../src/image/resample.js';
import type { GrayImage } from '../../../src/image/gray.js';
import { mnistTrain } from '../../helpers/mnist-subset.js';

const train = mnistTrain(40);
const digit = (k: number): Uint8Array => train.images.subarray(k * 784, (k + 1) * 784);
const ink = (g: GrayImage): number => g.data.reduce((a, b) => a + b, 0);
/** The redrawing brought back to 28x28 in the digit's own frame (a dilation's padding cut off), not normalized. */
function at28(g: GrayImage): Uint8Array {
  const pad = (g.width - 84) / 2;
  const small = areaResample(g, { x: pad, y: pad, width: 84, height: 84 }, 28, 28);
  return Uint8Array.from(small.data, (v) => Math.round(Math.min(1, v) * 255));
}

describe('pen variants of training digits', () => {
  it('a thicker pen widens the strokes by about twice its radius, a thinner one narrows them', () => {
    for (let k = 0; k < 10; k++) {
      const plain = strokeWidth(digit(k));
      const thick = redrawWithPen(digit(k), { kind: 'thicker', radius: 1.5 });
      const thin = redrawWithPen(digit(k), { kind: 'thinner', level: 0.8 });
      expect(strokeWidth(at28(thick)) - plain).toBeGreaterThan(1.5);
      expect(strokeWidth(at28(thin))).toBeLessThan(plain);
      const base = redrawWithPen(digit(k), { kind: 'thicker', radius: 0 });
      expect(ink(thick)).toBeGreaterThan(1.5 * ink(base));
      expect(ink(thin)).toBeLessThan(ink(base));
    }
  });

  it('a fine pen retraces the skeleton: every stroke kept, about as wide as the pen', () => {
    for (let k = 0; k < 10; k++) {
      const base = redrawWithPen(digit(k), { kind: 'thicker', radius: 0 });
      const fine = redrawWithPen(digit(k), { kind: 'fine', width: 0.9 });
      const fine28 = at28(fine);
      expect(strokeWidth(fine28)).toBeGreaterThan(0.5);
      expect(strokeWidth(fine28)).toBeLessThan(1.4);
      // Along the whole digit: the skeleton only loses about half a stroke width at each end.
      const span = (g: GrayImage): number => {
        const rows = Array.from({ length: g.height }, (_, y) =>
          g.data.subarray(y * g.width, (y + 1) * g.width).some((v) => v > 0.5),
        );
        return rows.lastIndexOf(true) - rows.indexOf(true);
      };
      expect(span(fine)).toBeGreaterThan(0.8 * span(base));
      // A wider fine pen puts down more ink.
      expect(ink(redrawWithPen(digit(k), { kind: 'fine', width: 1.3 }))).toBeGreaterThan(ink(fine));
    }
  });

  it('gives what the upload pipeline gives: 784 bytes in MNIST form, strokes back in MNIST range', () => {
    for (let k = 0; k < 10; k++) {
      const input = penVariantInput(digit(k), { kind: 'thicker', radius: 2 });
      expect(input).toHaveLength(784);
      // The pipeline thins thick strokes towards MNIST's 90th percentile (2.78 px); the redrawing itself is far wider.
      expect(strokeWidth(at28(redrawWithPen(digit(k), { kind: 'thicker', radius: 2 })))).toBeGreaterThan(4);
      expect(strokeWidth(input)).toBeLessThan(3.6);
      expect(penVariantInput(digit(k), { kind: 'thinner', level: 0.7 })).toHaveLength(784);
      // A hairline is thickened back into MNIST's range.
      expect(strokeWidth(penVariantInput(digit(k), { kind: 'fine', width: 0.6 }))).toBeGreaterThan(1.4);
    }
  });

  it('is deterministic', () => {
    const a = penVariantInput(digit(3), { kind: 'thinner', level: 0.75 });
    const b = penVariantInput(digit(3), { kind: 'thinner', level: 0.75 });
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('a pen that keeps no ink is a NO_DIGIT_FOUND error, not an empty digit', () => {
    const faint = Uint8Array.from(digit(0), (v) => v >> 2);
    expect(() => penVariantInput(faint, { kind: 'thinner', level: 0.9 })).toThrow(ImageError);
    try {
      penVariantInput(faint, { kind: 'thinner', level: 0.9 });
    } catch (error) {
      expect((error as ImageError).code).toBe('NO_DIGIT_FOUND');
    }
  });
});
