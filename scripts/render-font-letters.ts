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
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ImageError, imageToDigitInput } from '../src/image/index.js';
import { PACKAGE_ROOT } from '../src/node/package-root.js';
import { launchChromium } from '../test/helpers/chromium.js';
import { drawDigitGlyphs, type DigitGlyph } from './digit-canvas.js';
import { FONT_SIZES, FONT_STYLES, TRAINING_FACES, idx } from './render-font-digits.js';

/** Letters and signs people write next to numbers, without the ones shaped like digits. */
export const NOT_DIGIT_GLYPHS = [...'ACDEFHJKLMNPQRTUVWXYacdefhkmnprtuvwxy', ...'$€£%#&@+=?!*()/<>'];

async function render(jobs: readonly DigitGlyph[]): Promise<Uint8Array[]> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    // Load every face first, so no glyph is drawn in a fallback font.
    await page.evaluate(
      async ([faces, text]) => {
        for (const face of faces)
          for (const weight of ['', 'bold ']) await document.fonts.load(`${weight}20px "${face}"`, text);
      },
      [[...TRAINING_FACES], NOT_DIGIT_GLYPHS.join('')] as const,
    );
    const urls = await page.evaluate(drawDigitGlyphs, jobs);
    return urls.map((url) => new Uint8Array(Buffer.from(url.split(',')[1] as string, 'base64')));
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  let n = 0;
  const jobs: DigitGlyph[] = TRAINING_FACES.flatMap((face) =>
    FONT_STYLES.flatMap((style) =>
      FONT_SIZES.flatMap((size) =>
        NOT_DIGIT_GLYPHS.map((glyph) => ({ face, style, size, dark: n++ % 2 === 0, digit: 0, glyph })),
      ),
    ),
  );
  const pngs = await render(jobs);
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
  const body = new Uint8Array(images.length * 784);
  images.forEach((image, k) => body.set(image, k * 784));
  const dir = path.join(PACKAGE_ROOT, 'data', 'font-letters');
  await mkdir(dir, { recursive: true });
  const files = [
    ['images-idx3-ubyte', idx(0x803, [images.length, 28, 28], body)],
    ['labels-idx1-ubyte', idx(0x801, [labels.length], Uint8Array.from(labels))],
  ] as const;
  const sums = ['# SHA-256 of the raw (uncompressed) IDX files written by scripts/render-font-letters.ts.'];
  for (const [name, raw] of files) {
    await writeFile(path.join(dir, `${name}.gz`), gzipSync(raw, { level: 9 }));
    sums.push(`${createHash('sha256').update(raw).digest('hex')}  ${name}`);
  }
  await writeFile(path.join(dir, 'checksums'), `${sums.join('\n')}\n`);
  console.log(`${images.length} glyphs written to ${dir}`);
}

await main();
