import { encodeGrayPng } from '../../src/image/index.js';
import { mulberry32 } from '../../src/ml/rng.js';
import { numberPicture } from './numbers.js';

/**
 * Pictures built to make the number reader work hard: a page of text, noise, a maze of strokes, a very long number.
 * The reader must refuse each (422) quickly; used by test/server/node/read-hostile.test.ts and the soak benchmark.
 */

/** White paper with black rectangles on it. */
function paper(
  width: number,
  height: number,
  marks: (ink: (x: number, y: number, w: number, h: number) => void) => void,
) {
  const pixels = new Uint8Array(width * height).fill(255);
  marks((x0, y0, w, h) => {
    for (let y = Math.max(0, y0); y < Math.min(height, y0 + h); y++)
      for (let x = Math.max(0, x0); x < Math.min(width, x0 + w); x++) pixels[y * width + x] = 0;
  });
  return new Uint8Array(encodeGrayPng(pixels, width, height));
}

/**
 * Draws the pictures (the same every call).
 * @returns PNG bytes by name.
 */
export function hostileReadPictures(): Record<string, Uint8Array<ArrayBuffer>> {
  const rand = mulberry32(23);
  return {
    // 30 lines of 80 letter-sized marks, each made of two strokes: ~4,800 pieces.
    'a page of text': paper(1200, 900, (ink) => {
      for (let line = 0; line < 30; line++)
        for (let c = 0; c < 80; c++) {
          const x = 20 + c * 14;
          const y = 20 + line * 28;
          ink(x, y + Math.floor(rand() * 6), 2, 10 + Math.floor(rand() * 6));
          ink(x + 4 + Math.floor(rand() * 4), y + 4, 2, 8);
        }
    }),
    // Salt-and-pepper noise: 15% of the pixels black.
    noise: paper(600, 400, (ink) => {
      for (let i = 0; i < 600 * 400 * 0.15; i++) ink(Math.floor(rand() * 600), Math.floor(rand() * 400), 1, 1);
    }),
    // One connected piece of strokes, a maze across a wide picture: every column a candidate cut.
    'a maze of strokes': paper(1600, 200, (ink) => {
      for (let y = 10; y < 190; y += 12) ink(10, y, 1580, 3);
      for (let x = 10; x < 1590; x += 9) ink(x, 10 + Math.floor(rand() * 150), 3, 40);
    }),
    // 48 real digits in a row: more than one reading holds.
    'a 48-digit number': numberPicture(
      Array.from({ length: 48 }, (_, i) => i),
      { scale: 1, gap: 6 },
    ).png,
  };
}
