/**
 * Renders the printed-digit training set, data/font-digits/: the digits 0-9 set in typefaces that are NOT the ones
 * bench/printed-digits.ts measures (that bench uses DejaVu and Liberation; this set avoids them and their close
 * clones, Nimbus Sans/Roman/Mono, FreeSans/Serif/Mono, TeX Gyre Heros/Termes/Cursor), at sizes the bench does not
 * use, through the upload pipeline (imageToDigitInput), written as MNIST-style IDX files (28x28, before deskewing,
 * as uploads reach the model). Run once by hand; training reads the committed files and needs no browser.
 *
 * Run: `apt-get install fonts-urw-base35 fonts-comic-neue fonts-crosextra-carlito fonts-crosextra-caladea
 * fonts-open-sans fonts-roboto-unhinted fonts-lato fonts-cantarell fonts-inconsolata fonts-noto-mono
 * fonts-noto-core fonts-jetbrains-mono fonts-firacode` then `npx tsx scripts/render-font-digits.ts`; it prints the
 * files' SHA-256, which data/font-digits/checksums holds (training checks them). Licences of the typefaces:
 * data/font-digits/README.md.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ImageError, imageToDigitInput } from '../src/image/index.js';
import { launchChromium } from '../test/helpers/chromium.js';
import { FONT_DIGIT_FILES } from '../src/training/font-digits.js';
import { PACKAGE_ROOT } from '../src/node/package-root.js';
import { drawDigitGlyphs, type DigitGlyph } from './digit-canvas.js';

/** Typefaces (fontconfig family names) by kind; the canvas synthesizes a style a family lacks. */
export const TRAINING_FACES = [
  // sans
  'Noto Sans',
  'Open Sans',
  'Roboto',
  'Roboto Condensed',
  'Lato',
  'Cantarell',
  'Carlito',
  'URW Gothic',
  // serif
  'Noto Serif',
  'Caladea',
  'C059',
  'P052',
  'URW Bookman',
  // monospace
  'Noto Sans Mono',
  'Noto Mono',
  'Inconsolata',
  'JetBrains Mono',
  'Fira Code',
  // handwriting-style
  'Comic Neue',
  'Z003',
] as const;
export const FONT_STYLES = ['normal', 'bold', 'italic'] as const;
/** CSS px; the bench uses 12, 20, 32 and 96. */
export const FONT_SIZES = [16, 26, 48] as const;

type Job = DigitGlyph;

/**
 * Draws the glyphs in Chromium, each face loaded first (for the characters of `text`), so none is drawn in a fallback
 * font.
 * @returns one PNG per job
 */
export async function renderGlyphs(jobs: readonly DigitGlyph[], text = '0123456789'): Promise<Uint8Array[]> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.evaluate(
      async ([faces, sample]) => {
        for (const face of faces)
          for (const weight of ['', 'bold ']) await document.fonts.load(`${weight}20px "${face}"`, sample);
      },
      [[...TRAINING_FACES], text] as const,
    );
    const urls = await page.evaluate(drawDigitGlyphs, jobs);
    return urls.map((url) => new Uint8Array(Buffer.from(url.split(',')[1] as string, 'base64')));
  } finally {
    await browser.close();
  }
}

export function idx(magic: number, dims: readonly number[], body: Uint8Array): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, k) => header.writeUInt32BE(d, 4 + 4 * k));
  return Buffer.concat([header, body]);
}

/**
 * Writes 28x28 images and their labels as gzipped IDX files in `dir`, with a `checksums` file (the SHA-256 of each raw
 * file, under `header`) that training checks.
 */
export async function writeIdxSet(
  dir: string,
  names: { readonly images: string; readonly labels: string },
  images: readonly Uint8Array[],
  labels: readonly number[],
  header: string,
): Promise<void> {
  const body = new Uint8Array(images.length * 784);
  images.forEach((image, k) => body.set(image, k * 784));
  await mkdir(dir, { recursive: true });
  const files = [
    [names.images, idx(0x803, [images.length, 28, 28], body)],
    [names.labels, idx(0x801, [labels.length], Uint8Array.from(labels))],
  ] as const;
  const sums = [header];
  for (const [name, raw] of files) {
    await writeFile(path.join(dir, `${name}.gz`), gzipSync(raw, { level: 9 }));
    sums.push(`${createHash('sha256').update(raw).digest('hex')}  ${name}`);
  }
  await writeFile(path.join(dir, 'checksums'), `${sums.join('\n')}\n`);
}

async function main(): Promise<void> {
  // Polarity alternates over the set (the pipeline reads both alike), so each picture is drawn once.
  let n = 0;
  const jobs: Job[] = TRAINING_FACES.flatMap((face) =>
    FONT_STYLES.flatMap((style) =>
      FONT_SIZES.flatMap((size) =>
        Array.from({ length: 10 }, (_, digit) => ({ face, style, size, dark: n++ % 2 === 0, digit })),
      ),
    ),
  );
  const pngs = await renderGlyphs(jobs);
  const images: Uint8Array[] = [];
  const labels: number[] = [];
  pngs.forEach((png, k) => {
    try {
      images.push(imageToDigitInput(png).pixels);
      labels.push((jobs[k] as Job).digit);
    } catch (error) {
      if (!(error instanceof ImageError)) throw error;
      console.error(`skipped (no digit found): ${JSON.stringify(jobs[k])}`);
    }
  });
  const dir = path.join(PACKAGE_ROOT, 'data', 'font-digits');
  await writeIdxSet(
    dir,
    FONT_DIGIT_FILES,
    images,
    labels,
    '# SHA-256 of the raw (uncompressed) font-digit IDX files written by scripts/render-font-digits.ts.',
  );
  console.log(
    `${images.length} digits (${TRAINING_FACES.length} faces x ${FONT_STYLES.length} styles x ${FONT_SIZES.length} sizes x 10) written to ${dir}`,
  );
}

// Run as a script, not when another script borrows its lists.
if (import.meta.url === `file://${process.argv[1]}`) await main();
