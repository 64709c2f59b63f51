/**
 * Renders the "not a digit" set, data/font-letters/: letters and signs set in the printed-digit training set's
 * typefaces, styles and sizes (scripts/render-font-digits.ts; none of them is a typeface the read bench draws its
 * words in), normalized by the upload pipeline into MNIST's 28x28 form, written as IDX files whose labels are the
 * glyphs' character codes. scripts/fit-digit-or-not.ts learns from them which pieces of a picture are not digits.
 * Glyphs that are drawn like a digit in many typefaces (O o I l i j S s Z z B b g q) are left out: a piece shaped
 * like 0 is read as 0, and the word rule in src/read decides when such a piece stands among letters.
 *
 * Run once by hand, with the fonts render-font-digits.ts lists: `npx tsx scripts/render-font-letters.ts`.
 */
import path from 'node:path';
import { ImageError, imageToDigitInput } from '../src/image/index.js';
import { PACKAGE_ROOT } from '../src/node/package-root.js';
import type { DigitGlyph } from './digit-canvas.js';
import { FONT_SIZES, FONT_STYLES, TRAINING_FACES, renderGlyphs, writeIdxSet } from './render-font-digits.js';

/** Letters and signs people write next to numbers, without the ones shaped like digits. */
export const NOT_DIGIT_GLYPHS = [...'ACDEFHJKLMNPQRTUVWXYacdefhkmnprtuvwxy', ...'$€£%#&@+=?!*()/<>'];

async function main(): Promise<void> {
  let n = 0;
  const jobs: DigitGlyph[] = TRAINING_FACES.flatMap((face) =>
    FONT_STYLES.flatMap((style) =>
      FONT_SIZES.flatMap((size) =>
        NOT_DIGIT_GLYPHS.map((glyph) => ({ face, style, size, dark: n++ % 2 === 0, digit: 0, glyph })),
      ),
    ),
  );
  const pngs = await renderGlyphs(jobs, NOT_DIGIT_GLYPHS.join(''));
  const images: Uint8Array[] = [];
  const labels: number[] = [];
  pngs.forEach((png, k) => {
    try {
      images.push(imageToDigitInput(png).pixels);
      labels.push((jobs[k] as DigitGlyph).glyph!.charCodeAt(0) & 0xff);
    } catch (error) {
      if (!(error instanceof ImageError)) throw error;
    }
  });
  const dir = path.join(PACKAGE_ROOT, 'data', 'font-letters');
  await writeIdxSet(
    dir,
    { images: 'images-idx3-ubyte', labels: 'labels-idx1-ubyte' },
    images,
    labels,
    '# SHA-256 of the raw (uncompressed) IDX files written by scripts/render-font-letters.ts.',
  );
  console.log(`${images.length} glyphs written to ${dir}`);
}

await main();
