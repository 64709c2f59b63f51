import { BAR_FLATNESS, unionBox, type InkBox } from './pieces.js';

/**
 * All of a picture's ink, read as one digit, spans at most this many digit heights. Chosen on the tuning sets (3,800
 * pictures, test digits 0-4999, every reading compared; docs/BENCHMARKS.md "Number reader", 2026-12-07): at 1.2 and
 * at 1.6 the same one reading changed (a 1 the path read as a 5), and on the report sets the same two (a 9 read 4, a
 * 6 read 9); the narrower bound keeps a digit's neighbours out. A number of two digits as narrow as one (a spaced
 * "11") is not one digit's ink here: the path reads two digits in it.
 */
export const LONE_DIGIT_WIDTH = 1.2;

/**
 * Whether a picture the path read as one digit is one digit's ink, to be read as a single upload of the picture is
 * (imageToDigitInput, the same normalization and model): every mark of it, the pieces and the specks too small to
 * read alike, within LONE_DIGIT_WIDTH digit heights (the ink's own height where it is taller than the path's digit
 * height, the median of its tall pieces: a digit broken in two is taller than either half), and any piece the word
 * rule took for a letter a fragment of the digit (digitFragment). The path renders each piece from its thresholded ink
 * alone and leaves a digit's faint or broken-off strokes out (a 6 whose stem is a dotted line read 9, a 1 with a speck
 * on its foot read 5), where the upload normalizes the picture's soft ink whole: on the lone digits of every set (2,100
 * pictures) the upload read right every digit the reader did, and 8 more (3 of them pass this test; the other 5 the
 * path read as two digits, as none, or beside marks farther off).
 * @param marks the boxes of the picture's other pieces and its small marks
 * @param digits how many digits the path read
 * @param letters the boxes of the pieces the word rule took for letters
 * @param height the digit height in working pixels
 * @returns the box of all the ink, when the picture is one digit's ink
 */
export function loneDigitInk(
  marks: readonly InkBox[],
  digits: number,
  letters: readonly InkBox[],
  height: number,
): InkBox | undefined {
  if (digits !== 1 || marks.length === 0) return undefined;
  const digit = marks.reduce(unionBox);
  if (!letters.every((letter) => digitFragment(letter, digit))) return undefined;
  const all = [digit, ...letters].reduce(unionBox);
  const tall = Math.max(height, all.maxY - all.minY + 1);
  return all.maxX - all.minX + 1 <= LONE_DIGIT_WIDTH * tall ? all : undefined;
}

/**
 * Whether a mark the word rule took for a letter beside a lone digit is a stroke of the digit: over the digit's columns
 * (a 2's foot broken off under its bowl), or flat and at the top of the digit, a 5's top bar written apart to the
 * right of its body. A letter or sign written beside a digit ("$1", "5 m") is neither, and a minus sign sits at its
 * middle. Taken from the tuning sets' misses (docs/BENCHMARKS.md, "Number reader", 2026-12-07): +2 / -0 numbers there
 * (two such 5s of 3,000 lone digits), +1 / -0 on the report sets (the 2), and letting every letter in read "$1" as 9.
 * @param letter the mark's box
 * @param digit the box of the digit's other ink
 */
export function digitFragment(letter: InkBox, digit: InkBox): boolean {
  if (letter.maxX >= digit.minX && letter.minX <= digit.maxX) return true;
  const flat = letter.maxX - letter.minX + 1 >= BAR_FLATNESS * (letter.maxY - letter.minY + 1);
  return flat && (letter.minY + letter.maxY) / 2 <= digit.minY + (digit.maxY - digit.minY + 1) / 3;
}
