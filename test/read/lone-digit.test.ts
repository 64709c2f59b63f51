import { describe, expect, it } from 'vitest';
import { LONE_DIGIT_WIDTH, loneDigitInk } from '../../src/read/lone-digit.js';
import type { InkBox } from '../../src/read/pieces.js';

const box = (minX: number, maxX: number, minY = 0, maxY = 99): InkBox => ({ minX, maxX, minY, maxY });

describe('loneDigitInk', () => {
  it('gives the box of every mark when one digit was read and all the ink is as narrow as a digit', () => {
    // A 6 and the dashes of its broken stem, and a speck beside it: 100 px tall digits, 115 px of ink in all.
    const marks = [box(10, 70, 30, 99), box(40, 50, 0, 12), box(118, 124, 90, 96)];
    expect(loneDigitInk(marks, 1, 0, 100)).toEqual(box(10, 124, 0, 99));
  });

  it('holds the ink to LONE_DIGIT_WIDTH digit heights, whatever its height', () => {
    const at = (width: number) => loneDigitInk([box(0, width - 1)], 1, 0, 100);
    expect(at(Math.floor(LONE_DIGIT_WIDTH * 100))).toBeDefined();
    expect(at(Math.floor(LONE_DIGIT_WIDTH * 100) + 1)).toBeUndefined();
  });

  it("measures the ink against its own height where the path's digit height is a broken digit's half", () => {
    // A 9 broken in two: its loop and its tail each 50 px tall, 95 px of ink in all, 100 px tall together.
    const halves = [box(0, 94, 0, 49), box(40, 70, 50, 99)];
    expect(loneDigitInk(halves, 1, 0, 50)).toEqual(box(0, 94, 0, 99));
    expect(loneDigitInk([box(0, 94, 0, 49)], 1, 0, 50)).toBeUndefined();
  });

  it('leaves pictures the path read as several digits, as none, or with a letter to the path', () => {
    const marks = [box(0, 30), box(60, 90)];
    expect(loneDigitInk(marks, 2, 0, 100)).toBeUndefined();
    expect(loneDigitInk(marks, 0, 0, 100)).toBeUndefined();
    expect(loneDigitInk(marks, 1, 1, 100)).toBeUndefined();
    expect(loneDigitInk([], 1, 0, 100)).toBeUndefined();
  });
});
