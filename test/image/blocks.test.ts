import { describe, expect, it } from 'vitest';
import { blockFactor, undoBlockEnlargement } from '../../src/image/blocks.js';
import { imageToDigitInput } from '../../src/image/index.js';
import { drawStrokes, inkToGreyPng, type Point } from './draw.js';

const seven: Point[][] = [
  [
    [2, 2],
    [9, 2],
    [5, 11],
  ],
];

/** Repeats every pixel of a w x h ink map into a k x k block. */
function blocky(ink: Float32Array, w: number, h: number, k: number): Float32Array {
  return Float32Array.from(
    { length: w * k * h * k },
    (_, i) => ink[Math.floor(Math.floor(i / (w * k)) / k) * w + Math.floor((i % (w * k)) / k)]!,
  );
}

describe('undoing a nearest-neighbour enlargement', () => {
  const small = drawStrokes(12, 14, seven, 1.2);

  it('finds the block factor of an enlarged picture, and none in the picture itself', () => {
    for (const k of [2, 3, 5, 8])
      expect(blockFactor({ width: 12 * k, height: 14 * k, data: blocky(small, 12, 14, k) })).toBe(k);
    expect(blockFactor({ width: 12, height: 14, data: small })).toBe(1);
    expect(blockFactor({ width: 5, height: 5, data: new Float32Array(25) })).toBe(1);
  });

  it('gives back the small picture exactly', () => {
    const back = undoBlockEnlargement({ width: 60, height: 70, data: blocky(small, 12, 14, 5) });
    expect([back.width, back.height]).toEqual([12, 14]);
    expect(Array.from(back.data)).toEqual(Array.from(small));
  });

  it('makes a blocky upload read exactly like the small picture it was made from', () => {
    const asIs = imageToDigitInput(inkToGreyPng(small, 12, 14, true)).pixels;
    const enlarged = imageToDigitInput(inkToGreyPng(blocky(small, 12, 14, 6), 72, 84, true)).pixels;
    expect(Array.from(enlarged)).toEqual(Array.from(asIs));
  });
});
