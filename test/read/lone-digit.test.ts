import { describe, expect, it } from 'vitest';
import { digitFragment, LONE_DIGIT_WIDTH, loneDigitInk } from '../../src/read/lone-digit.js';
import type { InkBox } from '../../src/read/pieces.js';

const box = (minX: number, maxX: number, minY = 0, maxY = 99): InkBox => ({ minX, maxX, minY, maxY });

describe('loneDigitInk', () => {
  it('gives the box of every mark when one digit was read and all the ink is as narrow as a digit', () => {
    // A 6 and the dashes of its broken stem, and a speck beside it: 100 px tall digits, 115 px of ink in all.
    const marks = [box(10, 70, 30, 99), box(40, 50, 0, 12), box(118, 124, 90, 96)];
    expect(loneDigitInk(marks, 1, [], 100)).toEqual(box(10, 124, 0, 99));
  });

  it('holds the ink to LONE_DIGIT_WIDTH digit heights, whatever its height', () => {
    const at = (width: number) => loneDigitInk([box(0, width - 1)], 1, [], 100);
    expect(at(Math.floor(LONE_DIGIT_WIDTH * 100))).toBeDefined();
    expect(at(Math.floor(LONE_DIGIT_WIDTH * 100) + 1)).toBeUndefined();
  });

  it("measures the ink against its own height where the path's digit height is a broken digit's half", () => {
    // A 9 broken in two: its loop and its tail each 50 px tall, 95 px of ink in all, 100 px tall together.
    const halves = [box(0, 94, 0, 49), box(40, 70, 50, 99)];
    expect(loneDigitInk(halves, 1, [], 50)).toEqual(box(0, 94, 0, 99));
    expect(loneDigitInk([box(0, 94, 0, 49)], 1, [], 50)).toBeUndefined();
  });

  it('leaves pictures the path read as several digits, as none, or beside a letter to the path', () => {
    const marks = [box(0, 30), box(60, 90)];
    expect(loneDigitInk(marks, 2, [], 100)).toBeUndefined();
    expect(loneDigitInk(marks, 0, [], 100)).toBeUndefined();
    expect(loneDigitInk([], 1, [], 100)).toBeUndefined();
    // "$1": a sign as tall as the digit, beside it.
    expect(loneDigitInk([box(60, 80)], 1, [box(0, 40, 0, 99)], 100)).toBeUndefined();
  });

  it("takes a letter that is a fragment of the digit into the digit's ink", () => {
    // A 2's foot broken off under its bowl (60 px tall digit height: the bowl), and a 5's bar apart to its right.
    expect(loneDigitInk([box(40, 75, 0, 59)], 1, [box(0, 56, 65, 90)], 60)).toEqual(box(0, 75, 0, 90));
    expect(loneDigitInk([box(0, 30, 20, 99)], 1, [box(36, 70, 0, 15)], 80)).toEqual(box(0, 70, 0, 99));
    // Fragments still hold the ink to LONE_DIGIT_WIDTH digit heights.
    expect(loneDigitInk([box(0, 30, 20, 99)], 1, [box(36, 130, 0, 15)], 80)).toBeUndefined();
  });
});

describe('digitFragment', () => {
  const digit = box(100, 160, 0, 99);
  it("is a mark over the digit's columns, whatever its shape", () => {
    expect(digitFragment(box(60, 100, 80, 99), digit)).toBe(true);
    expect(digitFragment(box(150, 170, 0, 99), digit)).toBe(true);
  });

  it("is a flat mark beside the digit only at its top: a 5's bar, not a minus sign or a letter", () => {
    expect(digitFragment(box(165, 200, 10, 30), digit)).toBe(true);
    expect(digitFragment(box(165, 200, 45, 55), digit)).toBe(false);
    expect(digitFragment(box(165, 185, 10, 30), digit)).toBe(false);
    expect(digitFragment(box(40, 90, 0, 99), digit)).toBe(false);
  });
});
