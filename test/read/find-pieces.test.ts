import { describe, expect, it } from 'vitest';
import type { GrayImage } from '../../src/image/gray.js';
import { COARSE_SIZE, findPieces, MIN_COARSE_HEIGHT } from '../../src/read/find-pieces.js';
import { decodeGray } from '../../src/image/decode-gray.js';
import { resolveImageLimits } from '../../src/image/limits.js';
import { upscale } from '../../bench/robustness-render.js';
import { hostileReadPictures } from '../helpers/hostile-read-pictures.js';
import { mnistTest } from '../helpers/mnist-subset.js';

/** `count` MNIST test digits side by side, each enlarged `scale` times (bilinear), dark on white, 0.3 digit apart. */
function number(count: number, scale: number): GrayImage {
  const { images } = mnistTest(count);
  const side = 28 * scale;
  const gap = Math.round(0.3 * side);
  const width = count * side + (count + 1) * gap;
  const height = side + 2 * gap;
  const data = new Float32Array(width * height).fill(1);
  for (let k = 0; k < count; k++) {
    const digit = {
      width: 28,
      height: 28,
      data: Float32Array.from(images.subarray(k * 784, (k + 1) * 784), (v) => v / 255),
    };
    const big = upscale(digit, scale, 'bilinear');
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++)
        data[(gap + y) * width + gap + k * (side + gap) + x] = 1 - (big.data[y * side + x] as number);
  }
  return { width, height, data };
}

const pieces = (found: ReturnType<typeof findPieces>) =>
  'tooMany' in found.grouped ? -1 : found.grouped.pieces.length;

describe('findPieces', () => {
  it('reads large digits from the coarse look, at most COARSE_SIZE px on the longer side', () => {
    // Six digits in 168 px boxes (their ink about 120 px tall), 1,358 px wide: about 35 px tall at 400.
    const found = findPieces(number(6, 6), 32);
    expect(Math.max(found.map.ink.width, found.map.ink.height)).toBeLessThanOrEqual(COARSE_SIZE);
    expect(pieces(found)).toBe(6);
    if (!('tooMany' in found.grouped)) expect(found.grouped.height).toBeGreaterThanOrEqual(MIN_COARSE_HEIGHT);
  });

  it('looks at the whole working picture where the digits come out shorter than MIN_COARSE_HEIGHT at COARSE_SIZE', () => {
    // Five digits in 84 px boxes (ink about 60 px tall), 570 px wide: about 42 px tall at 400, enough; twelve in 56 px
    // boxes (ink about 40 px), 893 px wide: about 18 px at 400, not.
    const near = findPieces(number(5, 3), 32);
    expect(near.map.ink.width).toBeLessThanOrEqual(COARSE_SIZE);
    expect(pieces(near)).toBe(5);
    const wide = number(12, 2);
    const far = findPieces(wide, 32);
    expect(far.map.ink.width).toBe(wide.width);
    expect(pieces(far)).toBe(12);
  });

  it('looks at the whole working picture where a piece is too wide to be a digit or two (a maze of strokes)', () => {
    // 1600x200, one piece of 3 px strokes 9-12 px apart: shrunk to 400 px it blurred into one piece read as an 8.
    const { gray } = decodeGray(hostileReadPictures()['a maze of strokes'] as Uint8Array, resolveImageLimits());
    const found = findPieces(gray, 32);
    expect(found.map.ink.width).toBe(1024);
  });

  it('looks at a picture no larger than COARSE_SIZE as it is', () => {
    const small = number(3, 2);
    const found = findPieces(small, 32);
    expect(found.map.ink.width).toBe(small.width);
    expect(pieces(found)).toBe(3);
  });
});
